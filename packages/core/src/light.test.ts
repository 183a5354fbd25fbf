/**
 * Light operations (`{ detail: 'light' }`): duration, process CPU and RSS only, against the same
 * ground truths as full ones (a known CPU burn on the calling thread, getrusage around the call, a
 * buffer of known size).
 */
import { afterAll, describe, expect, it } from 'vitest';
import { burnCpu, MiB, SCHEDSTAT_LAG, sleep, tempDir } from '../test/support/ground-truth.js';
import { HAS_NATIVE } from '../test/support/native.js';
import { LLMMonitor } from './monitor.js';

const monitors: LLMMonitor[] = [];
const monitor = (options: ConstructorParameters<typeof LLMMonitor>[0] = {}) => {
  const m = new LLMMonitor({ outputDir: tempDir(), journal: false, logAlerts: false, ...options });
  monitors.push(m);
  return m;
};
afterAll(async () => {
  for (const m of monitors) await m.close();
});

describe.runIf(HAS_NATIVE)('light operations (native sampler)', () => {
  it('record the CPU time of a 300 ms burn and its duration, with no thread list', async () => {
    const m = monitor({ sampler: 'native' });
    const usage0 = process.cpuUsage();
    await m.trackOperation('m', 'burn', 0, () => burnCpu(300), { detail: 'light' });
    const usage = process.cpuUsage(usage0);
    const r = m.operations[0]!;
    // The process clock read on the burning thread itself is current for it; other threads'
    // counts may lag by a tick at each end.
    expect(r.cpu_time_seconds).toBeGreaterThanOrEqual(0.299 - 2 * SCHEDSTAT_LAG);
    expect(r.cpu_time_seconds).toBeLessThan((usage.user + usage.system) / 1e6 + 2 * SCHEDSTAT_LAG);
    expect(r.avg_cpu_percent).toBeCloseTo((r.cpu_time_seconds! / r.duration_seconds) * 100, -0.5);
    expect(r.peak_cpu_percent!).toBeGreaterThanOrEqual(r.avg_cpu_percent!);
    expect(r.threads).toBeNull();
    expect(r.gpu_util_avg_percent).toBeNull();
    expect(r.sample_count).toBeGreaterThan(50); // the 1 ms ticks ran through it
  });

  it('see a 200 MiB allocation in peak_memory_mb (the monitor default says light)', async () => {
    const m = monitor({ sampler: 'native', detail: 'light' });
    let buffer: Buffer | null = null;
    await m.trackOperation('m', 'alloc', 0, async () => {
      buffer = Buffer.alloc(200 * MiB, 1);
      await sleep(30);
    });
    const r = m.operations[0]!;
    expect(buffer!.length).toBe(200 * MiB);
    buffer = null;
    expect(r.threads).toBeNull();
    expect(r.peak_memory_mb! - r.rss_start_mb!).toBeGreaterThan(195);
    expect(r.peak_memory_mb! - r.rss_start_mb!).toBeLessThan(260);
    // A call may still ask for everything.
    await m.trackOperation('m', 'full', 0, () => burnCpu(20), { detail: 'full' });
    expect(m.operations[1]!.threads!.length).toBeGreaterThan(0);
  });
});

describe('detail option', () => {
  it('rejects an unknown detail with a RangeError naming it', async () => {
    expect(() => monitor({ detail: 'lite' as 'light' })).toThrow(
      'detail must be one of full, light, got "lite"',
    );
    const m = monitor({ sampler: 'js' });
    await expect(m.trackOperation('m', 'x', 0, () => 1, { detail: 'none' as 'light' })).rejects.toThrow(
      'detail must be one of full, light, got "none"',
    );
  });
});
