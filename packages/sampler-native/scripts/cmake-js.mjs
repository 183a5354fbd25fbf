// What build-native.mjs and build-prebuilt.mjs share: the toolchain check and one cmake-js run
// (Release, offline: package.json's `binary.napi_versions` makes cmake-js take Node-API's
// headers from the node-api-headers package instead of downloading Node's).
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { availableParallelism } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const root = join(dirname(fileURLToPath(import.meta.url)), '..');
export const tag = '[@llmmon/sampler-native]';

/** Why this platform has no native backend, or null when it has one (Linux and macOS). */
export function unsupportedPlatform() {
  if (process.platform === 'linux' || process.platform === 'darwin') return null;
  return `no native backend for ${process.platform} (Linux and macOS only)`;
}

function runs(command, args) {
  return spawnSync(command, args, { stdio: 'ignore' }).status === 0;
}

/** What is missing to build from source, with how to install it; null when nothing is. */
export function missingToolchain() {
  const missing = [];
  if (!runs('cmake', ['--version'])) missing.push('cmake');
  const compilers = process.env.CXX ? [process.env.CXX] : ['c++', 'g++', 'clang++'];
  if (!compilers.some((cxx) => runs(cxx, ['--version'])))
    missing.push(`a C++17 compiler (${compilers.join(', ')})`);
  if (missing.length === 0) return null;
  const hint =
    process.platform === 'darwin'
      ? '`xcode-select --install` and `brew install cmake`'
      : '`apt-get install cmake g++`';
  return `${missing.join(' and ')} not found (install with ${hint})`;
}

/**
 * Runs `cmake-js build --config Release` with `args` added; its output goes to this process's.
 * LLMMON_WERROR=1 turns compiler warnings into errors (CI).
 * @returns null when it built, else why not
 */
export function cmakeJsBuild(args = []) {
  const require = createRequire(import.meta.url);
  const cmakeJs = join(dirname(require.resolve('cmake-js/package.json')), 'bin', 'cmake-js');
  const all = [cmakeJs, 'build', '--config', 'Release', '--log-level', 'warn'];
  all.push('--parallel', String(availableParallelism()), ...args);
  if (process.env.LLMMON_WERROR === '1') all.push('--CDLLMMON_WERROR=ON');
  const result = spawnSync(process.execPath, all, { cwd: root, stdio: 'inherit' });
  if (result.status === 0) return null;
  return result.error ? result.error.message : `cmake-js exited with ${result.status ?? result.signal}`;
}
