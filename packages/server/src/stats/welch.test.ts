import { describe, expect, it } from 'vitest';
import { welchTest } from './welch.js';

const summary = (xs: number[]) => {
  const mean = xs.reduce((a, b) => a + b, 0) / xs.length;
  const variance = xs.reduce((a, x) => a + (x - mean) ** 2, 0) / (xs.length - 1);
  return { n: xs.length, mean, variance };
};

describe('welchTest', () => {
  it('matches SciPy on a small example', () => {
    const a = [0.41, 0.39, 0.45, 0.4, 0.42, 0.38, 0.44];
    const b = [0.47, 0.49, 0.45, 0.52, 0.46, 0.5];
    // scipy.stats.ttest_ind(b, a, equal_var=False) → statistic 4.748436438985535,
    // pvalue 0.0006681668412326691, df 10.58660790991148 (SciPy 1.17.1)
    const r = welchTest('duration_seconds', summary(a), summary(b), 0.05);
    expect(r.t).toBeCloseTo(4.748436438985535, 10);
    expect(r.df).toBeCloseTo(10.58660790991148, 10);
    expect(r.p_value).toBeCloseTo(0.0006681668412326691, 12);
    expect(r.significant).toBe(true);
  });

  it('is not significant for the same distribution', () => {
    const r = welchTest('x', summary([1, 2, 3, 4]), summary([2, 3, 1, 4]), 0.05);
    expect(r.t).toBeCloseTo(0, 14);
    expect(r.p_value).toBeCloseTo(1, 12);
    expect(r.significant).toBe(false);
  });

  it('needs two values on each side', () => {
    const r = welchTest('x', { n: 1, mean: 1, variance: null }, summary([1, 2]), 0.05);
    expect(r.t).toBeNull();
    expect(r.p_value).toBeNull();
    expect(r.significant).toBe(false);
  });

  it('treats zero spread on both sides as certain when the means differ', () => {
    expect(welchTest('x', summary([1, 1]), summary([2, 2]), 0.05)).toMatchObject({
      p_value: 0,
      significant: true,
    });
    expect(welchTest('x', summary([1, 1]), summary([1, 1]), 0.05)).toMatchObject({
      p_value: null,
      significant: false,
    });
  });
});
