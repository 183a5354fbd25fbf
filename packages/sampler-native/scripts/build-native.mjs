#!/usr/bin/env node
// Builds the native sampler from source (build/Release/llmmon_sampler.node and the test-only
// llmmon_sampler_testing.node) with cmake-js, Release, offline.
//
//   node scripts/build-native.mjs               `pnpm build`: always runs cmake (incremental:
//                                               a no-op when nothing changed); fails loudly.
//   node scripts/build-native.mjs --if-missing  `install` script: builds only when neither a
//                                               build nor this platform's prebuilt binary
//                                               (prebuilds/, see build-prebuilt.mjs) loads, and
//                                               never fails the install: where it cannot build
//                                               it says so in one line and @llmmon/core uses
//                                               its JS sampler.
//
// LLMMON_WERROR=1 turns compiler warnings into errors (CI).
import { existsSync } from 'node:fs';
import { join, relative } from 'node:path';
import { pathToFileURL } from 'node:url';
import { cmakeJsBuild, missingToolchain, root, tag, unsupportedPlatform } from './cmake-js.mjs';

const addon = join(root, 'build', 'Release', 'llmmon_sampler.node');
const ifMissing = process.argv.includes('--if-missing');

/** One line, exit 0: the package stays usable, @llmmon/core falls back to its JS sampler. */
function skip(reason) {
  console.log(`${tag} native sampler not built: ${reason}; @llmmon/core will use its JS sampler.`);
  process.exit(0);
}

/**
 * Whether this platform's prebuilt binary loads here, tried through the package's own loader
 * (dist/, present in every published package; a workspace checkout has it only once built).
 * @returns null when it loads, else why not
 */
async function prebuiltFails() {
  const dist = join(root, 'dist');
  if (!existsSync(join(dist, 'load.js'))) return 'no prebuilt binary tried (dist/ is not built yet)';
  let loader;
  let path;
  try {
    loader = await import(pathToFileURL(join(dist, 'load.js')).href);
    path = (await import(pathToFileURL(join(dist, 'prebuilt.js')).href)).prebuiltPath();
  } catch (error) {
    // An install must not fail: a broken dist/ only means the build from source is tried.
    return `no prebuilt binary tried (dist/ does not import: ${String(error?.message ?? error).split('\n')[0]})`;
  }
  const { loadNative, SamplerLoadError } = loader;
  try {
    loadNative([path]);
    return null;
  } catch (error) {
    const reason = error instanceof SamplerLoadError ? error.attempts[0].reason : String(error);
    return `the prebuilt binary ${relative(root, path)} does not load (${reason})`;
  }
}

const unsupported = unsupportedPlatform();
if (unsupported) skip(unsupported);

let noPrebuilt = null;
if (ifMissing) {
  if (existsSync(addon)) process.exit(0);
  noPrebuilt = await prebuiltFails();
  if (noPrebuilt === null) process.exit(0);
}

const missing = missingToolchain();
if (missing) {
  if (ifMissing) skip(`${noPrebuilt}, and ${missing}`);
  console.error(`${tag} cannot build the native sampler: ${missing}`);
  process.exit(1);
}

const failed = cmakeJsBuild();
if (failed) {
  if (ifMissing) skip(`${noPrebuilt}, and the build failed (${failed}; its output is above)`);
  console.error(`${tag} native build failed: ${failed}`);
  process.exit(1);
}
