import { describe, expect, it } from 'vitest';
import { OPERATION_COLUMNS, OperationRecordSchema, ORIGINAL_OPERATION_COLUMNS } from './operation.js';

const original = {
  timestamp: '2024-05-01T12:00:00.123456',
  model_name: 'llama2',
  operation: 'inference',
  text_length: 120,
  duration_seconds: 1.5,
  throughput_chars_per_sec: 80,
  cpu_delta_percent: 95.5,
  memory_delta_mb: 12.25,
  peak_memory_mb: 512,
  peak_cpu_percent: 180,
  system_cpu_percent: 40,
  system_memory_percent: 61.2,
  gpu_available: false,
};

describe('OperationRecordSchema', () => {
  it('reads an original-monitor record and fills every extension with null', () => {
    const rec = OperationRecordSchema.parse(original);
    for (const col of OPERATION_COLUMNS) expect(rec).toHaveProperty(col);
    expect(rec.tokens_per_sec).toBeNull();
    expect(rec.threads).toBeNull();
    expect(rec.duration_seconds).toBe(1.5);
  });

  it('keeps the original thirteen fields first and in order', () => {
    expect(ORIGINAL_OPERATION_COLUMNS).toEqual(Object.keys(original));
  });

  it('names the offending field when a value has the wrong type', () => {
    const res = OperationRecordSchema.safeParse({ ...original, duration_seconds: 'slow' });
    expect(res.success).toBe(false);
    expect(res.error?.issues[0]?.path).toEqual(['duration_seconds']);
  });

  it('rejects an unknown status', () => {
    expect(OperationRecordSchema.safeParse({ ...original, status: 'maybe' }).success).toBe(false);
  });
});
