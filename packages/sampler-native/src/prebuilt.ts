/**
 * The prebuilt addons this package carries, in prebuildify's layout (the one `node-gyp-build`
 * reads): `prebuilds/<platform>-<arch>/llmmon_sampler[.<libc>].node`. One binary per platform
 * serves every Node version: it uses Node-API 8 only, so its file name has no ABI tag. A Linux
 * binary names its C library, because a glibc build must never be loaded by a musl process
 * (musl's loader ignores symbol versions and may load it, then crash) and the other way round.
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { familySync } from 'detect-libc';

/** Which prebuilt binary a process can use. */
export interface PrebuiltTarget {
  platform: string;
  arch: string;
  /** `glibc` or `musl` on Linux, null elsewhere. */
  libc: string | null;
}

/** This package's `prebuilds/` folder (`src/` and `dist/` are both one level below the root). */
export const PREBUILDS_DIR = fileURLToPath(new URL('../prebuilds', import.meta.url));

/** The running process's target; Linux's C library as `detect-libc` (sharp's) finds it. */
export function hostTarget(): PrebuiltTarget {
  // detect-libc answers null only where it finds neither library's mark; glibc is then the
  // likelier one, and a wrong guess still fails to load with the loader's reason.
  const libc = process.platform === 'linux' ? (familySync() ?? 'glibc') : null;
  return { platform: process.platform, arch: process.arch, libc };
}

/**
 * Where the prebuilt binary for `target` is (or would be).
 *
 * @example
 * prebuiltPath({ platform: 'linux', arch: 'x64', libc: 'glibc' }); // …/prebuilds/linux-x64/llmmon_sampler.glibc.node
 */
export function prebuiltPath(target: PrebuiltTarget = hostTarget(), dir: string = PREBUILDS_DIR): string {
  const tags = target.libc ? `.${target.libc}` : '';
  return join(dir, `${target.platform}-${target.arch}`, `llmmon_sampler${tags}.node`);
}

/** The prebuilt binaries in `dir`, as `<platform>-<arch>[ <libc>]`, sorted (e.g. `linux-x64 glibc`). */
export function shippedPrebuilts(dir: string = PREBUILDS_DIR): string[] {
  const found: string[] = [];
  for (const tuple of list(dir)) {
    for (const file of list(join(dir, tuple))) {
      const tags = /^llmmon_sampler((?:\.[a-z]+)*)\.node$/.exec(file)?.[1];
      if (tags !== undefined) found.push(`${tuple}${tags.replaceAll('.', ' ')}`);
    }
  }
  return found.sort();
}

function list(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}
