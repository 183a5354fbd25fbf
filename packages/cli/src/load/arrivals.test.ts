import { describe, expect, it } from 'vitest';
import { arrivalTimes } from './arrivals.js';

/** Mean rate and coefficient of variation of the gaps of the first `n` arrivals. */
function gapStats(next: () => number, n: number) {
  const times = Array.from({ length: n }, next);
  const gaps = times.map((t, i) => t - (i ? times[i - 1]! : 0));
  const mean = gaps.reduce((s, g) => s + g, 0) / n;
  const sd = Math.sqrt(gaps.reduce((s, g) => s + (g - mean) ** 2, 0) / n);
  return { rate: 1 / mean, cv: sd / mean, times };
}

describe('arrivalTimes', () => {
  const n = 20_000;
  // σ of the sample mean of exponential gaps is mean/√n: 0.7 % here; 4σ ≈ 3 %.
  const tol = 4 / Math.sqrt(n);

  it('draws a Poisson process: the rate asked for, CV 1', () => {
    const { rate, cv } = gapStats(arrivalTimes({ rate: 8, burstiness: 1, seed: 7 }), n);
    expect(Math.abs(rate / 8 - 1)).toBeLessThan(tol);
    expect(Math.abs(cv - 1)).toBeLessThan(0.03);
  });

  it('gamma arrivals keep the mean rate; CV = 1/√burstiness', () => {
    for (const b of [0.25, 4]) {
      const { rate, cv } = gapStats(arrivalTimes({ rate: 3, burstiness: b, seed: 11 }), n);
      expect(Math.abs(rate / 3 - 1)).toBeLessThan(tol / Math.sqrt(b) + 0.005);
      expect(Math.abs(cv - 1 / Math.sqrt(b))).toBeLessThan(0.06 / Math.sqrt(b));
    }
  });

  it('is the same schedule for the same seed, another for another seed', () => {
    const a = gapStats(arrivalTimes({ rate: 2, burstiness: 1, seed: 1 }), 5).times;
    const b = gapStats(arrivalTimes({ rate: 2, burstiness: 1, seed: 1 }), 5).times;
    const c = gapStats(arrivalTimes({ rate: 2, burstiness: 1, seed: 2 }), 5).times;
    expect(a).toEqual(b);
    expect(a).not.toEqual(c);
  });

  it('rejects rates and burstiness that mean nothing', () => {
    expect(() => arrivalTimes({ rate: 0, burstiness: 1, seed: 0 })).toThrow(/rate must be > 0/);
    expect(() => arrivalTimes({ rate: 1, burstiness: -1, seed: 0 })).toThrow(/burstiness/);
  });
});
