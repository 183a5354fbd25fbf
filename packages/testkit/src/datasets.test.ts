import { normalizeMetrics, ORIGINAL_OPERATION_COLUMNS } from '@llmmon/core/schema';
import { describe, expect, it } from 'vitest';
import { DATASET_MODELS, runId, syntheticRun } from './datasets.js';

describe('syntheticRun', () => {
  const run = syntheticRun(3, 50, 1);

  it('writes the original monitor’s thirteen fields, in its order, and nothing else', () => {
    for (const r of run.original) expect(Object.keys(r)).toEqual(ORIGINAL_OPERATION_COLUMNS);
  });

  it('stores as llmmon records exactly what normalizeMetrics makes of the original file', () => {
    const file = normalizeMetrics(JSON.parse(JSON.stringify(run.original)), {
      runId: runId(3),
      runName: `metrics_${runId(3)}.json`,
    });
    expect(run.records).toEqual(file.operations);
    expect(run.header).toEqual(file.run);
  });

  it('deals the models round-robin and gives the same numbers for the same seed', () => {
    expect(run.original.slice(0, DATASET_MODELS.length).map((r) => r.model_name)).toEqual(DATASET_MODELS);
    expect(syntheticRun(3, 50, 1)).toEqual(run);
    expect(syntheticRun(4, 50, 1).original[0]!.duration_seconds).not.toBe(run.original[0]!.duration_seconds);
  });
});
