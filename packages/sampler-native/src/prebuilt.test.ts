import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { hostTarget, prebuiltPath, shippedPrebuilts } from './prebuilt.js';

const scratch = mkdtempSync(join(tmpdir(), 'llmmon-prebuilt-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe('prebuilt binaries', () => {
  it("sit in prebuildify's layout: <platform>-<arch>/llmmon_sampler[.<libc>].node", () => {
    expect(prebuiltPath({ platform: 'linux', arch: 'x64', libc: 'glibc' }, '/p')).toBe(
      join('/p', 'linux-x64', 'llmmon_sampler.glibc.node'),
    );
    expect(prebuiltPath({ platform: 'linux', arch: 'arm64', libc: 'musl' }, '/p')).toBe(
      join('/p', 'linux-arm64', 'llmmon_sampler.musl.node'),
    );
    expect(prebuiltPath({ platform: 'darwin', arch: 'arm64', libc: null }, '/p')).toBe(
      join('/p', 'darwin-arm64', 'llmmon_sampler.node'),
    );
  });

  it('this process is its platform and arch; Linux names its C library, as ldd does', () => {
    const target = hostTarget();
    expect(target.platform).toBe(process.platform);
    expect(target.arch).toBe(process.arch);
    if (process.platform !== 'linux') {
      expect(target.libc).toBeNull();
      return;
    }
    // Ground truth: Node's own report says which glibc it runs on (absent under musl).
    const header = (process.report.getReport() as { header: { glibcVersionRuntime?: string } }).header;
    expect(target.libc).toBe(header.glibcVersionRuntime ? 'glibc' : 'musl');
  });

  it('lists what a prebuilds/ folder holds, and nothing that is not a prebuilt sampler', () => {
    const dir = join(scratch, 'prebuilds');
    for (const [tuple, file] of [
      ['linux-x64', 'llmmon_sampler.glibc.node'],
      ['linux-x64', 'llmmon_sampler.musl.node'],
      ['darwin-arm64', 'llmmon_sampler.node'],
      ['darwin-x64', 'llmmon_sampler.node'],
      ['darwin-x64', 'llmmon_sampler.node.tmp'],
      ['linux-arm64', 'other.node'],
    ] as const) {
      mkdirSync(join(dir, tuple), { recursive: true });
      writeFileSync(join(dir, tuple, file), '');
    }
    expect(shippedPrebuilts(dir)).toEqual([
      'darwin-arm64',
      'darwin-x64',
      'linux-x64 glibc',
      'linux-x64 musl',
    ]);
    expect(shippedPrebuilts(join(scratch, 'missing'))).toEqual([]);
  });
});
