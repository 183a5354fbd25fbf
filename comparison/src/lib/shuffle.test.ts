import { mulberry32 } from '@llmmon/core/random';
import { describe, expect, it } from 'vitest';
import { shuffle } from './shuffle.js';

describe('shuffle', () => {
  it('permutes in place, the same way for the same seed', () => {
    const a = shuffle([0, 1, 2, 3, 4, 5, 6, 7], mulberry32(7));
    expect([...a].sort()).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    expect(shuffle([0, 1, 2, 3, 4, 5, 6, 7], mulberry32(7))).toEqual(a);
  });

  it('makes every order of five about equally often (where a random sort comparator does not)', () => {
    const random = mulberry32(1);
    const counts = new Map<string, number>();
    const n = 60_000;
    for (let i = 0; i < n; i++) {
      const key = shuffle([0, 1, 2, 3, 4], random).join('');
      counts.set(key, (counts.get(key) ?? 0) + 1);
    }
    // 120 orders, 500 expected each; the binomial sd is ~22, so ±25 % is over 5 sd.
    expect(counts.size).toBe(120);
    for (const c of counts.values()) {
      expect(c).toBeGreaterThan(375);
      expect(c).toBeLessThan(625);
    }
  });
});
