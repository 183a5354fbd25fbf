import { describe, expect, it } from 'vitest';
import { median, ratio, spread, wilson } from './stats.js';

describe('spread', () => {
  it('gives type-7 quartiles, extremes and the count of finite values', () => {
    expect(spread([4, 1, 3, 2, Number.NaN, Number.POSITIVE_INFINITY])).toEqual({
      n: 4,
      median: 2.5,
      p25: 1.75,
      p75: 3.25,
      min: 1,
      max: 4,
    });
  });

  it('is empty (nulls) without finite values, never zeros', () => {
    expect(spread([Number.NaN])).toEqual({ n: 0, median: null, p25: null, p75: null, min: null, max: null });
    expect(median([])).toBeNull();
  });
});

describe('wilson', () => {
  it('keeps a spread at 100 % (200 of 200 is not proof of 100 %)', () => {
    const w = wilson(200, 200);
    expect(w.high).toBeCloseTo(1, 12);
    expect(w.low).toBeGreaterThan(0.98);
    expect(w.low).toBeLessThan(0.985);
  });

  it('brackets the observed fraction', () => {
    const w = wilson(50, 100);
    expect(w.low).toBeLessThan(0.5);
    expect(w.high).toBeGreaterThan(0.5);
    expect(w.low).toBeCloseTo(0.404, 2);
  });
});

describe('ratio', () => {
  it('is null rather than Infinity or NaN when it cannot be formed', () => {
    expect(ratio(1, 0)).toBeNull();
    expect(ratio(null, 2)).toBeNull();
    expect(ratio(6, 3)).toBe(2);
  });
});
