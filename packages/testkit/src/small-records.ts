/**
 * Small records for unit tests: a valid operation record from a handful of fields (the schema
 * fills in the rest), and a run header on a known machine.
 */
import { type OperationRecord, OperationRecordSchema, type RunHeader, RunSchema } from '@llmmon/core/schema';

let nextSeq = 0;

/** A succeeded inference of 1 s on model `m`, 100 chars, 50 % CPU, 500 MB peak RSS. */
export function rec(over: Partial<OperationRecord> = {}): OperationRecord {
  const seq = over.seq ?? nextSeq++;
  return OperationRecordSchema.parse({
    timestamp: new Date(Date.UTC(2024, 4, 1, 12) + seq * 2000).toISOString(),
    model_name: 'm',
    operation: 'inference',
    text_length: 100,
    duration_seconds: 1,
    throughput_chars_per_sec: 100,
    cpu_delta_percent: 50,
    memory_delta_mb: 0,
    peak_memory_mb: 500,
    peak_cpu_percent: 80,
    system_cpu_percent: 30,
    system_memory_percent: 40,
    gpu_available: false,
    status: 'ok',
    seq,
    rss_start_mb: 490,
    rss_end_mb: 490,
    sampler: 'native',
    ...over,
  });
}

/** A run header on a 4-core, 8 GiB machine with the native sampler. */
export function fourCoreRun(over: Partial<RunHeader> = {}): RunHeader {
  return RunSchema.parse({
    id: 'r1',
    name: 'test run',
    started_at: '2024-05-01T12:00:00.000Z',
    ended_at: '2024-05-01T12:10:00.000Z',
    host: { hostname: 'h', cpu_count: 4, total_memory_mb: 8192 },
    sampler: { kind: 'native', interval_ms: 1 },
    ...over,
  });
}

/** `n` records of model `model` with durations from `duration(i)`. */
export function series(
  model: string,
  n: number,
  duration: (i: number) => number = () => 1,
  over: (i: number) => Partial<OperationRecord> = () => ({}),
): OperationRecord[] {
  return Array.from({ length: n }, (_, i) =>
    rec({ model_name: model, duration_seconds: duration(i), ...over(i) }),
  );
}
