/**
 * GPU and energy fields of a record, end to end through LLMMonitor, against scripted stand-ins at
 * the lowest boundary the native sampler reads: a shared library with NVML's ABI (built here from
 * `@llmmon/sampler-native`'s test/fixtures/nvml-stub, loaded through LLMMON_NVML_PATH) whose
 * counters the test moves by known amounts, and a directory laid out like /sys/class/powercap
 * (LLMMON_SYS_ROOT) for RAPL. No GPU and no RAPL hardware is involved.
 *
 * The sampler is one per process and reads these paths when it starts: this file sets them before
 * its first monitor (Vitest runs each test file in its own process).
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MiB, sleep, tempDir } from '../test/support/ground-truth.js';
import { HAS_NATIVE } from '../test/support/native.js';
import { LLMMonitor } from './monitor.js';
import { OperationRecordSchema } from './schema/operation.js';

const STUB_SOURCE = fileURLToPath(
  new URL('../../sampler-native/test/fixtures/nvml-stub/nvml_stub.c', import.meta.url),
);
const linux = process.platform === 'linux';

let dir: string;
let script: string;
let sys: string;
const monitors: LLMMonitor[] = [];

/** Replaces a file at once (the stub re-reads its script when it changes). */
function write(file: string, text: string): void {
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(`${file}.partial`, text);
  renameSync(`${file}.partial`, file);
}

/** One NVIDIA device with this process on it, holding `memoryMiB`. */
function device(o: { memoryMiB: number; energyMj: number; util: number; reasons?: string }): void {
  write(
    script,
    [
      'driver 555.42.06',
      '0 name NVIDIA Stub H100',
      '0 bus 00000000:65:00.0',
      `0 memory ${80 * 1024 * MiB} ${2 * 1024 * MiB}`,
      '0 cores 16896',
      `0 util ${o.util} 10`,
      '0 power 250000',
      `0 energy ${o.energyMj}`,
      `0 reasons ${o.reasons ?? '0x0'}`,
      `0 compute ${process.pid} ${o.memoryMiB * MiB}`,
    ].join('\n'),
  );
}

/** The CPU package's RAPL counter (µJ); sysfs rewrites it in place, and so does this. */
const rapl = (uj: number) =>
  writeFileSync(path.join(sys, 'class/powercap/intel-rapl:0/energy_uj'), `${uj}\n`);

/** Waits until the monitor's timeline (drained from the sampler) shows `mb` of GPU memory. */
async function timelineShows(m: LLMMonitor, mb: number): Promise<void> {
  const deadline = Date.now() + 20_000;
  while (!m.toMetricsFile().samples.some((s) => s.gpu_memory_mb === mb)) {
    if (Date.now() > deadline) throw new Error(`the timeline never showed ${mb} MB of GPU memory`);
    await sleep(20);
  }
}

beforeAll(() => {
  dir = tempDir('llmmon-core-gpu-');
  const stub = path.join(dir, 'libnvidia-ml-stub.so');
  execFileSync(process.env.CC ?? 'cc', ['-shared', '-fPIC', '-O1', '-o', stub, STUB_SOURCE], {
    stdio: 'pipe',
  });
  script = path.join(dir, 'script.txt');
  sys = path.join(dir, 'sys');
  const zone = path.join(sys, 'class/powercap/intel-rapl:0');
  write(path.join(zone, 'name'), 'package-0\n');
  write(path.join(zone, 'max_energy_range_uj'), '262143328850\n');
  rapl(1_000_000);
  device({ memoryMiB: 100, energyMj: 1000, util: 30 });
  process.env.LLMMON_NVML_PATH = stub;
  process.env.LLMMON_NVML_STUB_SCRIPT = script;
  process.env.LLMMON_SYS_ROOT = sys; // no DRM devices there: NVML is the backend
});

afterAll(async () => {
  for (const m of monitors) await m.close();
});

describe.runIf(linux && HAS_NATIVE)('GPU and energy in the record (scripted NVML and RAPL)', () => {
  it('the run header lists the device, the backend and the energy source', () => {
    const m = new LLMMonitor({ outputDir: dir, journal: false, sampler: 'native', gpuIntervalMs: 10 });
    monitors.push(m);
    expect(m.run.host.gpus).toEqual([
      {
        index: 0,
        id: '00000000:65:00.0',
        name: 'NVIDIA Stub H100',
        vendor: 'nvidia',
        memory_total_mb: 80 * 1024,
        driver_version: '555.42.06',
        core_count: 16896,
      },
    ]);
    expect(m.run.sampler).toMatchObject({ kind: 'native', gpu_backend: 'nvml', gpu_interval_ms: 10 });
    expect(m.run.sampler.energy_source).toBe('rapl');
    // NVML counts no engine time per process: that counter is named with its reason.
    expect(m.run.sampler.reason).toMatch(/gpu_process_busy: [^;]*no per-process engine time/);
  });

  it('an operation gets exactly the counters moved inside it: memory peak, energies, throttling', async () => {
    const m = monitors[0]!;
    const record = await m
      .trackOperation('gpu-model', 'inference', 10, async (op) => {
        device({ memoryMiB: 700, energyMj: 3000, util: 90 });
        await timelineShows(m, 700);
        device({ memoryMiB: 200, energyMj: 4000, util: 30, reasons: '0x20' }); // SW thermal slowdown
        await timelineShows(m, 200);
        await sleep(30); // a few more GPU loop passes read the throttle reason
        device({ memoryMiB: 200, energyMj: 6500, util: 30, reasons: '0x20' });
        rapl(3_500_000);
        op.setTokens({ input: 4, output: 20 });
        return op;
      })
      .then(() => m.operations.at(-1)!);
    expect(() => OperationRecordSchema.parse(record)).not.toThrow();
    expect(record.gpu_available).toBe(true);
    // The device energy counter advanced 1000 → 6500 mJ, RAPL 1 → 3.5 J, each read at close.
    expect(record.gpu_energy_joules).toBe(5.5);
    expect(record.cpu_energy_joules).toBe(2.5);
    expect(record.energy_joules).toBe(8);
    expect(record.joules_per_output_token).toBe(8 / 20);
    expect(record.process_energy_joules).toBeNull(); // Linux counts no energy per process
    // This process's memory: 100 MiB before, 700 MiB at its highest, 200 MiB at the end.
    expect(record.gpu_memory_peak_mb).toBe(700);
    expect(record.gpu_memory_scope).toBe('process');
    expect(record.gpu_util_peak_percent).toBe(90);
    expect(record.gpu_util_avg_percent!).toBeGreaterThanOrEqual(30);
    expect(record.gpu_util_avg_percent!).toBeLessThan(90);
    expect(record.gpu_throttled).toBe(true);
    expect(record.gpu_busy_seconds).toBeNull();
    // Invariants: nothing exceeds the machine.
    expect(record.gpu_memory_peak_mb!).toBeLessThanOrEqual(m.run.host.gpus![0]!.memory_total_mb!);
    expect(record.gpu_util_peak_percent!).toBeLessThanOrEqual(100 * m.run.host.gpus!.length);
    expect(record.processes).toBeNull(); // nothing attached
    expect(m.getSummary().gpu_throttled).toBe(true);
    // The timeline's GPU series: memory seen at its peak, power as scripted.
    const samples = m.toMetricsFile().samples;
    expect(Math.max(...samples.map((s) => s.gpu_memory_mb ?? 0))).toBe(700);
    expect(samples.some((s) => s.gpu_power_watts === 250)).toBe(true);
  });

  it('a window with no counter movement: zero energy, not null; no throttling seen', async () => {
    const m = monitors[0]!;
    device({ memoryMiB: 200, energyMj: 6500, util: 30 });
    await timelineShows(m, 200);
    await sleep(50);
    await m.trackOperation('gpu-model', 'idle', 0, () => sleep(50));
    const record = m.operations.at(-1)!;
    expect(record.gpu_energy_joules).toBe(0);
    expect(record.cpu_energy_joules).toBe(0);
    expect(record.energy_joules).toBe(0);
    expect(record.joules_per_output_token).toBeNull(); // no token generated
    expect(record.gpu_throttled).toBe(false);
  });
});
