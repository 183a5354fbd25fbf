import { describe, expect, it } from 'vitest';
import {
  COMPARE_FAMILIES,
  COMPARE_METRIC_FAMILY,
  COMPARE_METRICS,
  compareColumn,
  familyVerdictText,
} from './api.js';

describe('compared metrics', () => {
  it('are labelled and united as the summary columns, p99 included', () => {
    expect(compareColumn('p50_time_to_first_token_seconds')).toMatchObject({
      label: 'TTFT p50',
      unit: 'seconds',
    });
    expect(compareColumn('p99_duration_seconds')).toMatchObject({ label: 'duration p99', unit: 'seconds' });
    expect(compareColumn('avg_memory_mb').unit).toBe('MB');
    for (const k of COMPARE_METRICS) expect(compareColumn(k).label).toBeTruthy();
  });

  it('test each family on its mean, a metric of that family', () => {
    for (const f of COMPARE_FAMILIES) expect(COMPARE_METRIC_FAMILY[f.metric]).toBe(f.family);
  });

  it('word a verdict once, with the test’s p-value', () => {
    const v = {
      family: 'duration',
      metric: 'avg_duration_seconds',
      field: 'duration_seconds',
      regression: true,
    } as const;
    expect(familyVerdictText({ ...v, verdict: 'slower', p_value: 0.0031 })).toBe('slower (p = 0.0031)');
    expect(familyVerdictText({ ...v, verdict: 'slower', p_value: 4e-16 })).toBe('slower (p = 4e-16)');
    expect(familyVerdictText({ ...v, verdict: 'no_significant_change', p_value: 0.41 })).toBe(
      'no significant change (p = 0.41)',
    );
    expect(familyVerdictText({ ...v, verdict: 'insufficient_data', p_value: null })).toBe(
      'too few operations',
    );
  });
});
