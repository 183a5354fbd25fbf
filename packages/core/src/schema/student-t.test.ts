import { describe, expect, it } from 'vitest';
import {
  logGamma,
  regularizedIncompleteBeta,
  studentTCdf,
  studentTPdf,
  studentTQuantile,
  studentTTwoSidedP,
} from './student-t.js';

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

describe('studentTQuantile', () => {
  // Reference values from SciPy 1.17.1: scipy.stats.t.ppf(p, df)
  it.each([
    [0.975, 1, 12.706204736174694],
    [0.975, 2, 4.302652729749462],
    [0.975, 7, 2.364624251592784],
    [0.975, 30, 2.0422724563012378],
    [0.975, 100, 1.9839715185235518],
    [0.975, 3.7, 2.8675207071911895],
    [0.9, 2.5, 1.7302509288071766],
    [0.025, 12, -2.1788128296672293],
    [0.999, 1000, 3.0984021639129233],
  ])('p = %d, df = %d → t = %d (SciPy)', (p, df, t) => {
    expect(studentTQuantile(p, df)).toBeCloseTo(t, 12);
  });

  it('keeps 10 digits at very large df (SciPy)', () => {
    expect(studentTQuantile(0.975, 1e4)).toBeCloseTo(1.960201239890626, 11);
    expect(studentTQuantile(0.975, 1e6)).toBeCloseTo(1.959966356814107, 9);
  });

  it('reaches far tails to full relative precision (SciPy)', () => {
    expect(studentTQuantile(1e-10, 1) / -3183098861.8379064).toBeCloseTo(1, 13);
    expect(studentTQuantile(1 - 1e-10, 0.5) / 1.028490986120881e19).toBeCloseTo(1, 9);
  });

  it('inverts the CDF and is odd around p = 0.5', () => {
    expect(studentTQuantile(0.5, 5)).toBe(0);
    for (const df of [1, 4.5, 60]) {
      for (const p of [0.01, 0.3, 0.8, 0.995]) {
        expect(studentTCdf(studentTQuantile(p, df), df)).toBeCloseTo(p, 14);
        expect(studentTQuantile(1 - p, df)).toBeCloseTo(-studentTQuantile(p, df), 12);
      }
    }
  });

  it('refuses p outside (0, 1) and a bad df', () => {
    expect(() => studentTQuantile(1, 5)).toThrow(RangeError);
    expect(() => studentTQuantile(0, 5)).toThrow(RangeError);
    expect(() => studentTQuantile(0.9, -1)).toThrow(RangeError);
  });
});

describe('building blocks', () => {
  it('the density is the Cauchy density for df = 1 and integrates to the CDF', () => {
    for (const t of [0, 0.5, 3]) expect(studentTPdf(t, 1)).toBeCloseTo(1 / (Math.PI * (1 + t * t)), 15);
    // Midpoint rule over [-1, 2] against the CDF difference.
    const n = 20_000;
    let area = 0;
    for (let i = 0; i < n; i++) area += studentTPdf(-1 + (3 * (i + 0.5)) / n, 6.5) * (3 / n);
    expect(area).toBeCloseTo(studentTCdf(2, 6.5) - studentTCdf(-1, 6.5), 8);
  });

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
