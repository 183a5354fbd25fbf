/**
 * A record's per-process GPU fields through the DRM backend, end to end through LLMMonitor:
 * directories laid out like /sys and /proc (LLMMON_SYS_ROOT, LLMMON_PROC_ROOT) with one amdgpu
 * render node and this process's fd on it, whose fdinfo text (the kernel's documented keys,
 * Documentation/gpu/drm-usage-stats.rst) the test moves by known amounts. No GPU is involved.
 *
 * The sampler is one per process and reads these paths when it starts: this file sets them before
 * its first monitor (Vitest runs each test file in its own process).
 */
import { mkdirSync, renameSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sleep, tempDir } from '../test/support/ground-truth.js';
import { HAS_NATIVE } from '../test/support/native.js';
import { LLMMonitor } from './monitor.js';
import { OperationRecordSchema } from './schema/operation.js';

const linux = process.platform === 'linux';
const PDEV = '0000:03:00.0';
let sys: string;
let proc: string;
let m: LLMMonitor;

function put(file: string, text: string): void {
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(`${file}.partial`, text);
  renameSync(`${file}.partial`, file);
}

function link(file: string, target: string): void {
  mkdirSync(path.dirname(file), { recursive: true });
  symlinkSync(target, file);
}

/** This process's fd 5 on the render node: an amdgpu client with `gfxNs` of engine time, `vramKiB`. */
const fdinfo = (gfxNs: number, vramKiB: number) =>
  put(
    path.join(proc, String(process.pid), 'fdinfo', '5'),
    `pos:\t0\nflags:\t02100002\nmnt_id:\t24\nino:\t1094\ndrm-driver:\tamdgpu\ndrm-client-id:\t42\n` +
      `drm-pdev:\t${PDEV}\ndrm-total-vram:\t${vramKiB} KiB\ndrm-resident-vram:\t${vramKiB} KiB\n` +
      `drm-engine-gfx:\t${gfxNs} ns\n`,
  );

beforeAll(() => {
  const dir = tempDir('llmmon-core-drm-');
  sys = path.join(dir, 'sys');
  proc = path.join(dir, 'proc');
  const device = path.join(sys, 'bus/pci/devices', PDEV);
  put(path.join(device, 'vendor'), '0x1002\n');
  put(path.join(device, 'product_name'), 'AMD Stub RX\n');
  put(path.join(device, 'mem_info_vram_total'), `${16 * 1024 ** 3}\n`);
  put(path.join(device, 'gpu_busy_percent'), '37\n');
  link(path.join(device, 'driver'), '../../../../bus/pci/drivers/amdgpu');
  link(path.join(sys, 'class/drm/renderD128/device'), device);
  link(path.join(proc, String(process.pid), 'fd', '5'), '/dev/dri/renderD128');
  fdinfo(1e9, 512 * 1024);
  process.env.LLMMON_SYS_ROOT = sys;
  process.env.LLMMON_PROC_ROOT = proc;
  process.env.LLMMON_NVML_PATH = path.join(dir, 'no-libnvidia-ml.so.1'); // NVML absent: DRM is the backend
});

afterAll(async () => {
  await m?.close();
});

describe.runIf(linux && HAS_NATIVE)('GPU engine time in the record (scripted DRM fdinfo)', () => {
  it("an operation's GPU busy time, utilisation and memory are this process's counters' movement", async () => {
    m = new LLMMonitor({ outputDir: tempDir(), journal: false, sampler: 'native', gpuIntervalMs: 10 });
    expect(m.run.sampler.gpu_backend).toBe('drm');
    expect(m.run.host.gpus).toEqual([
      expect.objectContaining({
        index: 0,
        id: PDEV,
        name: 'AMD Stub RX',
        vendor: 'amd',
        memory_total_mb: 16 * 1024,
      }),
    ]);
    await sleep(50); // the GPU loop has read the starting counters
    const started = performance.now();
    await m.trackOperation('gpu-model', 'inference', 0, async () => {
      fdinfo(1.25e9, 768 * 1024); // +0.25 s of gfx engine time, 768 MiB of VRAM
      // Until the GPU loop has read it (the timeline, drained from the sampler, shows it).
      while (!m.toMetricsFile().samples.some((s) => s.gpu_memory_mb === 768)) await sleep(20);
      fdinfo(1.25e9, 640 * 1024);
      // The window must outlast its 0.25 s of engine time.
      while (performance.now() - started < 400) await sleep(20);
    });
    const outer = (performance.now() - started) / 1e3;
    const r = m.operations[0]!;
    expect(() => OperationRecordSchema.parse(r)).not.toThrow();
    expect(r.gpu_busy_seconds).toBe(0.25);
    // Utilisation is engine time over the sampler's window, which holds the operation's duration
    // and lies inside the call (its opening and closing reads may take milliseconds under load).
    expect(r.gpu_process_util_avg_percent!).toBeLessThanOrEqual((0.25 / r.duration_seconds) * 100 + 1e-9);
    expect(r.gpu_process_util_avg_percent!).toBeGreaterThanOrEqual((0.25 / outer) * 100 - 1e-9);
    expect(r.gpu_memory_peak_mb).toBe(768);
    expect(r.gpu_memory_scope).toBe('process');
    expect(r.gpu_util_avg_percent).toBe(37); // the device's gpu_busy_percent, every process's work
    // Invariants: engine time within the operation, utilisation within one device.
    expect(r.gpu_busy_seconds!).toBeLessThanOrEqual(r.duration_seconds);
    expect(r.gpu_process_util_avg_percent!).toBeLessThanOrEqual(100);
    // No energy counter on this device (no hwmon energy1_input): null, not 0.
    expect(r.gpu_energy_joules).toBeNull();
  });
});
