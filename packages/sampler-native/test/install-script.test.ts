/**
 * The package's `install` script (`scripts/build-native.mjs --if-missing`) as it runs in an
 * installed copy of the package: it keeps a prebuilt binary that loads and builds nothing, and
 * where it can neither load one nor build, it says both reasons in one line and exits 0.
 */
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { hostTarget, prebuiltPath } from '../src/prebuilt.js';
import { PRODUCT_ADDON, requireDist } from './helpers.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const scratch = mkdtempSync(join(tmpdir(), 'llmmon-install-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** An installed copy: dist/, the install scripts, the dependencies; no build/, no prebuilds/. */
function installedCopy(name: string, withDependencies = true): string {
  const pkg = join(scratch, name);
  cpSync(dirname(requireDist()), join(pkg, 'dist'), { recursive: true });
  for (const script of ['build-native.mjs', 'cmake-js.mjs']) {
    cpSync(join(ROOT, 'scripts', script), join(pkg, 'scripts', script));
  }
  writeFileSync(join(pkg, 'package.json'), '{ "type": "module" }');
  if (withDependencies) symlinkSync(join(ROOT, 'node_modules'), join(pkg, 'node_modules'));
  return pkg;
}

/** Runs the install script with no cmake and no compiler on PATH: it can never build. */
function install(pkg: string) {
  const empty = join(scratch, 'empty-path');
  mkdirSync(empty, { recursive: true });
  const r = spawnSync(process.execPath, ['scripts/build-native.mjs', '--if-missing'], {
    cwd: pkg,
    encoding: 'utf8',
    env: { PATH: empty, HOME: scratch },
  });
  return { code: r.status, out: `${r.stdout}${r.stderr}`.trim() };
}

const prebuilt = (pkg: string) => prebuiltPath(hostTarget(), join(pkg, 'prebuilds'));

describe.runIf(process.platform === 'linux' || process.platform === 'darwin')('install script', () => {
  it('keeps a prebuilt binary that loads: builds nothing, says nothing, exits 0', () => {
    const pkg = installedCopy('loads');
    mkdirSync(dirname(prebuilt(pkg)), { recursive: true });
    cpSync(PRODUCT_ADDON, prebuilt(pkg));
    expect(install(pkg)).toEqual({ code: 0, out: '' });
    expect(existsSync(join(pkg, 'build'))).toBe(false);
  });

  it('without a prebuilt for this platform and without a toolchain: one line with both reasons, exit 0', () => {
    const pkg = installedCopy('none');
    const { code, out } = install(pkg);
    expect(code).toBe(0);
    expect(out.split('\n')).toHaveLength(1);
    expect(out).toMatch(
      /^\[@llmmon\/sampler-native\] native sampler not built: the prebuilt binary prebuilds\//,
    );
    expect(out).toContain('does not load (not found), and cmake and a C++17 compiler');
    expect(out).toMatch(/@llmmon\/core will use its JS sampler\.$/);
  });

  it("a prebuilt that fails to load (a broken file) is reported with the loader's reason", () => {
    const pkg = installedCopy('broken');
    mkdirSync(dirname(prebuilt(pkg)), { recursive: true });
    writeFileSync(prebuilt(pkg), 'not a shared library');
    const { code, out } = install(pkg);
    expect(code).toBe(0);
    expect(out).toMatch(/does not load \((?!not found).+\), and cmake/);
  });

  it('a dist/ that cannot import (a dependency missing) does not fail the install either', () => {
    const { code, out } = install(installedCopy('no-dependencies', false));
    expect(code).toBe(0);
    expect(out).toMatch(
      /native sampler not built: no prebuilt binary tried \(dist\/ does not import: .+\), and cmake/,
    );
  });
});
