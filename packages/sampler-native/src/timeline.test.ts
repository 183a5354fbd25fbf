import { describe, expect, it } from 'vitest';
import { sleep, testing } from '../test/helpers.js';
import { Sampler, threadId, timelineRows } from './index.js';

const linux = process.platform === 'linux';
const hrSeconds = () => Number(process.hrtime.bigint()) / 1e9;

function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

describe('Sampler.timeline()', () => {
  it('drains samples in batches: each once, in order, on the process.hrtime clock', async () => {
    const sampler = new Sampler({ intervalMs: 1, threadIntervalMs: 10 });
    const t0 = hrSeconds();
    sampler.start();
    await sleep(300);
    const first = sampler.timeline();
    await sleep(100);
    const second = sampler.timeline();
    const t1 = hrSeconds();
    sampler.stop();

    expect(first.length).toBeGreaterThanOrEqual(20); // ~30 at 10 ms, fewer if the machine stalls us
    expect(first.length).toBeLessThanOrEqual(32);
    expect(second.length).toBeGreaterThanOrEqual(5);
    const t = [...first.t, ...second.t];
    expect(t[0]).toBeGreaterThan(t0);
    expect(t.at(-1)).toBeLessThan(t1);
    for (let i = 1; i < t.length; i++) expect(t[i]).toBeGreaterThan(t[i - 1]!);
    const gaps = t.slice(1).map((v, i) => (v - t[i]!) * 1000);
    expect(median(gaps)).toBeGreaterThan(9);
    expect(median(gaps)).toBeLessThan(12);
    expect(first.dropped_samples).toBe(0);
    for (const column of [
      first.t,
      first.cpu_percent,
      first.rss_bytes,
      first.rss_peak_bytes,
      first.thread_count,
    ]) {
      expect(column).toBeInstanceOf(Float64Array);
      expect(column.length).toBe(first.length);
    }
    for (let i = 0; i < first.length; i++) {
      expect(first.rss_peak_bytes[i]).toBeGreaterThanOrEqual(first.rss_bytes[i]!);
      // NaN: a reading preempted midway (no single time); the next sample covers its interval.
      if (!Number.isNaN(first.cpu_percent[i])) expect(first.cpu_percent[i]).toBeGreaterThanOrEqual(0);
    }
    const known = [...first.cpu_percent].filter((v) => !Number.isNaN(v)).length;
    expect(known).toBeGreaterThan(first.length / 2);
  });

  it('unknown values are NaN in columns and null in rows, never 0', async () => {
    const sampler = new Sampler({ threadIntervalMs: 10, systemIntervalMs: 50 }).start();
    await sleep(200);
    const batch = sampler.timeline();
    sampler.stop();
    const caps = sampler.capabilities();
    expect(caps.counters.gpu_util.available).toBe(false);
    expect([...batch.gpu_util_percent].every(Number.isNaN)).toBe(true);
    expect([...batch.gpu_memory_bytes].every(Number.isNaN)).toBe(true);
    if (linux) expect([...batch.footprint_bytes].every(Number.isNaN)).toBe(true);
    // The first system reading has no interval yet; later ones are real percentages.
    const sys = [...batch.system_cpu_percent].filter((v) => !Number.isNaN(v));
    expect(sys.length).toBeGreaterThan(batch.length / 2);
    for (const v of sys) {
      expect(v).toBeGreaterThanOrEqual(0);
      expect(v).toBeLessThanOrEqual(100);
    }
    const rows = timelineRows(batch);
    expect(rows).toHaveLength(batch.length);
    expect(rows.every((r) => r.gpu_util_percent === null && r.gpu_memory_bytes === null)).toBe(true);
    expect(rows.every((r) => typeof r.rss_bytes === 'number' && r.rss_bytes > 0)).toBe(true);
  });

  it('per-thread CPU lands in the samples whose intervals cover the burn (same clock as hrtime)', async () => {
    const sampler = new Sampler({ threadIntervalMs: 10 }).start();
    await sleep(100);
    const busyFrom = hrSeconds();
    const burned = testing.burnCpu(200); // the main thread, event loop blocked
    const busyTo = hrSeconds();
    await sleep(150);
    const rows = timelineRows(sampler.timeline());
    sampler.stop();

    // CPU seconds of the main thread in each sample's interval (previous t, t], where the
    // previous sample is the last one with a known cpu_percent: a reading preempted midway
    // (cpu_percent null) ends no interval, and the next one's per-thread figures cover both.
    const main = threadId();
    const cpu: { from: number; to: number; seconds: number }[] = [];
    let from: number | null = null;
    for (const r of rows) {
      if (r.cpu_percent === null) continue;
      if (from !== null) {
        const pct = r.threads.find((t) => t.tid === main)?.cpu_percent ?? 0;
        cpu.push({ from, to: r.t, seconds: (pct / 100) * (r.t - from) });
      }
      from = r.t;
    }
    const sum = (xs: typeof cpu) => xs.reduce((s, x) => s + x.seconds, 0);
    const overlapping = cpu.filter((x) => x.to > busyFrom && x.from < busyTo);
    const before = cpu.filter((x) => x.to <= busyFrom);
    const after = cpu.filter((x) => x.from >= busyTo);
    // Whatever the machine's load, the burn's CPU is in the intervals that overlap it in time,
    // and the idle main thread (awaiting timers) used next to nothing before and after.
    expect(sum(overlapping)).toBeGreaterThanOrEqual(burned * 0.97);
    expect(sum(overlapping)).toBeLessThanOrEqual(burned + 0.03);
    expect(before.length).toBeGreaterThanOrEqual(5);
    expect(after.length).toBeGreaterThanOrEqual(5);
    expect(sum(before)).toBeLessThan(0.02);
    expect(sum(after)).toBeLessThan(0.02);
    if (linux) expect(rows.find((r) => r.threads.some((t) => t.tid === main))?.threads[0]?.name).toBeTruthy();
  });

  it('keeps at most timelineCapacity undrained samples and counts the dropped ones', async () => {
    const sampler = new Sampler({ threadIntervalMs: 10, timelineCapacity: 5 }).start();
    await sleep(200);
    const batch = sampler.timeline();
    sampler.stop();
    expect(batch.length).toBe(5);
    expect(batch.dropped_samples).toBeGreaterThanOrEqual(8);
    // The newest samples are the ones kept.
    expect(hrSeconds() - batch.t[4]!).toBeLessThan(0.1);
  });
});

describe('Sampler.latest()', () => {
  it('is null before the first tick, then the newest tick on the hrtime clock', async () => {
    const sampler = new Sampler();
    expect(sampler.latest()).toBeNull();
    sampler.start();
    await sleep(50);
    const before = hrSeconds();
    const latest = sampler.latest();
    sampler.stop();
    expect(latest).not.toBeNull();
    expect(latest!.t).toBeLessThanOrEqual(before);
    expect(before - latest!.t).toBeLessThan(0.05);
    expect(latest!.rss_bytes).toBeGreaterThan(0);
    expect(latest!.cpu_percent).toBeGreaterThanOrEqual(0);
    expect(latest!.gpu_util_percent).toBeNull();
    expect(latest!.thread_count).toBeGreaterThan(1);
  });
});
