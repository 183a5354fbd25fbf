import { normalizeMetrics, ORIGINAL_OPERATION_COLUMNS } from '@llmmon/core/schema';
import { describe, expect, it } from 'vitest';
import { originalRecord, originalRecords } from './original.js';

describe('original-format records', () => {
  it('hold the original monitor’s thirteen fields, in its order, and nothing else', () => {
    expect(Object.keys(originalRecord())).toEqual(ORIGINAL_OPERATION_COLUMNS);
    for (const r of originalRecords(4)) expect(Object.keys(r)).toEqual(ORIGINAL_OPERATION_COLUMNS);
  });

  it('are read by normalizeMetrics as the original monitor’s files', () => {
    const file = normalizeMetrics(originalRecords(6));
    expect(file.operations.map((o) => o.model_name)).toEqual([
      'distilgpt2',
      'gpt2',
      'distilgpt2',
      'gpt2',
      'distilgpt2',
      'gpt2',
    ]);
    expect(file.operations.map((o) => o.seq)).toEqual([0, 1, 2, 3, 4, 5]);
  });
});
