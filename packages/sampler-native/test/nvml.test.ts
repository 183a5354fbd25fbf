/**
 * The NVML backend against a scripted stand-in for libnvidia-ml.so.1 (test/fixtures/nvml-stub):
 * the same exported functions, signatures and struct layouts, with values the test moves by
 * known amounts. What is checked exactly: a window's device energy (the counter's advance),
 * utilisation average and peak, this process's memory peak and its utilisation samples; every
 * error gives null plus the reason NVML returned. No NVIDIA GPU is involved.
 */
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { Sampler } from '../src/index.js';
import { buildNvmlStub, gpuPasses, tempDir, until, writeAtomically } from './gpu-stand-ins.js';

const MiB = 1024 * 1024;
const pid = process.pid;
const NOT_SUPPORTED = 3;
const NO_PERMISSION = 4;
const DRIVER_NOT_LOADED = 9;

let tmp: ReturnType<typeof tempDir>;
let script: string;
let stub: string;
const running: Sampler[] = [];

/** A sampler on the stub, its GPU loop every 10 ms. */
function sampler(library = stub): Sampler {
  process.env.LLMMON_NVML_PATH = library;
  const s = new Sampler({ gpuIntervalMs: 10 }).start();
  running.push(s);
  return s;
}

/** One device, this process on it: a base script the tests add lines to. */
const base = (extra: string[] = []) =>
  [
    'driver 555.42.06',
    '0 name NVIDIA Stub H100',
    '0 bus 00000000:65:00.0',
    `0 memory ${80 * 1024 * MiB} ${2 * 1024 * MiB}`,
    '0 cores 16896',
    '0 util 30 10',
    '0 power 250000',
    '0 energy 1000',
    '0 clock 1755',
    '0 temperature 61',
    '0 reasons 0x0',
    `0 compute ${pid} ${100 * MiB}`,
    ...extra,
  ].join('\n');

beforeAll(() => {
  tmp = tempDir('llmmon-nvml-');
  stub = buildNvmlStub(tmp.dir);
  script = path.join(tmp.dir, 'script.txt');
  process.env.LLMMON_NVML_STUB_SCRIPT = script;
  // No DRM devices: only NVML can be chosen.
  process.env.LLMMON_SYS_ROOT = tmp.dir;
});

afterEach(() => {
  for (const s of running.splice(0)) s.stop();
});

afterAll(() => {
  delete process.env.LLMMON_NVML_PATH;
  delete process.env.LLMMON_NVML_STUB_SCRIPT;
  delete process.env.LLMMON_SYS_ROOT;
  tmp.cleanup();
});

describe('NVML backend (scripted libnvidia-ml stand-in)', () => {
  it('loads through LLMMON_NVML_PATH and lists the device with its static facts', () => {
    writeAtomically(script, base());
    const caps = sampler().capabilities();
    expect(caps.gpu_backend).toBe('nvml');
    expect(caps.gpus).toEqual([
      {
        index: 0,
        id: '00000000:65:00.0',
        name: 'NVIDIA Stub H100',
        vendor: 'nvidia',
        memory_total_bytes: 80 * 1024 * MiB,
        driver_version: '555.42.06',
        core_count: 16896,
      },
    ]);
    for (const name of [
      'gpu_util',
      'gpu_memory',
      'gpu_power',
      'gpu_energy',
      'gpu_clock',
      'gpu_throttle',
    ] as const) {
      expect(caps.counters[name], name).toMatchObject({ available: true, reason: null, scope: 'device' });
    }
    expect(caps.counters.gpu_energy.source).toBe('nvmlDeviceGetTotalEnergyConsumption');
    expect(caps.counters.gpu_process_memory.source).toBe(
      'nvmlDeviceGetComputeRunningProcesses_v3 + nvmlDeviceGetGraphicsRunningProcesses_v3',
    );
    // NVML's documented periods set the effective resolution: utilisation and power 1 s.
    expect(caps.counters.gpu_util.resolution_ms).toBe(1000);
    expect(caps.counters.gpu_power.resolution_ms).toBe(1000);
    expect(caps.counters.gpu_memory.resolution_ms).toBe(10);
    expect(caps.counters.gpu_energy.resolution_ms).toBeNull(); // read at open and close
    expect(caps.counters.gpu_process_busy).toMatchObject({ available: false, scope: 'process' });
    expect(caps.counters.gpu_process_busy.reason).toMatch(/no per-process engine time/);
  });

  it("a window's energy is exactly the device counter's advance between open and close", async () => {
    writeAtomically(script, base(['0 energy 1000']));
    const s = sampler();
    await gpuPasses(s, 2);
    const id = s.openWindow();
    writeAtomically(script, base(['0 energy 6500']));
    const stats = s.closeWindow(id);
    expect(stats.gpu?.energy_joules).toBe(5.5);
    expect(stats.gpu?.devices).toEqual([0]);
    expect(stats.gpu?.device_scope).toBe('process');
  });

  it('energy covers only the devices this process uses', async () => {
    const two = (e0: number, e1: number) =>
      [
        'devices 2',
        `0 energy ${e0}`,
        `1 energy ${e1}`,
        `1 compute ${pid} ${64 * MiB}`,
        `0 compute ${pid + 100_000} ${64 * MiB}`, // another process on device 0
      ].join('\n');
    writeAtomically(script, two(500, 2000));
    const s = sampler();
    await gpuPasses(s, 2);
    const id = s.openWindow();
    await gpuPasses(s, 2);
    writeAtomically(script, two(90_500, 2750));
    const stats = s.closeWindow(id);
    expect(stats.gpu?.devices).toEqual([1]);
    expect(stats.gpu?.energy_joules).toBe(0.75);
  });

  it('utilisation: average and peak are exactly those of the readings inside the window', async () => {
    writeAtomically(script, base(['0 util 30 10']));
    const s = sampler();
    await until('util 30', () => s.latest()?.gpu_util_percent === 30);
    let id = s.openWindow();
    await gpuPasses(s, 3);
    let gpu = s.closeWindow(id).gpu!;
    expect(gpu).toMatchObject({ util_avg_percent: 30, util_peak_percent: 30 });
    expect(gpu.reading_count).toBeGreaterThanOrEqual(3);

    writeAtomically(script, base(['0 util 10 0']));
    await until('util 10', () => s.latest()?.gpu_util_percent === 10);
    id = s.openWindow();
    writeAtomically(script, base(['0 util 90 0']));
    await until('util 90', () => s.latest()?.gpu_util_percent === 90);
    writeAtomically(script, base(['0 util 10 0']));
    await until('util 10 again', () => s.latest()?.gpu_util_percent === 10);
    await gpuPasses(s, 1);
    gpu = s.closeWindow(id).gpu!;
    expect(gpu.util_peak_percent).toBe(90);
    // Every reading read 10 or 90: the mean is (90 k + 10 (n - k)) / n for a whole k >= 1.
    const n = gpu.reading_count;
    const k = ((gpu.util_avg_percent! - 10) * n) / 80;
    expect(Math.abs(k - Math.round(k))).toBeLessThan(1e-9);
    expect(Math.round(k)).toBeGreaterThanOrEqual(1);
    expect(Math.round(k)).toBeLessThan(n);
  });

  it("this process's memory peak is exactly the highest its process-list entry showed", async () => {
    const mem = (bytes: number) =>
      base([`0 compute ${pid} ${bytes}`, `0 graphics ${pid} ${bytes}`, `0 compute ${pid + 1} ${9000 * MiB}`]);
    writeAtomically(script, mem(100 * MiB));
    const s = sampler();
    // The base script lists this pid once more with 100 MiB; entries of one process are not added up.
    await until('100 MiB', () => s.latest()?.gpu_memory_bytes === 100 * MiB);
    const id = s.openWindow();
    writeAtomically(script, mem(700 * MiB).replace(`0 compute ${pid} ${100 * MiB}`, ''));
    await until('700 MiB', () => s.latest()?.gpu_memory_bytes === 700 * MiB);
    writeAtomically(script, mem(200 * MiB));
    await until('200 MiB', () => s.latest()?.gpu_memory_bytes === 200 * MiB);
    const gpu = s.closeWindow(id).gpu!;
    expect(gpu.memory_peak_bytes).toBe(700 * MiB);
    expect(gpu.memory_scope).toBe('process');
  });

  it('a process absent from complete process lists holds no GPU memory (0); the devices are all', async () => {
    writeAtomically(
      script,
      base().replace(`0 compute ${pid} ${100 * MiB}`, `0 compute ${pid + 1} ${500 * MiB}`),
    );
    const s = sampler();
    await gpuPasses(s, 2);
    const id = s.openWindow();
    await gpuPasses(s, 2);
    expect(s.closeWindow(id).gpu).toMatchObject({
      memory_peak_bytes: 0,
      memory_scope: 'process',
      device_scope: 'all',
    });
  });

  it('process utilisation samples count once each, by their timestamp', async () => {
    writeAtomically(script, base([`0 sample ${pid} 1000 40 5`, '0 sample 4242 1000 99 99']));
    const s = sampler();
    await until('sample 40', () => s.latest()?.gpu_process_util_percent === 40);
    const id = s.openWindow();
    await gpuPasses(s, 2);
    writeAtomically(script, base([`0 sample ${pid} 2000 80 5`]));
    await until('sample 80', () => s.latest()?.gpu_process_util_percent === 80);
    await gpuPasses(s, 3); // readings without a new sample add nothing
    const gpu = s.closeWindow(id).gpu!;
    expect(gpu.process_util_avg_percent).toBe(80);
    expect(gpu.process_util_peak_percent).toBe(80);
    expect(gpu.busy_seconds).toBeNull();
  });

  it('power cap and thermal clock-event reasons flag the window as throttled; idle does not', async () => {
    writeAtomically(script, base(['0 reasons 0x1']));
    const s = sampler();
    await gpuPasses(s, 2);
    let id = s.openWindow();
    await gpuPasses(s, 2);
    expect(s.closeWindow(id).gpu?.throttled).toBe(false);
    id = s.openWindow();
    writeAtomically(script, base(['0 reasons 0x5'])); // idle + SwPowerCap
    await gpuPasses(s, 2);
    writeAtomically(script, base(['0 reasons 0x0']));
    await gpuPasses(s, 2);
    expect(s.closeWindow(id).gpu?.throttled).toBe(true);
  });

  it('timeline samples carry GPU utilisation, memory and power', async () => {
    writeAtomically(script, base(['0 util 55 0', '0 power 312500']));
    const s = sampler();
    await until('util 55', () => s.latest()?.gpu_util_percent === 55);
    s.timeline();
    await new Promise((r) => setTimeout(r, 50));
    const batch = s.timeline();
    const last = batch.length - 1;
    expect(batch.gpu_util_percent[last]).toBe(55);
    expect(batch.gpu_power_watts[last]).toBe(312.5);
    expect(batch.gpu_memory_bytes[last]).toBe(100 * MiB);
  });

  it('NOT_SUPPORTED and NO_PERMISSION give null with the code NVML returned, per counter', async () => {
    writeAtomically(
      script,
      base([
        `error nvmlDeviceGetPowerUsage ${NOT_SUPPORTED}`,
        `error nvmlDeviceGetTotalEnergyConsumption ${NO_PERMISSION}`,
        `error nvmlDeviceGetComputeRunningProcesses_v3 ${NO_PERMISSION}`,
        `error nvmlDeviceGetGraphicsRunningProcesses_v3 ${NO_PERMISSION}`,
      ]),
    );
    const s = sampler();
    await gpuPasses(s, 2);
    const id = s.openWindow();
    await gpuPasses(s, 2);
    const stats = s.closeWindow(id);
    const caps = s.capabilities();
    expect(caps.counters.gpu_power).toMatchObject({ available: false });
    expect(caps.counters.gpu_power.reason).toBe(
      'nvmlDeviceGetPowerUsage returned NVML_ERROR_NOT_SUPPORTED (the device does not report it)',
    );
    expect(caps.counters.gpu_energy.reason).toBe(
      'nvmlDeviceGetTotalEnergyConsumption returned NVML_ERROR_NO_PERMISSION (this user may not read it)',
    );
    expect(caps.counters.gpu_process_memory.reason).toMatch(/NVML_ERROR_NO_PERMISSION/);
    expect(stats.gpu?.energy_joules).toBeNull();
    // Without process lists the memory figure is the device's, and says so.
    expect(stats.gpu).toMatchObject({
      memory_peak_bytes: 2 * 1024 * MiB,
      memory_scope: 'device',
      device_scope: 'all',
    });
    expect(s.latest()?.gpu_power_watts).toBeNull();
    expect(caps.counters.gpu_util.available).toBe(true);
  });

  it('a missing symbol makes its counter unavailable, not a crash', async () => {
    writeAtomically(script, base());
    const s = sampler(buildNvmlStub(tmp.dir, ['OMIT_nvmlDeviceGetTotalEnergyConsumption']));
    await gpuPasses(s, 2);
    const id = s.openWindow();
    const stats = s.closeWindow(id);
    expect(stats.gpu?.energy_joules).toBeNull();
    expect(s.capabilities().counters.gpu_energy.reason).toMatch(
      /libnvidia-ml-stub-OMIT_nvmlDeviceGetTotalEnergyConsumption\.so has no nvmlDeviceGetTotalEnergyConsumption/,
    );
  });

  it('an old library: unversioned functions and their v1 process-info layout', async () => {
    writeAtomically(script, base([`0 compute ${pid} ${333 * MiB}`, '0 reasons 0x40']));
    const s = sampler(buildNvmlStub(tmp.dir, ['OLD_ABI']));
    const caps = s.capabilities();
    expect(caps.counters.gpu_process_memory.source).toBe(
      'nvmlDeviceGetComputeRunningProcesses + nvmlDeviceGetGraphicsRunningProcesses',
    );
    expect(caps.counters.gpu_throttle.source).toBe('nvmlDeviceGetCurrentClocksThrottleReasons');
    expect(caps.gpus[0]!.id).toBe('nvml:0'); // no nvmlDeviceGetPciInfo_v3
    const id = s.openWindow();
    await until('333 MiB', () => s.latest()?.gpu_memory_bytes === 333 * MiB);
    await gpuPasses(s, 1);
    expect(s.closeWindow(id).gpu).toMatchObject({ memory_peak_bytes: 333 * MiB, throttled: true });
  });

  it('no NVML library, or nvmlInit failing: the next backend, then none, with each reason', () => {
    const missing = path.join(tmp.dir, 'no-such-libnvidia-ml.so.1');
    let caps = sampler(missing).capabilities();
    expect(caps.gpu_backend).toBe('none');
    expect(caps.gpus).toEqual([]);
    expect(caps.counters.gpu_util.reason).toMatch(
      /^no GPU found: NVML: .*no-such-libnvidia-ml\.so\.1 could not be loaded/,
    );
    expect(caps.counters.gpu_util.reason).toMatch(/; DRM: /);

    writeAtomically(script, `init_error ${DRIVER_NOT_LOADED}`);
    caps = sampler().capabilities();
    expect(caps.gpu_backend).toBe('none');
    expect(caps.counters.gpu_energy.reason).toMatch(/NVML: nvmlInit returned NVML_ERROR_DRIVER_NOT_LOADED/);
    const s = running.at(-1)!;
    expect(s.closeWindow(s.openWindow()).gpu).toBeNull();
  });
  it('idle sampling: GPU readings at the idle interval with no window open, one at once when one opens', async () => {
    writeAtomically(script, base());
    process.env.LLMMON_NVML_PATH = stub;
    const s = new Sampler({ gpuIntervalMs: 10, idleIntervalMs: 1000 }).start();
    running.push(s);
    await gpuPasses(s, 1);
    const seconds = () => Number(process.hrtime.bigint()) / 1e9;
    const d0 = s.diagnostics();
    const t0 = seconds();
    await new Promise((resolve) => setTimeout(resolve, 1200));
    const idlePasses = s.diagnostics().gpu_readings - d0.gpu_readings;
    // At most one pass per idle second (plus one under way at each end); 10 ms would give ~120.
    expect(idlePasses).toBeLessThanOrEqual(Math.floor(seconds() - t0) + 2);
    // Right after a pass the next idle one is ~1 s away: a window opening must wake the thread.
    await gpuPasses(s, 1);
    const opened = seconds();
    const id = s.openWindow();
    await gpuPasses(s, 1);
    const woke = seconds() - opened;
    s.closeWindow(id);
    console.info(
      `GPU loop: ${idlePasses} passes in 1.2 s idle; first pass ${(woke * 1000).toFixed(1)} ms after an open`,
    );
    expect(woke).toBeLessThan(0.5);
  });
});
