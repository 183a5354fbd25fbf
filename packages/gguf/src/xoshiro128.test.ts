import { describe, expect, it } from 'vitest';
import { fnv1a32, Xoshiro128 } from './xoshiro128.js';

describe('fnv1a32', () => {
  it('matches the published FNV-1a test vectors', () => {
    expect(fnv1a32('')).toBe(0x811c9dc5);
    expect(fnv1a32('a')).toBe(0xe40c292c);
    expect(fnv1a32('foobar')).toBe(0xbf9cf968);
  });
});

describe('Xoshiro128', () => {
  it('gives the same stream for the same seed and a different one for another seed', () => {
    const a = new Xoshiro128(7);
    const b = new Xoshiro128(7);
    const c = new Xoshiro128(8);
    const sa = Array.from({ length: 100 }, () => a.nextUint32());
    expect(Array.from({ length: 100 }, () => b.nextUint32())).toEqual(sa);
    expect(Array.from({ length: 100 }, () => c.nextUint32())).not.toEqual(sa);
    expect(sa.every((x) => Number.isInteger(x) && x >= 0 && x < 2 ** 32)).toBe(true);
  });

  it('fills uniform values in [−scale, scale) with the moments of a uniform distribution', () => {
    const out = new Float32Array(200_000);
    new Xoshiro128(1).fillUniform(out, 2);
    let sum = 0;
    let sq = 0;
    let min = Number.POSITIVE_INFINITY;
    let max = Number.NEGATIVE_INFINITY;
    for (const x of out) {
      sum += x;
      sq += x * x;
      min = Math.min(min, x);
      max = Math.max(max, x);
    }
    const n = out.length;
    expect(min).toBeGreaterThanOrEqual(-2);
    expect(max).toBeLessThan(2);
    // Mean 0 (σ of the mean = 2/√3/√n ≈ 0.0026), variance s²/3 = 4/3.
    expect(Math.abs(sum / n)).toBeLessThan(0.015);
    expect(sq / n).toBeCloseTo(4 / 3, 1);
  });
});
