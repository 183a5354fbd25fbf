import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { hostTarget, prebuiltPath, shippedPrebuilts } from './prebuilt.js';

/** One place the loader looked for the native addon, and why it could not use it. */
export interface LoadAttempt {
  path: string;
  reason: string;
}

/**
 * Thrown (once, at import time) when no candidate native addon could be loaded. `@llmmon/core`
 * catches it and falls back to its JS sampler, showing `message` as the reason.
 */
export class SamplerLoadError extends Error {
  readonly code = 'ERR_LLMMON_SAMPLER_LOAD';
  readonly attempts: readonly LoadAttempt[];

  constructor(attempts: readonly LoadAttempt[]) {
    super(describe(attempts));
    this.name = 'SamplerLoadError';
    this.attempts = attempts;
  }
}

/** Environment variable naming an explicit `llmmon_sampler.node` to try first. */
export const NATIVE_PATH_ENV = 'LLMMON_SAMPLER_NATIVE_PATH';

/**
 * Where the addon may be, in order: an explicit path from `LLMMON_SAMPLER_NATIVE_PATH`, then the
 * package's own cmake-js build (`build/Release`, then `build/Debug`: a build from source, made
 * at install where no prebuilt binary fits, or by a developer, is newer than any prebuilt), then
 * the prebuilt binary for this platform (`prebuilds/<platform>-<arch>/…`, see prebuilt.ts).
 * `src/` and `dist/` are both one level below the package root, so the same relative paths
 * serve both.
 */
export function defaultCandidates(env: NodeJS.ProcessEnv = process.env): string[] {
  const candidates: string[] = [];
  const explicit = env[NATIVE_PATH_ENV];
  if (explicit) candidates.push(explicit);
  for (const config of ['Release', 'Debug']) {
    candidates.push(fileURLToPath(new URL(`../build/${config}/llmmon_sampler.node`, import.meta.url)));
  }
  candidates.push(prebuiltPath());
  return candidates;
}

const require = createRequire(import.meta.url);

/**
 * Loads the first candidate that works. Throws one {@link SamplerLoadError} listing every path
 * tried with its reason when none does.
 *
 * @example
 * const binding = loadNative<NativeBinding>(defaultCandidates());
 */
export function loadNative<T>(candidates: readonly string[]): T {
  const attempts: LoadAttempt[] = [];
  for (const path of candidates) {
    try {
      return require(path) as T;
    } catch (error) {
      attempts.push({ path, reason: reasonOf(error) });
    }
  }
  throw new SamplerLoadError(attempts);
}

const NOT_FOUND = 'not found';

function reasonOf(error: unknown): string {
  const e = error as NodeJS.ErrnoException;
  if (e?.code === 'MODULE_NOT_FOUND') return NOT_FOUND;
  const message = e instanceof Error ? e.message : String(error);
  return message.split('\n')[0] ?? message;
}

function describe(attempts: readonly LoadAttempt[]): string {
  const where = `${process.platform}-${process.arch}, Node ${process.versions.node}, Node-API ${process.versions.napi}`;
  const target = hostTarget();
  const host = [`${target.platform}-${target.arch}`, target.libc].filter(Boolean).join(' ');
  const shipped = shippedPrebuilts();
  // The first line stands alone (core records it as the reason it uses its JS sampler): a file
  // that exists but does not load (e.g. a glibc too old for the prebuilt binary) says most.
  const failed = attempts.find((a) => a.reason !== NOT_FOUND);
  const summary =
    attempts.length === 0
      ? 'no candidate paths'
      : `${failed ? `${failed.path}: ${failed.reason}` : `no build, and no prebuilt binary for ${host}`}${attempts.length > 1 ? `; ${attempts.length} paths tried` : ''}`;
  const lines = [
    `@llmmon/sampler-native: the native sampler could not be loaded (${summary}).`,
    `Tried (${where}):`,
  ];
  for (const a of attempts) lines.push(`  - ${a.path}: ${a.reason}`);
  if (attempts.length === 0) lines.push('  (no candidate paths)');
  const none = shipped.includes(host) ? '' : ` (none for ${host})`;
  lines.push(
    `Prebuilt binaries in this package: ${shipped.length > 0 ? shipped.join(', ') : 'none'}${none}.`,
  );
  lines.push('Possible solutions:');
  if (process.platform === 'win32') {
    lines.push('  - The native sampler is not available on Windows; @llmmon/core uses its JS sampler there.');
  } else {
    lines.push(
      '  - Build it from source: install cmake >= 3.15 and a C++17 compiler (`apt-get install cmake g++` on Debian/Ubuntu,',
      '    `xcode-select --install` and `brew install cmake` on macOS), then run its install script again:',
      '    `npm rebuild @llmmon/sampler-native` (pnpm: `pnpm approve-builds @llmmon/sampler-native`, then',
      '    `pnpm rebuild @llmmon/sampler-native`); in the llmmon repository: pnpm --filter @llmmon/sampler-native build.',
      `  - Point ${NATIVE_PATH_ENV} at a built llmmon_sampler.node.`,
      '  - Without it, @llmmon/core falls back to its JS sampler (process-level only, paused while the event loop is blocked).',
    );
  }
  return lines.join('\n');
}
