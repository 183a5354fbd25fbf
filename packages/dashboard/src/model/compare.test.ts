import { describe, expect, it } from 'vitest';
import { verdictLabel, verdictTone } from './compare.js';

describe('compare shaping', () => {
  it('marks the server’s regressions worse and significant improvements better', () => {
    expect(verdictTone({ verdict: 'slower', regression: true })).toBe('worse');
    expect(verdictTone({ verdict: 'higher', regression: true })).toBe('worse');
    expect(verdictTone({ verdict: 'faster', regression: false })).toBe('better');
    expect(verdictTone({ verdict: 'lower', regression: false })).toBe('better');
    expect(verdictTone({ verdict: 'no_significant_change', regression: false })).toBe('neutral');
    expect(verdictTone({ verdict: null, regression: false })).toBe('neutral');
    expect(verdictLabel('insufficient_data')).toBe('too few values');
  });
});
