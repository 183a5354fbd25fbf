import { headerText, modelComparison, SUMMARY_COLUMNS, summarize } from '@llmmon/core/schema';
import { rec, series } from '@llmmon/testkit';
import { describe, expect, it } from 'vitest';
import {
  countedByModel,
  MODEL_METRICS,
  modelBars,
  modelSummaries,
  STATS_COLUMNS,
  statsColumns,
} from './model-metrics.js';

describe('model metrics', () => {
  const records = [
    rec({ model_name: 'a', operation: 'load', duration_seconds: 9 }),
    ...series('a', 10, (i) => 1 + i / 10),
    rec({ model_name: 'a', status: 'error', duration_seconds: 50 }),
    ...series('b', 5, (i) => 2 + i),
    rec({ model_name: 'c', status: 'error' }),
    rec({ model_name: 'd', operation: 'warmup' }),
  ];

  it('lists every model, with core’s statistics or the reason it has none', () => {
    const s = modelSummaries(records);
    expect(s.map((m) => m.model)).toEqual(['a', 'b', 'c', 'd']);
    expect(s[0]!.stats).toEqual(modelComparison(records).a);
    expect(s[0]!.operations).toBe(12);
    expect(s[2]!.note).toBe('all 1 operations failed');
    expect(s[3]).toMatchObject({ stats: null, note: 'only warmup operations, which statistics leave out' });
  });

  it('draws the ModelStats value as the bar and p50/p95 of the same operations as the whisker', () => {
    const bars = modelBars(countedByModel(records), modelSummaries(records), MODEL_METRICS.duration);
    const a = bars.find((b) => b.model === 'a')!;
    const durations = records.filter(
      (r) => r.model_name === 'a' && r.operation === 'inference' && r.status === 'ok',
    );
    const expected = summarize(durations.map((r) => r.duration_seconds));
    expect(a.value).toBe(modelComparison(records).a!.avg_duration_seconds);
    expect([a.p50, a.p95, a.n]).toEqual([expected.median, expected.p95, 10]);
    expect(bars.find((b) => b.model === 'c')).toMatchObject({ value: null, note: 'all 1 operations failed' });
    expect(bars.map((b) => b.model)).toEqual(['a', 'b', 'c']);
  });

  it('has a summary column for every ModelStats key', () => {
    expect(STATS_COLUMNS.map((c) => c.key).sort()).toEqual(Object.keys(modelComparison(records).a!).sort());
  });

  it('shows the GPU, energy and server columns only where a model has a value', () => {
    const plain = Object.values(modelComparison(records));
    expect(statsColumns(plain).some((c) => c.optional)).toBe(false);
    const served = { ...plain[0]!, avg_server_cpu_percent: 120 };
    expect(
      statsColumns([...plain, served])
        .filter((c) => c.optional)
        .map((c) => c.key),
    ).toEqual(['avg_server_cpu_percent']);
  });

  it('shows each statistic under the label and unit printSummary and llmmon bench print', () => {
    // printSummary's and the bench table's headers are headerText of these columns.
    expect(SUMMARY_COLUMNS.map(headerText)).toEqual(
      STATS_COLUMNS.map((c) => (c.headerUnit ? `${c.label} ${c.headerUnit}` : c.label)),
    );
    const ttft = STATS_COLUMNS.find((c) => c.label === 'TTFT p50')!;
    expect(ttft.key).toBe('p50_time_to_first_token_seconds'); // a median under a median's name
    expect(MODEL_METRICS.ttft.stat).toBe(ttft.key);
  });

  it('takes each metric’s unit from the schema', () => {
    expect(MODEL_METRICS.duration.unit).toBe('seconds');
    expect(MODEL_METRICS.memory.unit).toBe('MB');
    expect(MODEL_METRICS.tokens.unit).toBe('tokens/s');
  });
});
