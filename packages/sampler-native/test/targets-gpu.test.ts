/**
 * GPU figures of an attached process, from the NVML backend's per-process readings, against the
 * scripted libnvidia-ml stand-in (test/fixtures/nvml-stub): the stub lists a child process on the
 * device with memory and utilisation samples the test moves by known amounts. No NVIDIA GPU is
 * involved.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Sampler } from '../src/index.js';
import { buildNvmlStub, gpuPasses, tempDir, writeAtomically } from './gpu-stand-ins.js';

const MiB = 1024 * 1024;

let tmp: ReturnType<typeof tempDir>;
let script: string;
let child: ChildProcess;

/** One device with this process (100 MiB) and the child on it. */
const scriptFor = (childPid: number, childBytes: number, sample: string) =>
  [
    '0 name NVIDIA Stub H100',
    `0 memory ${80 * 1024 * MiB} ${4 * 1024 * MiB}`,
    '0 util 50 10',
    `0 compute ${process.pid} ${100 * MiB}`,
    `0 compute ${childPid} ${childBytes}`,
    `0 sample ${childPid} ${sample}`,
  ].join('\n');

beforeAll(() => {
  tmp = tempDir('llmmon-target-gpu-');
  script = path.join(tmp.dir, 'script.txt');
  process.env.LLMMON_NVML_PATH = buildNvmlStub(tmp.dir);
  process.env.LLMMON_NVML_STUB_SCRIPT = script;
  process.env.LLMMON_SYS_ROOT = tmp.dir; // no DRM devices: NVML is chosen
  child = spawn('sleep', ['60'], { stdio: 'ignore' });
});

afterAll(() => {
  child.kill('SIGKILL');
  delete process.env.LLMMON_NVML_PATH;
  delete process.env.LLMMON_NVML_STUB_SCRIPT;
  delete process.env.LLMMON_SYS_ROOT;
  tmp.cleanup();
});

describe.runIf(process.platform === 'linux')('GPU figures of an attached process (NVML stand-in)', () => {
  it("a target's GPU memory peak and utilisation are its own process entries, not this process's", async () => {
    const pid = child.pid!;
    writeAtomically(script, scriptFor(pid, 300 * MiB, '1000 40 5'));
    const s = new Sampler({ gpuIntervalMs: 10, targets: [{ pid, role: 'server' }] }).start();
    try {
      expect(s.capabilities().gpu_backend).toBe('nvml');
      await gpuPasses(s, 2);
      const id = s.openWindow();
      writeAtomically(script, scriptFor(pid, 700 * MiB, '2000 80 5'));
      await gpuPasses(s, 3);
      writeAtomically(script, scriptFor(pid, 200 * MiB, '2000 80 5'));
      await gpuPasses(s, 3);
      const stats = s.closeWindow(id);
      const gpu = stats.targets[0]!.gpu!;
      expect(gpu.memory_peak_bytes).toBe(700 * MiB);
      expect(gpu.memory_scope).toBe('process');
      expect(gpu).toMatchObject({ devices: [0], device_scope: 'process' });
      // The sample taken before the window (40 %) is not counted; the new one (80 %) once.
      expect(gpu.process_util_avg_percent).toBe(80);
      expect(gpu.process_util_peak_percent).toBe(80);
      expect(gpu.util_avg_percent).toBe(50);
      // This process's own figures stay its own.
      expect(stats.gpu!.memory_peak_bytes).toBe(100 * MiB);
      expect(stats.gpu!.process_util_avg_percent).toBeNull();
    } finally {
      s.stop();
    }
  });
});
