#!/usr/bin/env node
// Builds the native sampler (build/Release/llmmon_sampler.node and the test-only
// llmmon_sampler_testing.node) with cmake-js, Release, offline.
//
//   node scripts/build-native.mjs               `pnpm build`: always runs cmake (incremental:
//                                               a no-op when nothing changed); fails loudly.
//   node scripts/build-native.mjs --if-missing  `install` script (pnpm install): builds only when
//                                               the addon is missing, and never fails the install:
//                                               where it cannot build it says so in one line and
//                                               @llmmon/core uses its JS sampler.
//
// LLMMON_WERROR=1 turns compiler warnings into errors (CI).
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { availableParallelism } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const addon = join(root, 'build', 'Release', 'llmmon_sampler.node');
const ifMissing = process.argv.includes('--if-missing');
const tag = '[@llmmon/sampler-native]';

/** One line, exit 0: the package stays usable, @llmmon/core falls back to its JS sampler. */
function skip(reason) {
  console.log(`${tag} native sampler not built: ${reason}; @llmmon/core will use its JS sampler.`);
  process.exit(0);
}

function runs(command, args) {
  const r = spawnSync(command, args, { stdio: 'ignore' });
  return r.status === 0;
}

if (process.platform !== 'linux' && process.platform !== 'darwin') {
  skip(`no native backend for ${process.platform} (Linux and macOS only)`);
}
if (ifMissing && existsSync(addon)) process.exit(0);

const missing = [];
if (!runs('cmake', ['--version'])) missing.push('cmake');
const compilers = process.env.CXX ? [process.env.CXX] : ['c++', 'g++', 'clang++'];
if (!compilers.some((cxx) => runs(cxx, ['--version'])))
  missing.push(`a C++17 compiler (${compilers.join(', ')})`);
if (missing.length > 0) {
  const hint =
    process.platform === 'darwin'
      ? '`xcode-select --install` and `brew install cmake`'
      : '`apt-get install cmake g++`';
  const reason = `${missing.join(' and ')} not found (install with ${hint})`;
  if (ifMissing) skip(reason);
  console.error(`${tag} cannot build the native sampler: ${reason}`);
  process.exit(1);
}

const require = createRequire(import.meta.url);
const cmakeJs = join(dirname(require.resolve('cmake-js/package.json')), 'bin', 'cmake-js');
const args = [
  cmakeJs,
  'build',
  '--config',
  'Release',
  '--log-level',
  'warn',
  '--parallel',
  String(availableParallelism()),
];
if (process.env.LLMMON_WERROR === '1') args.push('--CDLLMMON_WERROR=ON');
const result = spawnSync(process.execPath, args, { cwd: root, stdio: 'inherit' });
if (result.status !== 0) {
  const why = result.error ? result.error.message : `cmake-js exited with ${result.status ?? result.signal}`;
  if (ifMissing) skip(`the build failed (${why}; its output is above)`);
  console.error(`${tag} native build failed: ${why}`);
  process.exit(1);
}
