/**
 * The macOS build, checked from Linux: scripts/check-darwin-build.sh compiles every macOS source
 * (C++ and Objective-C++) with warnings as errors for arm64 and x86_64 against a macOS SDK, and
 * links both addons against the SDK's .tbd stubs. It needs an SDK, which is not part of this
 * repository: set LLMMON_MACOS_SDK to one (an Xcode MacOSX.sdk, or a checkout of
 * github.com/mitchellh/zig-build-macos-sdk), and clang + lld. Without it the test is skipped.
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const sdk = process.env.LLMMON_MACOS_SDK;
const script = fileURLToPath(new URL('../scripts/check-darwin-build.sh', import.meta.url));

describe(
  sdk
    ? `macOS build against ${sdk}`
    : 'macOS build (skipped: set LLMMON_MACOS_SDK=/path/to/macos-sdk to run it)',
  () => {
    it.skipIf(!sdk)(
      'compiles and links both addons for arm64 and x86_64 with -Werror',
      () => {
        const r = spawnSync('bash', [script], { encoding: 'utf8', env: process.env });
        const output = `${r.stdout}${r.stderr}`;
        expect(output, output).toMatch(/arm64-apple-macos11\.0 product: compiled and linked/);
        expect(output).toMatch(/x86_64-apple-macos10\.15 testing: compiled and linked/);
        expect(r.status, output).toBe(0);
      },
      1_200_000,
    );
  },
);
