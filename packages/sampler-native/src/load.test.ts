import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { PRODUCT_ADDON, requireDist } from '../test/helpers.js';
import { defaultCandidates, loadNative, NATIVE_PATH_ENV, SamplerLoadError } from './load.js';
import { hostTarget } from './prebuilt.js';

const scratch = mkdtempSync(join(tmpdir(), 'llmmon-load-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe('loadNative()', () => {
  it('throws one error listing every path tried with its reason, and the possible solutions', () => {
    const missing = join(scratch, 'missing.node');
    const garbage = join(scratch, 'garbage.node');
    writeFileSync(garbage, 'not a shared library');
    let error: unknown;
    try {
      loadNative([missing, garbage]);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(SamplerLoadError);
    const e = error as SamplerLoadError;
    expect(e.code).toBe('ERR_LLMMON_SAMPLER_LOAD');
    expect(e.attempts).toEqual([
      { path: missing, reason: 'not found' },
      { path: garbage, reason: expect.stringMatching(/\S/) },
    ]);
    expect(e.attempts[1]!.reason).not.toBe('not found');
    expect(e.message).toContain(`${missing}: not found`);
    expect(e.message).toContain(`${garbage}: ${e.attempts[1]!.reason}`);
    expect(e.message).toContain('Possible solutions:');
    expect(e.message).toContain('pnpm --filter @llmmon/sampler-native build');
    // The first line alone says what went wrong (core records it as its reason).
    // A file that is there but does not load says more than one that is missing.
    expect(e.message.split('\n')[0]).toBe(
      `@llmmon/sampler-native: the native sampler could not be loaded (${garbage}: ${e.attempts[1]!.reason}; 2 paths tried).`,
    );
  });

  it('tries an explicit LLMMON_SAMPLER_NATIVE_PATH first, then build/Release and build/Debug, then the prebuilt', () => {
    const candidates = defaultCandidates({ [NATIVE_PATH_ENV]: '/opt/x.node' });
    expect(candidates[0]).toBe('/opt/x.node');
    expect(candidates[1]).toMatch(/build[/\\]Release[/\\]llmmon_sampler\.node$/);
    expect(candidates[2]).toMatch(/build[/\\]Debug[/\\]llmmon_sampler\.node$/);
    expect(candidates[3]!.endsWith(join('prebuilds', HOST_DIR, HOST_FILE))).toBe(true);
    expect(defaultCandidates({})).toHaveLength(3);
  });

  it('importing a package without a build or a matching prebuilt throws that one error (plain node)', () => {
    // What an install on a platform without a prebuilt binary and without cmake looks like.
    const pkg = installedCopy('bare');
    const e = importError(pkg);
    expect(e.name).toBe('SamplerLoadError');
    expect(e.code).toBe('ERR_LLMMON_SAMPLER_LOAD');
    expect(e.message).toContain(`${join(pkg, 'build', 'Release', 'llmmon_sampler.node')}: not found`);
    expect(e.message).toContain(`${join(pkg, 'build', 'Debug', 'llmmon_sampler.node')}: not found`);
    expect(e.message).toContain(`${join(pkg, 'prebuilds', HOST_DIR, HOST_FILE)}: not found`);
    expect(e.message).toContain(`Prebuilt binaries in this package: none (none for ${HOST_LABEL}).`);
    expect(e.message.split('\n')[0]).toBe(
      `@llmmon/sampler-native: the native sampler could not be loaded (no build, and no prebuilt binary for ${HOST_LABEL}; 3 paths tried).`,
    );
    expect(e.message).toContain('Possible solutions:');
  });

  it('a package with only the prebuilt binary for this platform loads it (no build/ needed)', () => {
    const pkg = installedCopy('prebuilt');
    place(pkg, join('prebuilds', HOST_DIR, HOST_FILE));
    const out = importCapabilities(pkg);
    expect(out).toEqual({
      backend: process.platform === 'linux' ? 'linux-procfs' : 'darwin-mach',
      napi_version: 8,
    });
  });

  it.runIf(process.platform === 'linux')('a prebuilt binary for the other C library is never loaded', () => {
    const pkg = installedCopy('other-libc');
    const other = hostTarget().libc === 'musl' ? 'glibc' : 'musl';
    place(pkg, join('prebuilds', HOST_DIR, `llmmon_sampler.${other}.node`));
    const e = importError(pkg);
    expect(e.name).toBe('SamplerLoadError');
    expect(e.message).toContain(
      `Prebuilt binaries in this package: ${HOST_DIR} ${other} (none for ${HOST_LABEL}).`,
    );
  });
});

// The layout CI writes (src/prebuilt.ts): prebuilds/<platform>-<arch>/llmmon_sampler[.<libc>].node
const HOST_DIR = `${process.platform}-${process.arch}`;
const HOST_LIBC = hostTarget().libc;
const HOST_FILE = `llmmon_sampler${HOST_LIBC ? `.${HOST_LIBC}` : ''}.node`;
const HOST_LABEL = [HOST_DIR, HOST_LIBC].filter(Boolean).join(' ');

/** A copy of the built package as an install from a tarball has it: dist/, no build/. */
function installedCopy(name: string): string {
  const pkg = join(scratch, name);
  cpSync(join(requireDist(), '..'), join(pkg, 'dist'), { recursive: true });
  writeFileSync(join(pkg, 'package.json'), '{ "type": "module" }');
  // its dependencies (detect-libc), as the package manager would place them
  symlinkSync(join(dirname(requireDist()), '..', 'node_modules'), join(pkg, 'node_modules'));
  return pkg;
}

/** Puts a copy of the built product addon at `relative` inside `pkg`. */
function place(pkg: string, relative: string): void {
  mkdirSync(dirname(join(pkg, relative)), { recursive: true });
  cpSync(PRODUCT_ADDON, join(pkg, relative));
}

function runImport(pkg: string, then: string): string {
  const script = `import(${JSON.stringify(join(pkg, 'dist', 'index.js'))}).then(
    (m) => { ${then} },
    (e) => { console.log(JSON.stringify({ name: e.name, code: e.code, message: e.message })); });`;
  return execFileSync(process.execPath, ['-e', script], {
    encoding: 'utf8',
    env: { ...process.env, [NATIVE_PATH_ENV]: '' },
  });
}

function importError(pkg: string): { name: string; code: string; message: string } {
  return JSON.parse(runImport(pkg, "console.log('loaded'); process.exit(3);"));
}

function importCapabilities(pkg: string): unknown {
  const caps =
    'const c = m.capabilities(); console.log(JSON.stringify({ backend: c.backend, napi_version: c.napi_version }));';
  return JSON.parse(runImport(pkg, caps));
}
