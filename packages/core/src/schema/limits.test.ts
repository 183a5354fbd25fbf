import { describe, expect, it } from 'vitest';
import { jsonDepth, LIMITS } from './field.js';
import { describeZodError } from './normalize.js';
import { OperationRecordSchema } from './operation.js';
import { RunSchema } from './run.js';
import { SampleSchema } from './sample.js';

const op = {
  timestamp: '2024-05-01T12:00:00.000Z',
  model_name: 'm',
  operation: 'inference',
  text_length: 10,
  duration_seconds: 1,
  gpu_available: false,
};
/** The one-line error validation gives, or null when the value is accepted. */
function problem(
  schema: typeof OperationRecordSchema | typeof RunSchema | typeof SampleSchema,
  value: unknown,
) {
  const r = schema.safeParse(value);
  return r.success ? null : describeZodError(r.error);
}
const run = (id: unknown) => ({
  id,
  started_at: '2024-05-01T12:00:00.000Z',
  host: {},
  sampler: {},
});
/** A JSON object nested `depth` deep, built without recursion. */
function nested(depth: number): Record<string, unknown> {
  let v: Record<string, unknown> = {};
  for (let i = 1; i < depth; i++) v = { a: v };
  return v;
}

describe('schema limits: what is impossible or too large is refused with one line naming the rule', () => {
  it('refuses negative durations, lengths, sequence numbers, times and CPU', () => {
    expect(problem(OperationRecordSchema, { ...op, duration_seconds: -1 })).toBe(
      'duration_seconds: must be >= 0',
    );
    expect(problem(OperationRecordSchema, { ...op, text_length: -3 })).toBe('text_length: must be >= 0');
    expect(problem(OperationRecordSchema, { ...op, seq: -1 })).toBe('seq: must be >= 0');
    expect(problem(OperationRecordSchema, { ...op, system_cpu_percent: 101 })).toBe(
      'system_cpu_percent: must be <= 100',
    );
    // A delta may be negative: memory given back.
    expect(problem(OperationRecordSchema, { ...op, memory_delta_mb: -12 })).toBeNull();
    const sample = { t: 0.05, cpu_percent: 10, rss_mb: 1 };
    expect(problem(SampleSchema, { ...sample, t: -0.05 })).toBe('t: must be >= 0');
    expect(problem(SampleSchema, { ...sample, cpu_percent: -1 })).toBe('cpu_percent: must be >= 0');
  });

  it('ids are not empty, have no control characters and at most 128 characters', () => {
    expect(problem(RunSchema, run(''))).toBe('id: must not be empty');
    expect(problem(RunSchema, run('p-nul\u0000id'))).toBe('id: must not contain control characters');
    expect(problem(RunSchema, run('line\nbreak'))).toBe('id: must not contain control characters');
    expect(problem(RunSchema, run('x'.repeat(LIMITS.idLength + 1)))).toBe(
      'id: must be at most 128 characters',
    );
    expect(problem(RunSchema, run('2024-05-01T12-00-00-000Z-1a2b3c4d'))).toBeNull();
    expect(problem(OperationRecordSchema, { ...op, run_id: '' })).toBe('run_id: must not be empty');
  });

  it('every text has a length limit', () => {
    expect(problem(OperationRecordSchema, { ...op, model_name: 'm'.repeat(10 * 1024 * 1024) })).toBe(
      'model_name: must be at most 256 characters',
    );
    expect(problem(OperationRecordSchema, { ...op, error: 'e'.repeat(LIMITS.errorLength) })).toBeNull();
    expect(problem(OperationRecordSchema, { ...op, error: 'e'.repeat(LIMITS.errorLength + 1) })).toMatch(
      /^error: must be at most 16384 characters/,
    );
  });

  it('JSON values have a size and depth limit, checked without recursion', () => {
    expect(jsonDepth(nested(8000))).toBe(8000);
    expect(problem(OperationRecordSchema, { ...op, metadata: nested(8000) })).toBe(
      'metadata: must be nested at most 32 deep',
    );
    expect(problem(OperationRecordSchema, { ...op, metadata: nested(LIMITS.jsonDepth) })).toBeNull();
    expect(problem(OperationRecordSchema, { ...op, metadata: { big: 'x'.repeat(LIMITS.jsonBytes) } })).toBe(
      'metadata: must be at most 65536 bytes as JSON',
    );
  });
});
