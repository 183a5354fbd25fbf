import { describe, expect, it } from 'vitest';
import { mulberry32 } from './mulberry32.js';

describe('mulberry32', () => {
  it('gives the stream the fixtures were generated with', () => {
    const random = mulberry32(1);
    expect([random(), random(), random()]).toEqual([
      0.6270739405881613, 0.002735721180215478, 0.5274470399599522,
    ]);
    // Seeds are taken as unsigned 32-bit integers.
    expect(mulberry32(-1)()).toBe(mulberry32(0xffffffff)());
  });

  it('draws uniform values in [0, 1)', () => {
    const random = mulberry32(12345);
    const n = 100_000;
    let sum = 0;
    let sq = 0;
    let min = 1;
    let max = 0;
    for (let i = 0; i < n; i++) {
      const x = random();
      sum += x;
      sq += x * x;
      min = Math.min(min, x);
      max = Math.max(max, x);
    }
    expect(min).toBeGreaterThanOrEqual(0);
    expect(max).toBeLessThan(1);
    // Mean 1/2 (σ of the mean = 1/√12/√n ≈ 0.0009), E[x²] = 1/3.
    expect(Math.abs(sum / n - 0.5)).toBeLessThan(0.005);
    expect(sq / n).toBeCloseTo(1 / 3, 2);
  });
});
