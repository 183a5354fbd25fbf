#!/usr/bin/env node
import { spawnSync } from 'node:child_process';
// Builds the prebuilt binary this package ships for the machine it runs on, then checks it:
//
//   prebuilds/<platform>-<arch>/llmmon_sampler[.<libc>].node     (layout: src/prebuilt.ts)
//
// Run by `pnpm --filter @llmmon/sampler-native build:prebuilt` and by `prepack`, so a packed
// tarball always carries the packing machine's binary, built from the sources it packs.
// Binaries are not committed: CI builds the macOS ones on macOS runners and puts them into
// prebuilds/ before it packs on Linux (.github/workflows/ci.yml).
//
// Its own build folder (build/prebuilt, incremental) and only the product target, so that it
// never disturbs build/Release (what the tests load). Needs dist/ (`pnpm build`): the path and
// the load check come from the package's own loader. Fails loudly: packing is a release step.
//
// Portability rules it enforces:
// - Linux: a binary runs where glibc is at least the newest GLIBC_ symbol version it references,
//   which the build machine's glibc headers decide. docs/install.md states the floor below;
//   a build that needs more fails here instead of silently shutting out older systems.
// - macOS: built for macOS 11.0 and later (CMAKE_OSX_DEPLOYMENT_TARGET; Node 20's own floor on
//   Apple silicon), whatever the runner's macOS is.
import { copyFileSync, mkdirSync, readFileSync, renameSync, statSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { pathToFileURL } from 'node:url';
import { cmakeJsBuild, missingToolchain, root, tag, unsupportedPlatform } from './cmake-js.mjs';

/** Newest glibc a Linux prebuilt may require (Debian 12's toolchain: pthread_setname_np@2.34). */
const LINUX_GLIBC_FLOOR = '2.34';
const MACOS_MIN = '11.0';

function fail(message) {
  console.error(`${tag} build:prebuilt: ${message}`);
  process.exit(1);
}

const newer = (a, b) => {
  const [x, y] = [a, b].map((v) => v.split('.').map(Number));
  for (let i = 0; i < Math.max(x.length, y.length); i++) {
    if ((x[i] ?? 0) !== (y[i] ?? 0)) return (x[i] ?? 0) > (y[i] ?? 0);
  }
  return false;
};

/** The newest `<prefix>_x.y` symbol version an ELF file names (its version needs), or null. */
function newestVersion(bytes, prefix) {
  let newest = null;
  for (const m of bytes.toString('latin1').matchAll(new RegExp(`\\b${prefix}_(\\d+(?:\\.\\d+)+)\\b`, 'g'))) {
    if (newest === null || newer(m[1], newest)) newest = m[1];
  }
  return newest;
}

const unsupported = unsupportedPlatform() ?? missingToolchain();
if (unsupported) fail(unsupported);
const dist = join(root, 'dist');
let loader;
let prebuilt;
try {
  loader = await import(pathToFileURL(join(dist, 'load.js')).href);
  prebuilt = await import(pathToFileURL(join(dist, 'prebuilt.js')).href);
} catch (error) {
  fail(`${relative(root, dist)}/ is not built (${error.message.split('\n')[0]}): run pnpm build first`);
}

const out = join(root, 'build', 'prebuilt');
const args = ['--out', out, '--target', 'llmmon_sampler'];
if (process.platform === 'darwin') args.push(`--CDCMAKE_OSX_DEPLOYMENT_TARGET=${MACOS_MIN}`);
const failed = cmakeJsBuild(args);
if (failed) fail(`the build failed (${failed}; its output is above)`);

// Strip a copy (the build folder keeps its own file, so the next build stays incremental), and
// only then put it in place: a reader never sees half a binary.
const dest = prebuilt.prebuiltPath();
const staged = `${dest}.tmp`;
mkdirSync(dirname(dest), { recursive: true });
copyFileSync(join(out, 'Release', 'llmmon_sampler.node'), staged);
// macOS: stripping rewrites the file, so sign it again (ad hoc, as the linker did): Apple
// silicon refuses to load code whose signature does not match it.
const steps = [
  process.platform === 'darwin' ? ['strip', '-x', staged] : ['strip', '--strip-unneeded', staged],
];
if (process.platform === 'darwin') steps.push(['codesign', '--force', '--sign', '-', staged]);
for (const [command, ...rest] of steps) {
  const r = spawnSync(command, rest, { stdio: 'inherit' });
  if (r.status !== 0) fail(`${command} ${rest.join(' ')} failed (${r.error?.message ?? r.status})`);
}
renameSync(staged, dest);

const facts = [`${Math.round(statSync(dest).size / 1024)} KiB`];
let binding;
try {
  binding = loader.loadNative([dest]);
} catch (error) {
  fail(`${relative(root, dest)} was built but does not load: ${error.attempts?.[0]?.reason ?? error}`);
}
if (binding.napiVersion !== 8)
  fail(`${relative(root, dest)} reports Node-API ${binding.napiVersion}, expected 8`);
facts.push(`Node-API ${binding.napiVersion}`, `backend ${binding.capabilities().backend}`);
if (process.platform === 'linux') {
  const bytes = readFileSync(dest);
  const glibc = newestVersion(bytes, 'GLIBC');
  if (glibc && newer(glibc, LINUX_GLIBC_FLOOR)) {
    fail(
      `${relative(root, dest)} needs glibc ${glibc}, newer than the ${LINUX_GLIBC_FLOOR} that docs/install.md ` +
        'promises: build it on an older distribution (CI packs in node:20-bookworm), or raise the floor here and there',
    );
  }
  facts.push(`needs glibc >= ${glibc}`, `libstdc++ GLIBCXX_${newestVersion(bytes, 'GLIBCXX')}`);
} else {
  facts.push(`macOS >= ${MACOS_MIN}`);
}
console.log(`${tag} ${relative(root, dest)}: ${facts.join(', ')}`);
