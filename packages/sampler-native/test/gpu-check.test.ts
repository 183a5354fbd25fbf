/**
 * scripts/gpu-check.mjs (what scripts/gpu-check.sh runs on a real NVIDIA machine), against the
 * scripted NVML stand-in: it passes when the energy counter moves as power x time, fails when
 * the counter does not, and says there is nothing to check without NVML.
 */
import { execFile } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildNvmlStub, tempDir, writeAtomically } from './gpu-stand-ins.js';
import { requireDist } from './helpers.js';

const CHECK = fileURLToPath(new URL('../scripts/gpu-check.mjs', import.meta.url));
let tmp: ReturnType<typeof tempDir>;
let stub: string;

function check(env: Record<string, string>): Promise<{ code: number | null; out: string }> {
  requireDist();
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [CHECK, '2'],
      { env: { ...process.env, LLMMON_SYS_ROOT: tmp.dir, ...env }, timeout: 30_000 },
      (error, stdout, stderr) =>
        resolve({ code: error ? ((error as { code?: number }).code ?? null) : 0, out: stdout + stderr }),
    );
  });
}

function script(name: string, lines: string[]): string {
  const file = path.join(tmp.dir, name);
  writeAtomically(file, lines.join('\n'));
  return file;
}

beforeAll(() => {
  tmp = tempDir('llmmon-gpu-check-');
  stub = buildNvmlStub(tmp.dir);
});
afterAll(() => tmp.cleanup());

describe('scripts/gpu-check.mjs', () => {
  it('passes when the energy counter advances as power x time (exit 0)', async () => {
    const s = script('real.txt', ['0 power 300000', '0 energy 5000', '0 energy_follows_power 1']);
    const r = await check({ LLMMON_NVML_PATH: stub, LLMMON_NVML_STUB_SCRIPT: s });
    expect(r.out).toMatch(/"gpu_backend": "nvml"/);
    expect(r.out).toMatch(/difference \d+\.\d+ % \(limit 10 %\)/);
    expect(r.out).toMatch(/gpu-check: PASS/);
    expect(r.code).toBe(0);
  });

  it('fails when it does not (exit 1)', async () => {
    const s = script('stuck.txt', ['0 power 300000', '0 energy 5000']);
    const r = await check({ LLMMON_NVML_PATH: stub, LLMMON_NVML_STUB_SCRIPT: s });
    expect(r.out).toMatch(/gpu-check: FAIL/);
    expect(r.code).toBe(1);
  });

  it('has nothing to check without NVML or without its energy counter (exit 2)', async () => {
    let r = await check({ LLMMON_NVML_PATH: path.join(tmp.dir, 'none.so') });
    expect(r.out).toMatch(/cannot check: GPU backend is none/);
    expect(r.code).toBe(2);
    const s = script('no-energy.txt', ['0 power 300000', 'error nvmlDeviceGetTotalEnergyConsumption 3']);
    r = await check({ LLMMON_NVML_PATH: stub, LLMMON_NVML_STUB_SCRIPT: s });
    expect(r.out).toMatch(/cannot check: gpu_energy unavailable: .*NVML_ERROR_NOT_SUPPORTED/);
    expect(r.code).toBe(2);
  });
});
