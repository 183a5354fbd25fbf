import { fourCoreRun, NO_GPU_SAMPLE, rec } from '@llmmon/testkit';
import { describe, expect, it } from 'vitest';
import {
  decimateMinMax,
  indexSpans,
  nearestIndex,
  operationSpans,
  type Span,
  spansAt,
  threadBars,
  timeExtent,
} from './timeline.js';

describe('timeline shaping', () => {
  it('places operations on the run’s time axis, one lane per model', () => {
    const run = fourCoreRun({ started_at: '2024-05-01T12:00:00.000Z' });
    const spans = operationSpans(
      run,
      [
        rec({ model_name: 'b', timestamp: '2024-05-01T12:00:02.500Z', duration_seconds: 1.5 }),
        { ...rec({ model_name: 'a' }), timestamp: 'not a time' },
      ],
      ['a', 'b'],
    );
    expect(spans).toHaveLength(1);
    expect(spans[0]).toMatchObject({ t0: 2.5, t1: 4, lane: 1 });
    expect(
      timeExtent(spans, [
        {
          t: 6,
          cpu_percent: 1,
          cpu_peak_percent: 1,
          rss_mb: 1,
          system_cpu_percent: null,
          ...NO_GPU_SAMPLE,
          tick_interval_ms: null,
        },
      ]),
    ).toEqual([0, 6]);
    expect(timeExtent([], [])).toBeNull();
  });

  it('keeps every peak and dip when decimating, in time order, with at most 2 points a bucket', () => {
    const items = Array.from({ length: 10_000 }, (_, i) => ({ t: i / 100, v: Math.sin(i / 50) }));
    items[4321]!.v = 9; // a one-sample spike
    items[7000]!.v = -9;
    const out = decimateMinMax(items, (s) => s.v, 200);
    expect(out.length).toBeLessThanOrEqual(400);
    expect(out.some((p) => p.v === 9 && p.t === items[4321]!.t)).toBe(true);
    expect(out.some((p) => p.v === -9)).toBe(true);
    expect(out.every((p, i) => i === 0 || p.t >= out[i - 1]!.t)).toBe(true);
  });

  it('returns short series as they are, skipping nulls', () => {
    const out = decimateMinMax([{ t: 0 }, { t: 1 }, { t: 2 }], (s) => (s.t === 1 ? null : s.t), 100);
    expect(out).toEqual([
      { t: 0, v: 0 },
      { t: 2, v: 2 },
    ]);
  });

  it('finds the nearest sample', () => {
    const items = [{ t: 0 }, { t: 1 }, { t: 2 }, { t: 4 }];
    expect([-1, 0.4, 0.6, 2.9, 3.1, 9].map((t) => nearestIndex(items, t))).toEqual([0, 0, 1, 2, 3, 3]);
    expect(nearestIndex([], 1)).toBe(-1);
  });

  it('finds the spans around a time as a scan of every span does, in start order', () => {
    // Overlapping spans of very different lengths, in no particular order.
    const record = rec();
    const spans: Span[] = Array.from({ length: 400 }, (_, i) => {
      const t0 = (i * 7919) % 1000;
      return { t0, t1: t0 + ((i * 31) % 17) + (i % 50 === 0 ? 200 : 0), lane: 0, record };
    });
    const index = indexSpans(spans);
    for (const slack of [0, 2.5]) {
      for (let t = -5; t < 1300; t += 13.7) {
        const scan = spans.filter((s) => s.t0 - slack <= t && t <= s.t1 + slack).sort((a, b) => a.t0 - b.t0);
        expect(spansAt(index, t, slack).map((s) => s.t0)).toEqual(scan.map((s) => s.t0));
      }
    }
    expect(spansAt(indexSpans([]), 1)).toEqual([]);
  });

  it('gives each thread its share of the operation’s CPU time', () => {
    const bars = threadBars(
      rec({
        cpu_time_seconds: 4,
        threads: [
          { tid: 10, name: 'node', cpu_seconds: 3 },
          { tid: null, name: '(exited threads)', cpu_seconds: 1 },
        ],
      }),
    );
    expect(bars.map((b) => [b.label, b.share])).toEqual([
      ['node (10)', 0.75],
      ['(exited threads)', 0.25],
    ]);
  });
});
