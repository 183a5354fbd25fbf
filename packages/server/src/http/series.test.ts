import { Counter, Histogram, Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { SeriesCounter, SeriesHistogram, series, withLabel } from './series.js';

// Ground truth: prom-client's own Histogram and Counter, fed the same values.
const BUCKETS = [0.01, 0.1, 1, 10];
const labelSets = [
  { model: 'm1', op: 'chat' },
  { model: 'm2', op: 'chat' },
  { model: 'a "quoted" \\ name', op: 'embed\nline' },
];

describe('SeriesHistogram and SeriesCounter', () => {
  it('expose exactly what prom-client would for the same observations', async () => {
    for (const contentType of [Registry.PROMETHEUS_CONTENT_TYPE, Registry.OPENMETRICS_CONTENT_TYPE]) {
      const ours = new Registry();
      const theirs = new Registry();
      // Typed as the registry's content type at construction; both formats are checked here.
      ours.setContentType(contentType as never);
      theirs.setContentType(contentType as never);
      const h = new SeriesHistogram({ name: 'h_seconds', help: 'h', buckets: BUCKETS, registry: ours });
      const c = new SeriesCounter({ name: 'c_total', help: 'c', registry: ours });
      const labelNames = ['model', 'op', 'kind'];
      const ph = new Histogram({
        name: 'h_seconds',
        help: 'h',
        buckets: BUCKETS,
        labelNames,
        registers: [theirs],
      });
      const pc = new Counter({ name: 'c_total', help: 'c', labelNames, registers: [theirs] });
      let x = 7;
      for (let i = 0; i < 500; i++) {
        x = (x * 48271) % 2147483647;
        const labels = labelSets[x % labelSets.length]!;
        // Values on, between and past the bucket bounds.
        const value = [0.01, 0.05, 1, 3, 10, 11, 0][x % 7]! * (1 + (x % 3) / 1e3);
        const s = x % 5 === 0 ? withLabel(series(labels), 'kind', 'error') : series(labels);
        h.observe(s, value);
        c.inc(s, value);
        ph.observe(s.labels, value);
        pc.inc(s.labels, value);
      }
      const text = await ours.metrics();
      expect(text).toContain('h_seconds_bucket{le="0.1",model="m1",op="chat"}');
      expect(text).toBe(await theirs.metrics());
    }
  });

  it('refuse what prom-client refuses: non-finite values, counters going down', () => {
    const registry = new Registry();
    const h = new SeriesHistogram({ name: 'h', help: 'h', buckets: BUCKETS, registry });
    const c = new SeriesCounter({ name: 'c', help: 'c', registry });
    const s = series({ a: 'b' });
    expect(() => h.observe(s, Number.NaN)).toThrow('cannot observe NaN');
    expect(() => c.inc(s, -1)).toThrow('cannot add -1');
  });

  it('builds an extended series once', () => {
    const base = series({ a: '1', b: '2' });
    expect(withLabel(base, 'c', '3')).toBe(withLabel(base, 'c', '3'));
    expect(withLabel(base, 'c', '3')).toEqual({
      key: '1\u00002\u0000c\u00003',
      labels: { a: '1', b: '2', c: '3' },
    });
  });
});
