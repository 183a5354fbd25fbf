import { describe, expect, it } from 'vitest';
import type { TimelinePoint } from './sampler/types.js';
import { BYTES_PER_MB } from './schema/field.js';
import type { Sample } from './schema/sample.js';
import { Timeline } from './timeline.js';

const point = (
  ms: number,
  cpu: number | null,
  rssMb: number,
  intervalMs = 10,
  extra: Partial<TimelinePoint> = {},
): TimelinePoint => ({
  t_ns: ms * 1e6,
  cpu_percent: cpu,
  interval_seconds: cpu === null ? 0 : intervalMs / 1000,
  rss_bytes: rssMb * BYTES_PER_MB,
  system_cpu_percent: null,
  gpu_util_percent: null,
  gpu_memory_bytes: null,
  gpu_power_watts: null,
  processes: [],
  ...extra,
});

/** An attached process's reading at `ms` (its interval: 10 ms, or `intervalMs`). */
const proc = (pid: number, ms: number, cpu: number | null, rssMb: number | null, intervalMs = 10) => ({
  pid,
  t_ns: ms * 1e6,
  cpu_percent: cpu,
  interval_seconds: cpu === null ? 0 : intervalMs / 1000,
  rss_bytes: rssMb === null ? null : rssMb * BYTES_PER_MB,
});

/** CPU seconds the timeline says the run used: Σ cpu_percent / 100 × the point's span. */
function integral(samples: readonly Sample[]): number {
  let sum = 0;
  let prev = 0;
  for (const s of samples) {
    sum += ((s.cpu_percent ?? 0) / 100) * (s.t - prev);
    prev = s.t;
  }
  return sum;
}

describe('Timeline', () => {
  it('buckets readings: CPU over the bucket, peak reading, RSS at its peak, t at its end', () => {
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
      {
        t: 0.05,
        cpu_percent: 60,
        cpu_peak_percent: 100,
        rss_mb: 30,
        system_cpu_percent: null,
        gpu_util_percent: null,
        gpu_memory_mb: null,
        gpu_power_watts: null,
        processes: null,
        tick_interval_ms: null, // the readings do not say
      },
    ]);
    expect(tl.samples().at(-1)).toMatchObject({ t: 0.1, cpu_percent: 50, rss_mb: 5 }); // in progress
    expect(tl.closeOpenBucket()[0]).toMatchObject({ t: 0.1, cpu_percent: 50, rss_mb: 5 });
    expect(tl.samples()).toHaveLength(2);
  });

  it('says which tick interval each point was sampled at: the longest of the readings covering it', () => {
    const tl = new Timeline({ originNs: 0, bucketSeconds: 0.05 });
    const at = (ms: number, intervalMs: number, tick: number) => ({
      ...point(ms, 10, 5, intervalMs),
      tick_interval_ms: tick,
    });
    // Idle readings every 100 ms (buckets 0-50 and 50-100 ms are covered by the one at 100 ms),
    // then an operation opens at 120 ms: 1 ms ticks, a reading every 10 ms.
    tl.add([at(100, 100, 100), at(120, 20, 100), at(130, 10, 1), at(140, 10, 1), at(150, 10, 1)]);
    tl.add([at(160, 10, 1), at(170, 10, 1), at(180, 10, 1), at(190, 10, 1), at(200, 10, 1), at(210, 10, 1)]);
    const ticks = tl.closeOpenBucket().length ? tl.samples().map((s) => [s.t, s.tick_interval_ms]) : [];
    expect(ticks).toEqual([
      [0.05, 100],
      [0.1, 100],
      [0.15, 100], // 100-120 ms was sampled idle
      [0.2, 1],
      [0.25, 1],
    ]);
  });

  it('spreads a reading over the buckets its interval covers, so the timeline integrates to the CPU time', () => {
    const tl = new Timeline({ originNs: 0, bucketSeconds: 0.05 });
    // A JS-sampler reading after a 300 ms blocked event loop at 100 %, then 10 ms readings.
    const points = [point(10, 20, 5), point(310, 100, 50, 300), point(320, 0, 6), point(330, 0, 6)];
    points.push(point(340, 0, 6), point(350, 0, 6));
    tl.add(points);
    const samples = tl.closeOpenBucket().length ? tl.samples() : [];
    // 0.002 s + 0.300 s of CPU.
    expect(integral(samples)).toBeCloseTo(0.302, 9);
    // Buckets 50..300 ms had no reading of their own: CPU from the interval, RSS from its end.
    expect(samples.map((s) => s.t)).toEqual([0.05, 0.1, 0.15, 0.2, 0.25, 0.3, 0.35]);
    expect(samples[2]).toMatchObject({ cpu_percent: 100, cpu_peak_percent: 100, rss_mb: 50 });
    expect(samples[0]!.cpu_percent).toBeCloseTo((20 * 0.01 + 100 * 0.04) / 0.05, 9);
  });

  it('a reading without a CPU figure: its bucket waits for the next known one to cover it', () => {
    const tl = new Timeline({ originNs: 0, bucketSeconds: 0.05 });
    // Native readings every 10 ms; 40–90 ms preempted (no figure): the 100 ms one covers 50 ms.
    const first = tl.add([point(10, 100, 1), point(20, 100, 1), point(30, 100, 1), point(40, 100, 1)]);
    expect(first).toEqual([]);
    const unknown = tl.add([50, 60, 70, 80, 90].map((ms) => point(ms, null, 2)));
    expect(unknown).toEqual([]); // 40–50 ms of the first bucket is not covered yet
    const done = tl.add([point(100, 150, 3, 60)]);
    expect(done.map((s) => [s.t, s.cpu_percent, s.cpu_peak_percent, s.rss_mb])).toEqual([
      [0.05, 110, 150, 2],
    ]);
    const [second] = tl.closeOpenBucket();
    expect(second).toMatchObject({ t: 0.1, cpu_percent: 150, rss_mb: 3 });
  });

  it('a bucket that no known reading ever covers says null, never 0', () => {
    const tl = new Timeline({ originNs: 0, bucketSeconds: 0.05 });
    tl.add([point(10, 100, 1), point(20, null, 1), point(60, null, 1), point(120, null, 1)]);
    const samples = tl.closeOpenBucket();
    expect(samples.map((s) => s.cpu_percent)).toEqual([100, null, null]);
  });

  it('ignores readings from before the run started', () => {
    const tl = new Timeline({ originNs: 100e6, bucketSeconds: 0.05 });
    expect(tl.add([point(50, 100, 1), point(90, 100, 1)])).toEqual([]);
    expect(tl.closeOpenBucket()).toEqual([]);
  });

  it('stays within its capacity by merging neighbours: CPU stays integrable, peaks are kept', () => {
    const tl = new Timeline({ originNs: 0, bucketSeconds: 0.01, capacity: 64 });
    const points: TimelinePoint[] = [];
    let cpuSeconds = 0;
    for (let i = 1; i <= 1000; i++) {
      const cpu = i === 500 ? 400 : 10 + (i % 7);
      cpuSeconds += (cpu / 100) * 0.01;
      points.push(point(i * 10, cpu, i === 777 ? 999 : 1));
    }
    tl.add(points);
    tl.closeOpenBucket();
    expect(tl.length).toBeLessThanOrEqual(64);
    const samples = tl.samples();
    expect(Math.max(...samples.map((s) => s.cpu_peak_percent ?? 0))).toBe(400);
    expect(Math.max(...samples.map((s) => s.rss_mb))).toBe(999);
    expect(samples.at(-1)!.t).toBeCloseTo(10);
    expect(integral(samples)).toBeCloseTo(cpuSeconds, 9);
    // And for a file: at most `max` points, still integrable.
    const few = tl.samples(10);
    expect(few.length).toBeLessThanOrEqual(10);
    expect(integral(few)).toBeCloseTo(cpuSeconds, 9);
  });

  it('GPU memory and power: the highest reading in a point, kept by merges', () => {
    const tl = new Timeline({ originNs: 0, bucketSeconds: 0.05, capacity: 2 });
    const gpu = (mb: number, watts: number) => ({
      gpu_memory_bytes: mb * BYTES_PER_MB,
      gpu_power_watts: watts,
    });
    tl.add([point(10, 10, 1, 10, gpu(100, 250)), point(40, 10, 1, 10, gpu(300, 120))]);
    tl.add([point(60, 10, 1, 10, gpu(50, 400)), point(110, 10, 1, 10)]);
    const [first] = tl.closeOpenBucket().length ? tl.samples() : [];
    // Capacity 2: the first two buckets were merged into one point.
    expect(first).toMatchObject({ gpu_memory_mb: 300, gpu_power_watts: 400 });
  });

  it("an attached process's CPU integrates to its own CPU time and its RSS peak is kept, per pid", () => {
    const tl = new Timeline({ originNs: 0, bucketSeconds: 0.05 });
    const points: TimelinePoint[] = [];
    for (let ms = 10; ms <= 200; ms += 10) {
      // pid 7 busy at 150 % after 100 ms (its first reading, at 30 ms, covers 0-30), pid 9 idle.
      const seven =
        ms < 30 ? [] : [proc(7, ms, ms > 100 ? 150 : 0, ms === 150 ? 800 : 500, ms === 30 ? 30 : 10)];
      points.push(point(ms, 20, 10, 10, { processes: [...seven, proc(9, ms, 0, 40)] }));
    }
    tl.add(points);
    tl.closeOpenBucket();
    const samples = tl.samples();
    const of = (pid: number) => samples.map((s) => s.processes?.find((p) => p.pid === pid) ?? null);
    // Every 50 ms point is covered whole: Σ cpu_percent / 100 × 50 ms = 1.5 × 100 ms.
    let seconds = 0;
    for (const p of of(7)) seconds += ((p?.cpu_percent ?? 0) / 100) * 0.05;
    expect(seconds).toBeCloseTo(0.15, 9);
    expect(of(7).map((p) => p?.cpu_percent)).toEqual([0, 0, 150, 150]);
    expect(Math.max(...of(7).map((p) => p?.rss_mb ?? 0))).toBe(800);
    expect(of(9).every((p) => p?.cpu_percent === 0 && p.rss_mb === 40)).toBe(true);
    expect(samples.every((s) => s.cpu_percent !== null)).toBe(true);
  });

  it('a run without attached processes has processes null in every point', () => {
    const tl = new Timeline({ originNs: 0, bucketSeconds: 0.05 });
    tl.add([point(10, 10, 1), point(60, 10, 1)]);
    expect(tl.closeOpenBucket().map((s) => s.processes)).toEqual([null]);
  });
});
