import { describe, expect, it } from 'vitest';
import type { TimelinePoint } from './sampler/types.js';
import { BYTES_PER_MB } from './schema/field.js';
import { downsample, Timeline } from './timeline.js';

const point = (ms: number, cpu: number, rssMb: number, intervalMs = 10): TimelinePoint => ({
  t_ns: ms * 1e6,
  cpu_percent: cpu,
  interval_seconds: intervalMs / 1000,
  rss_bytes: rssMb * BYTES_PER_MB,
  system_cpu_percent: null,
  gpu_util_percent: null,
});

describe('Timeline', () => {
  it('buckets ticks: CPU averaged over the bucket, RSS at its peak, t at its end', () => {
    const tl = new Timeline({ originNs: 0, bucketSeconds: 0.05 });
    const done = tl.add([
      point(10, 100, 10),
      point(20, 0, 30),
      point(30, 100, 20),
      point(40, 0, 10),
      point(50, 100, 10), // measured 40–50 ms: still the first bucket (0–50 ms)
      point(60, 50, 5),
    ]);
    expect(done).toEqual([
      { t: 0.05, cpu_percent: 60, rss_mb: 30, system_cpu_percent: null, gpu_util_percent: null },
    ]);
    expect(tl.samples().at(-1)).toMatchObject({ t: 0.1, cpu_percent: 50, rss_mb: 5 }); // in progress
    expect(tl.closeOpenBucket()[0]).toMatchObject({ t: 0.1, cpu_percent: 50, rss_mb: 5 });
    expect(tl.samples()).toHaveLength(2);
  });

  it('ignores ticks from before the run started', () => {
    const tl = new Timeline({ originNs: 100e6, bucketSeconds: 0.05 });
    expect(tl.add([point(50, 100, 1), point(90, 100, 1)])).toEqual([]);
    expect(tl.closeOpenBucket()).toEqual([]);
  });

  it('stays within its capacity by merging neighbours, keeping peaks', () => {
    const tl = new Timeline({ originNs: 0, bucketSeconds: 0.01, capacity: 64 });
    const points: TimelinePoint[] = [];
    for (let i = 1; i <= 1000; i++) points.push(point(i * 10, i === 500 ? 400 : 10, i === 777 ? 999 : 1));
    tl.add(points);
    tl.closeOpenBucket();
    expect(tl.length).toBeLessThanOrEqual(64);
    const samples = tl.samples();
    expect(Math.max(...samples.map((s) => s.cpu_percent))).toBe(400);
    expect(Math.max(...samples.map((s) => s.rss_mb))).toBe(999);
    expect(samples.at(-1)!.t).toBeCloseTo(10);
  });
});

describe('downsample', () => {
  it('returns at most max points, with the peaks of each group', () => {
    const samples = Array.from({ length: 25_000 }, (_, i) => ({
      t: i,
      cpu_percent: i === 12_345 ? 300 : 1,
      rss_mb: i,
      system_cpu_percent: null,
      gpu_util_percent: i === 3 ? 50 : null,
    }));
    const out = downsample(samples, 10_000);
    expect(out.length).toBeLessThanOrEqual(10_000);
    expect(Math.max(...out.map((s) => s.cpu_percent))).toBe(300);
    expect(out[1]!.gpu_util_percent).toBe(50); // groups of 3: index 3 is in the second
    expect(out.at(-1)).toMatchObject({ t: 24_999, rss_mb: 24_999 });
  });
});
