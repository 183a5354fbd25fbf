import { MetricsFileSchema } from '@llmmon/core/schema';
import { metricsFile } from '@llmmon/testkit';
import { describe, expect, it } from 'vitest';
import { timelineStrips } from './strips.js';

const file = (samples: object[], attached: object[] | null = null) => {
  const f = metricsFile('r', 1);
  f.run.attached = attached as never;
  f.samples = samples as never;
  return MetricsFileSchema.parse(f);
};
const sample = (t: number, extra: object = {}) => ({ t, cpu_percent: 50, rss_mb: 100, ...extra });

describe('timeline strips', () => {
  it('a run without GPU or attached processes: CPU and RSS only', () => {
    const f = file([sample(0.1), sample(0.2)]);
    expect(timelineStrips(f.samples, f.run, 100).map((s) => s.id)).toEqual(['cpu', 'rss']);
  });

  it('GPU memory and power strips, and one line per attached process, where the samples have them', () => {
    const f = file(
      [
        sample(0.1, {
          gpu_util_percent: 40,
          gpu_memory_mb: 700,
          gpu_power_watts: 250,
          processes: [{ pid: 7, cpu_percent: 150, rss_mb: 900 }],
        }),
        sample(0.2, {
          gpu_util_percent: 60,
          gpu_memory_mb: 800,
          gpu_power_watts: 260,
          processes: [
            { pid: 7, cpu_percent: 100, rss_mb: 950 },
            { pid: 9, cpu_percent: null, rss_mb: 20 },
          ],
        }),
      ],
      [{ pid: 7, name: 'ollama', role: 'server', by: 'port', query: '11434', source: 'adapter:ollama' }],
    );
    const strips = timelineStrips(f.samples, f.run, 100);
    expect(strips.map((s) => s.id)).toEqual([
      'cpu',
      'rss',
      'gpu',
      'gpu-memory',
      'gpu-power',
      'attached-cpu',
      'attached-rss',
    ]);
    const of = (id: string) => strips.find((s) => s.id === id)!;
    expect(of('gpu-memory')).toMatchObject({ yMax: 800 });
    expect(of('gpu').yMax).toBe(100); // percent strips span at least 0-100
    expect(of('attached-cpu').series.map((s) => [s.label, s.points.map((p) => p.v)])).toEqual([
      ['ollama (7) server', [150, 100]],
    ]); // pid 9 had no CPU figure: no line
    expect(of('attached-rss').series.map((s) => [s.label, s.points.map((p) => p.v)])).toEqual([
      ['ollama (7) server', [900, 950]],
      ['(9)', [20]],
    ]);
  });
});
