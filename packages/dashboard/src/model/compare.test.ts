import { describe, expect, it } from 'vitest';
import { compareUnit, verdictLabel, verdictTone } from './compare.js';

describe('compare shaping', () => {
  it('gives each compared metric its unit', () => {
    expect(compareUnit('p99_duration_seconds')).toBe('seconds');
    expect(compareUnit('avg_memory_mb')).toBe('MB');
    expect(compareUnit('throughput_chars_per_sec')).toBe('chars/s');
    expect(compareUnit('operations')).toBe('');
  });

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
