import { MetricsFileSchema, modelComparison } from '@llmmon/core/schema';
import { describe, expect, it } from 'vitest';
import { syntheticMetrics } from './synthetic.js';

describe('syntheticMetrics', () => {
  it('is a valid llmmon metrics file, the same for the same options', () => {
    const file = syntheticMetrics({ operations: 300 });
    expect(MetricsFileSchema.parse(file)).toEqual(file);
    expect(syntheticMetrics({ operations: 300 })).toEqual(file);
    expect(file.operations).toHaveLength(300);
    expect(file.samples.length).toBeGreaterThan(100);
  });

  it('has the shapes the dashboard draws: per-model differences, errors, tokens, threads', () => {
    const file = syntheticMetrics({ operations: 300, errorRate: 0.05 });
    const stats = modelComparison(file.operations);
    expect(Object.keys(stats)).toHaveLength(3);
    const [a, b] = Object.values(stats);
    expect(b!.avg_duration_seconds!).toBeGreaterThan(a!.avg_duration_seconds!);
    expect(file.operations.some((o) => o.status === 'error')).toBe(true);
    expect(file.operations.some((o) => o.threads?.length)).toBe(true);
    expect(file.operations.some((o) => o.tokens_per_sec !== null)).toBe(true);
  });

  it('leaves out what the JS sampler cannot measure', () => {
    const file = syntheticMetrics({ operations: 30, sampler: 'js' });
    expect(file.operations.every((o) => o.threads === null && o.peak_cpu_percent === null)).toBe(true);
    expect(file.run.sampler.kind).toBe('js');
  });
});
