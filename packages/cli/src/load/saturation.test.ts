import { describe, expect, it } from 'vitest';
import { type LevelStats, levelStats, type RequestResult } from './metrics.js';
import { saturationVerdict } from './saturation.js';

/** A level of `n` one-second requests, `good` of them inside the SLO, over `seconds`. */
function level(rate: number, good = 10): LevelStats {
  const s = levelStats([], { e2el: 1 });
  return { ...s, completed: 10, requestThroughput: rate, goodRequests: good };
}

describe('saturationVerdict', () => {
  const options = { minGain: 0.1, attainment: null };

  it('goes on while throughput rises', () => {
    expect(saturationVerdict([level(1), level(2), level(3.5)], options)).toEqual({
      stop: false,
      saturation: 2,
      reason: null,
    });
  });

  it('stops when a level adds less than the minimum gain; the level before is the point', () => {
    const v = saturationVerdict([level(1), level(2), level(2.1)], options);
    expect(v.stop).toBe(true);
    expect(v.saturation).toBe(1);
    expect(v.reason).toMatch(/level 3 raised request throughput by less than 10%/);
    expect(saturationVerdict([level(1), level(2), level(1.5)], options).saturation).toBe(1);
  });

  it('stops at the first level that breaks the SLO; the point is the level before', () => {
    const v = saturationVerdict([level(1, 10), level(2, 9), level(3, 8)], { minGain: 0.1, attainment: 0.9 });
    expect(v).toMatchObject({ stop: true, saturation: 1 });
    expect(v.reason).toMatch(/level 3 broke the SLO/);
    expect(saturationVerdict([level(1, 0)], { minGain: 0.1, attainment: 0.9 }).saturation).toBeNull();
  });

  it('levelStats of no requests is all empty, not zero throughput', () => {
    const s = levelStats([] as RequestResult[], null);
    expect([s.completed, s.requestThroughput, s.ttft.mean, s.goodRequests]).toEqual([0, null, null, null]);
  });
});
