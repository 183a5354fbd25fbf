import { execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { requireDist } from '../test/helpers.js';
import { defaultCandidates, loadNative, NATIVE_PATH_ENV, SamplerLoadError } from './load.js';

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
    expect(e.message.split('\n')[0]).toMatch(
      /could not be loaded \(.*missing\.node: not found; 2 paths tried\)/,
    );
  });

  it('tries an explicit LLMMON_SAMPLER_NATIVE_PATH first, then build/Release and build/Debug', () => {
    const candidates = defaultCandidates({ [NATIVE_PATH_ENV]: '/opt/x.node' });
    expect(candidates[0]).toBe('/opt/x.node');
    expect(candidates[1]).toMatch(/build[/\\]Release[/\\]llmmon_sampler\.node$/);
    expect(candidates[2]).toMatch(/build[/\\]Debug[/\\]llmmon_sampler\.node$/);
    expect(defaultCandidates({})).toHaveLength(2);
  });

  it('importing a package without a built addon throws that one error (plain node)', () => {
    // A copy of the built package without build/: what an install without cmake looks like.
    const pkg = join(scratch, 'pkg');
    cpSync(join(requireDist(), '..'), join(pkg, 'dist'), { recursive: true });
    writeFileSync(join(pkg, 'package.json'), '{ "type": "module" }');
    const script = `import(${JSON.stringify(join(pkg, 'dist', 'index.js'))}).then(
      () => { console.log('loaded'); process.exit(3); },
      (e) => { console.log(JSON.stringify({ name: e.name, code: e.code, message: e.message })); });`;
    const out = execFileSync(process.execPath, ['-e', script], {
      encoding: 'utf8',
      env: { ...process.env, [NATIVE_PATH_ENV]: '' },
    });
    const e = JSON.parse(out) as { name: string; code: string; message: string };
    expect(e.name).toBe('SamplerLoadError');
    expect(e.code).toBe('ERR_LLMMON_SAMPLER_LOAD');
    expect(e.message).toContain(`${join(pkg, 'build', 'Release', 'llmmon_sampler.node')}: not found`);
    expect(e.message).toContain(`${join(pkg, 'build', 'Debug', 'llmmon_sampler.node')}: not found`);
    expect(e.message).toContain('Possible solutions:');
  });
});
