import { describe, expect, it } from 'vitest';
import { logGamma, regularizedIncompleteBeta, studentTCdf, studentTTwoSidedP } from './student-t.js';

describe('studentTTwoSidedP', () => {
  // Reference values from SciPy 1.17.1: 2 * scipy.stats.t.sf(abs(t), df)
  it.each([
    [2.0, 10, 0.07338803477074037],
    [2.228138851986274, 10, 0.050000000000000044],
    [12.706204736174694, 1, 0.050000000000000044],
    [0.5, 3.7, 0.6453356333199318],
    [-3.1, 25.3, 0.004701667464965609],
    [1.0, 1000.0, 0.31755241808467255],
    [8.0, 4.2, 0.0010761173674510892],
    [0.0, 5, 1.0],
  ])('t = %d, df = %d → p = %d (SciPy)', (t, df, p) => {
    expect(studentTTwoSidedP(t, df)).toBeCloseTo(p, 12);
  });

  it('matches the closed forms for df = 1 (Cauchy) and df = 2', () => {
    for (const t of [0.1, 0.7, 1, 3.3, 40]) {
      expect(studentTTwoSidedP(t, 1)).toBeCloseTo(1 - (2 / Math.PI) * Math.atan(t), 13);
      expect(studentTTwoSidedP(t, 2)).toBeCloseTo(1 - t / Math.sqrt(2 + t * t), 13);
    }
  });

  it('approaches the normal distribution for large df', () => {
    expect(studentTTwoSidedP(1.959963984540054, 1e9)).toBeCloseTo(0.05, 7);
  });

  it('gives a CDF that is symmetric and monotone', () => {
    expect(studentTCdf(0, 7)).toBeCloseTo(0.5, 14);
    expect(studentTCdf(-1.5, 7) + studentTCdf(1.5, 7)).toBeCloseTo(1, 14);
    expect(studentTCdf(1, 7)).toBeLessThan(studentTCdf(1.1, 7));
  });

  it('refuses a bad df', () => {
    expect(() => studentTTwoSidedP(1, 0)).toThrow(RangeError);
  });
});

describe('building blocks', () => {
  it('logGamma matches factorials', () => {
    expect(logGamma(1)).toBeCloseTo(0, 13);
    expect(logGamma(11)).toBeCloseTo(Math.log(3628800), 11);
    expect(logGamma(0.5)).toBeCloseTo(Math.log(Math.sqrt(Math.PI)), 13);
  });

  it('I_x(1, 1) is x and I_x(a, 1) is x^a', () => {
    expect(regularizedIncompleteBeta(0.3, 1, 1)).toBeCloseTo(0.3, 14);
    expect(regularizedIncompleteBeta(0.6, 3, 1)).toBeCloseTo(0.216, 13);
  });
});
