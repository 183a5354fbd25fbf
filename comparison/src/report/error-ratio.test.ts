import { describe, expect, it } from 'vitest';
import { ERROR_FLOOR_PP, errorRatio, errorRatioText } from './error-ratio.js';

describe('errorRatio', () => {
  it('divides by the floor when the reference error is below it, and says the ratio is a lower bound', () => {
    expect(errorRatio(40, 1e-14)).toEqual({ ratio: 40 / ERROR_FLOOR_PP, bound: true });
    expect(errorRatioText(40, 0)).toBe('> 4,000×');
    expect(errorRatioText(0.001, 0)).toBe('both < 0.01 pp');
  });

  it('is a plain ratio above the floor, and unknown when either side is', () => {
    expect(errorRatio(40, 2)).toEqual({ ratio: 20, bound: false });
    expect(errorRatioText(40, 2)).toBe('20.0×');
    expect(errorRatio(null, 2)).toBeNull();
  });
});
