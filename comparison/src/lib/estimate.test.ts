import { describe, expect, it } from 'vitest';
import type { ToolSample } from '../tools/types.js';
import { cpuPercentOverWindow, peakInWindow, threadCpuPercentOverWindow } from './estimate.js';

/** A reading taken instantly at `t`. */
const at = (t: number, fields: Partial<ToolSample>): ToolSample => ({
  t0: t,
  t1: t,
  rss_bytes: null,
  cpu_seconds: null,
  cpu_percent: null,
  threads: null,
  ...fields,
});

describe('peakInWindow', () => {
  const samples = [at(0.9, { rss_bytes: 100 }), at(1.05, { rss_bytes: 400 }), at(1.2, { rss_bytes: 100 })];

  it('takes the highest reading inside the window', () => {
    expect(peakInWindow(samples, 1, 1.1)).toBe(400);
  });

  it('has no reading (null) when none falls inside: a miss, not a zero', () => {
    expect(peakInWindow(samples, 1.06, 1.15)).toBeNull();
  });

  it('counts a reading whose span overlaps the window', () => {
    expect(peakInWindow([{ ...at(0, { rss_bytes: 7 }), t0: 0.95, t1: 1.01 }], 1, 1.1)).toBe(7);
  });
});

describe('cpuPercentOverWindow', () => {
  // Cumulative CPU: idle until t=1, one core busy from 1 to 1.05, idle after; read every 100 ms.
  const cpuAt = (t: number) => Math.min(Math.max(t - 1, 0), 0.05);
  const polled = [0.9, 1.0, 1.1, 1.2].map((t) => at(t, { cpu_seconds: cpuAt(t) }));

  it('dilutes a 50 ms burst over the 100 ms bracket a 100 ms poller has', () => {
    expect(cpuPercentOverWindow(polled, 1.0, 1.05)).toBeCloseTo(50, 9);
  });

  it('is exact when the readings fall on the window edges', () => {
    const exact = [1.0, 1.05].map((t) => at(t, { cpu_seconds: cpuAt(t) }));
    expect(cpuPercentOverWindow(exact, 1.0, 1.05)).toBeCloseTo(100, 9);
  });

  it('gives no figure when the readings do not bracket the window', () => {
    expect(cpuPercentOverWindow(polled, 1.15, 1.25)).toBeNull();
  });

  it('averages per-interval percentages over the intervals covering the window, by time', () => {
    // Intervals (0.9,1.0]=0 %, (1.0,1.1]=50 %, (1.1,1.3]=20 %.
    const pct = [
      at(0.9, { cpu_percent: 0 }),
      at(1.0, { cpu_percent: 0 }),
      at(1.1, { cpu_percent: 50 }),
      at(1.3, { cpu_percent: 20 }),
    ];
    expect(cpuPercentOverWindow(pct, 1.02, 1.08)).toBeCloseTo(50, 9);
    expect(cpuPercentOverWindow(pct, 1.05, 1.2)).toBeCloseTo((50 * 0.1 + 20 * 0.2) / 0.3, 9);
  });
});

describe('threadCpuPercentOverWindow', () => {
  it('sums the chosen threads only, and counts a thread absent from a reading as 0', () => {
    const samples = [
      at(1.0, { threads: [[1, 5]] }),
      at(1.1, {
        threads: [
          [1, 5],
          [2, 0.05],
          [3, 0.08],
        ],
      }),
    ];
    expect(threadCpuPercentOverWindow(samples, 1.0, 1.1, [2])).toBeCloseTo(50, 9);
    expect(threadCpuPercentOverWindow(samples, 1.0, 1.1, [2, 3])).toBeCloseTo(130, 9);
  });

  it('gives no figure for tools that cannot see threads', () => {
    expect(threadCpuPercentOverWindow([at(1, {}), at(2, {})], 1.2, 1.5, [1])).toBeNull();
  });
});
