import { describe, expect, it } from 'vitest';
import { OperationRecordSchema } from './operation.js';
import {
  marginOfError95,
  maxOrNull,
  modelComparison,
  modifiedZScores,
  quantile,
  stddev,
  studentT975,
} from './stats.js';

describe('statistics', () => {
  // Reference values from NumPy 1.x: np.percentile (linear), np.std(ddof=1); SciPy t.ppf(0.975, df).
  const v = [3, 1, 4, 1, 5, 9, 2, 6];

  it('quantiles interpolate linearly like numpy and DuckDB quantile_cont', () => {
    expect(quantile(v, 0.5)).toBe(3.5);
    expect(quantile(v, 0.95)).toBeCloseTo(7.95, 12);
    expect(quantile([], 0.5)).toBeNull();
    expect(() => quantile(v, 1.5)).toThrow(RangeError);
  });

  it('standard deviation and Student t match SciPy', () => {
    expect(stddev(v)).toBeCloseTo(2.748376143938713, 12);
    expect(studentT975(7)).toBeCloseTo(2.364624251592784, 12);
    expect(studentT975(40)).toBeCloseTo(2.021075390306273, 12);
    expect(studentT975(100)).toBeCloseTo(1.9839715185235518, 12);
    expect(() => studentT975(0.5)).toThrow(RangeError);
    expect(marginOfError95(v)).toBeCloseTo((2.364624251592784 * 2.748376143938713) / Math.sqrt(8), 12);
  });

  it('modified z-scores flag the far value only', () => {
    const z = modifiedZScores([10, 10.2, 9.9, 10.1, 10, 30]);
    expect(z.filter((s) => Math.abs(s) > 3.5)).toHaveLength(1);
    expect(Math.abs(z[5]!)).toBeGreaterThan(3.5);
  });

  it('model comparison leaves out warm-up, load and load levels, counts errors', () => {
    const op = (model: string, operation: string, duration: number, extra = {}) =>
      OperationRecordSchema.parse({
        timestamp: '2026-01-01T00:00:00.000Z',
        model_name: model,
        operation,
        text_length: 100,
        duration_seconds: duration,
        gpu_available: false,
        ...extra,
      });
    const stats = modelComparison([
      op('a', 'warmup', 100),
      op('a', 'load', 50),
      op('a', 'load-level', 20),
      op('a', 'inference', 1, { peak_memory_mb: 10 }),
      op('a', 'inference', 3, { peak_memory_mb: 30 }),
      op('a', 'inference', 7, { status: 'error' }),
      op('b', 'inference', 2),
    ]);
    expect(Object.keys(stats)).toEqual(['a', 'b']);
    expect(stats.a!.operations).toBe(3);
    expect(stats.a!.errors).toBe(1);
    expect(stats.a!.avg_duration_seconds).toBe(2);
    expect(stats.a!.p50_duration_seconds).toBe(2);
    expect(stats.a!.avg_memory_mb).toBe(20);
    expect(stats.a!.peak_memory_mb).toBe(30);
    expect(stats.a!.throughput_chars_per_sec).toBe(50);
    expect(stats.a!.avg_tokens_per_sec).toBeNull();
  });
});

describe('large runs', () => {
  it('model statistics of 300,000 operations (no argument spread that overflows the stack)', () => {
    const base = OperationRecordSchema.parse({
      timestamp: '2026-01-01T00:00:00.000Z',
      model_name: 'm',
      operation: 'inference',
      text_length: 1,
      duration_seconds: 1,
      gpu_available: false,
    });
    const records = Array.from({ length: 300_000 }, (_, i) => ({
      ...base,
      peak_memory_mb: i,
      peak_cpu_percent: i / 1000,
    }));
    const stats = modelComparison(records).m!;
    expect(stats.peak_memory_mb).toBe(299_999);
    expect(stats.peak_cpu_percent).toBe(299.999);
    expect(maxOrNull([])).toBeNull();
    expect(maxOrNull([-3, -1, -2])).toBe(-1);
  });
});
