/**
 * The DRM backend end to end: a sampler pointed (LLMMON_SYS_ROOT, LLMMON_PROC_ROOT) at
 * directories laid out like /sys and /proc, with fdinfo text in the kernel's format whose
 * counters the test moves by known amounts. No GPU is involved.
 */
import path from 'node:path';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { now, Sampler } from '../src/index.js';
import { amdgpu, i915, xe } from './fixtures/drm-fdinfo.js';
import { DrmMachine, gpuPasses, tempDir } from './gpu-stand-ins.js';

const MiB = 1024 * 1024;
const pid = process.pid;
const GPU_INTERVAL_MS = 10;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

let tmp: ReturnType<typeof tempDir>;
let machine: DrmMachine;
let sampler: Sampler | undefined;

const AMD = {
  node: 'renderD128',
  pdev: '0000:03:00.0',
  driver: 'amdgpu',
  vendor: '0x1002',
  files: {
    product_name: 'AMD Radeon RX 7900 XTX',
    mem_info_vram_total: String(24 * 1024 * MiB),
    mem_info_vram_used: String(3 * 1024 * MiB),
    gpu_busy_percent: '37',
    mem_busy_percent: '12',
  },
  hwmon: { power1_average: '45500000', temp1_input: '51000', freq1_input: '2482000000' },
};
const INTEL = {
  node: 'renderD129',
  pdev: '0000:00:02.0',
  driver: 'i915',
  vendor: '0x8086',
  hwmon: { energy1_input: '5000000' },
};

function start(): Sampler {
  process.env.LLMMON_SYS_ROOT = machine.sys;
  process.env.LLMMON_PROC_ROOT = machine.proc;
  sampler = new Sampler({ gpuIntervalMs: GPU_INTERVAL_MS }).start();
  return sampler;
}

beforeEach(() => {
  tmp = tempDir('llmmon-drm-');
  machine = new DrmMachine(tmp.dir).device(AMD).device(INTEL);
  process.env.LLMMON_NVML_PATH = path.join(tmp.dir, 'no-libnvidia-ml.so.1');
  machine.otherFd(pid, 0);
});

afterEach(() => {
  sampler?.stop();
  sampler = undefined;
  tmp.cleanup();
});

afterAll(() => {
  for (const v of ['LLMMON_NVML_PATH', 'LLMMON_SYS_ROOT', 'LLMMON_PROC_ROOT']) delete process.env[v];
});

describe('DRM backend (directories laid out like /sys and /proc)', () => {
  it('finds the render nodes, and says what each counter comes from or why it is missing', () => {
    const caps = start().capabilities();
    expect(caps.gpu_backend).toBe('drm');
    expect(caps.gpus).toEqual([
      {
        index: 0,
        id: '0000:03:00.0',
        name: 'AMD Radeon RX 7900 XTX',
        vendor: 'amd',
        memory_total_bytes: 24 * 1024 * MiB,
        driver_version: null,
        core_count: null,
      },
      {
        index: 1,
        id: '0000:00:02.0',
        name: 'i915 GPU 0000:00:02.0',
        vendor: 'intel',
        memory_total_bytes: null,
        driver_version: null,
        core_count: null,
      },
    ]);
    expect(caps.counters.gpu_util).toMatchObject({ available: true, source: 'sysfs gpu_busy_percent' });
    expect(caps.counters.gpu_energy).toMatchObject({ available: true, source: 'hwmon energy1_input' });
    expect(caps.counters.gpu_power).toMatchObject({ available: true, source: 'hwmon power1_average' });
    expect(caps.counters.gpu_throttle).toMatchObject({
      available: false,
      reason: 'DRM sysfs has no throttle reasons',
    });
    for (const name of ['gpu_process_memory', 'gpu_process_util', 'gpu_process_busy'] as const)
      expect(caps.counters[name], name).toMatchObject({ available: true, scope: 'process' });
  });

  it('amdgpu: a client open through two fds counts once; busy time and memory exactly as the counters moved', async () => {
    const c42 = (gfxNs: number) =>
      amdgpu({ clientId: 42, gfxNs, computeNs: 0, vramKiB: 512 * 1024, gttKiB: 1024 });
    const c43 = (gfxNs: number) => amdgpu({ clientId: 43, gfxNs, vramKiB: 256 * 1024 });
    const write = (a: number, b: number) => {
      machine.fd(pid, 5, 'renderD128', c42(a));
      machine.fd(pid, 6, 'renderD128', c42(a)); // the same client (drm-client-id 42) again
      machine.fd(pid, 7, 'renderD128', c43(b));
    };
    write(1e9, 5e8);
    const s = start();
    await gpuPasses(s, 2);
    const id = s.openWindow();
    const opened = now();
    write(1.2e9, 6e8);
    await gpuPasses(s, 2);
    while (now() - opened < 0.35) await sleep(20); // the window must outlast its 0.3 s of engine time
    const stats = s.closeWindow(id);
    const gpu = stats.gpu!;
    expect(gpu.devices).toEqual([0]);
    expect(gpu.device_scope).toBe('process');
    expect(gpu.busy_seconds).toBe(0.3); // gfx: (1.2 - 1.0) + (0.6 - 0.5) s, fd 6 not added
    expect(gpu.process_util_avg_percent).toBeCloseTo((100 * 0.3) / stats.wall_seconds, 9);
    expect(gpu.memory_peak_bytes).toBe(512 * MiB + 1 * MiB + 256 * MiB);
    expect(gpu.memory_scope).toBe('process');
    expect(gpu).toMatchObject({
      util_avg_percent: 37,
      util_peak_percent: 37,
      throttled: null,
      energy_joules: null,
    });
    expect(s.latest()).toMatchObject({ gpu_power_watts: 45.5, gpu_util_percent: 37 });
  });

  it('a counter that goes backwards holds its larger value; a client that closes keeps what it counted', async () => {
    const c42 = (gfxNs: number) => amdgpu({ clientId: 42, gfxNs, vramKiB: 1024 });
    const c43 = (gfxNs: number) => amdgpu({ clientId: 43, gfxNs, vramKiB: 1024 });
    machine.fd(pid, 5, 'renderD128', c42(1e9));
    machine.fd(pid, 7, 'renderD128', c43(5e8));
    const s = start();
    await gpuPasses(s, 2);
    const id = s.openWindow();
    const opened = now();
    machine.fd(pid, 5, 'renderD128', c42(7e8)); // a reset: lower than before
    machine.fd(pid, 7, 'renderD128', c43(6e8));
    await gpuPasses(s, 2);
    machine.close(pid, 7); // client 43 closes after counting 0.1 s in the window
    machine.fd(pid, 5, 'renderD128', c42(1.1e9)); // caught up, 0.1 s beyond its old maximum
    await gpuPasses(s, 2);
    while (now() - opened < 0.25) await sleep(20);
    expect(s.closeWindow(id).gpu!.busy_seconds).toBe(0.2);
  });

  it("i915: an engine group of capacity 2 counts half its busy time; device energy is the hwmon counter's advance", async () => {
    machine.fd(pid, 9, 'renderD129', i915({ clientId: 3, renderNs: 0, videoNs: 0, systemKiB: 6044 }));
    const s = start();
    await gpuPasses(s, 2);
    const id = s.openWindow();
    const opened = now();
    machine.fd(pid, 9, 'renderD129', i915({ clientId: 3, renderNs: 1e8, videoNs: 8e8, systemKiB: 6044 }));
    machine.set(INTEL.pdev, 'hwmon/hwmon4/energy1_input', '7250000');
    await gpuPasses(s, 2);
    while (now() - opened < 0.45) await sleep(20);
    const gpu = s.closeWindow(id).gpu!;
    expect(gpu.devices).toEqual([1]);
    expect(gpu.busy_seconds).toBe(0.4); // video: 0.8 s over 2 engines beats render's 0.1 s
    expect(gpu.energy_joules).toBe(2.25);
    expect(gpu.memory_peak_bytes).toBe(6044 * 1024);
  });

  it('xe: busy cycles over the GPU timestamp give busy time (a client kept at 50 %)', async () => {
    // The GPU timestamp (drm-total-cycles) advances with real time at 1 GHz, as on hardware;
    // rcs is busy half of it. The writer updates every 5 ms.
    const t0 = now();
    const write = () => {
      const total = Math.round((now() - t0) * 1e9);
      machine.fd(
        pid,
        4,
        'renderD128',
        xe({ clientId: 8, rcsCycles: Math.round(total / 2), totalCycles: total, vram0KiB: 4096 }),
      );
    };
    write();
    const writer = setInterval(write, 5);
    try {
      const s = start();
      await gpuPasses(s, 3);
      const id = s.openWindow();
      await sleep(400);
      const stats = s.closeWindow(id);
      // Each end of the window is uncertain by the time since the fixture's last update and the
      // backend's last reading of it: up to one writer interval plus one GPU interval each, plus
      // the delays a loaded machine adds to both timers (budget: 25 ms per end).
      const budget = 2 * 0.025;
      expect(Math.abs(stats.gpu!.busy_seconds! - stats.wall_seconds / 2)).toBeLessThanOrEqual(budget);
    } finally {
      clearInterval(writer);
    }
  });

  it('a process with no DRM client: device figures over every device, no GPU memory of its own', async () => {
    const s = start();
    expect(s.capabilities().counters.gpu_memory.source).toBe('sysfs mem_info_vram_used');
    await gpuPasses(s, 2);
    const id = s.openWindow();
    await gpuPasses(s, 2);
    const gpu = s.closeWindow(id).gpu!;
    expect(gpu).toMatchObject({
      devices: [0, 1],
      device_scope: 'all',
      busy_seconds: null,
      process_util_avg_percent: null,
      memory_peak_bytes: 0, // its fds were all read: it holds none (amdgpu's 3 GiB are others')
      memory_scope: 'process',
      util_avg_percent: 37,
    });
  });
});
