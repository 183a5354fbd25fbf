/**
 * Records as the original Python monitor wrote them: its thirteen fields only, in its order, with
 * its naive local timestamps (microseconds, no zone). Files of such records are bare arrays,
 * `{ "metrics": […] }` or `{ "operations": […] }`.
 */
import type { OperationRecord } from '@llmmon/core/schema';

/** The original monitor's thirteen fields (`ORIGINAL_OPERATION_COLUMNS`; original.test.ts checks the records hold exactly those). */
export type OriginalRecord = Pick<
  OperationRecord,
  | 'timestamp'
  | 'model_name'
  | 'operation'
  | 'text_length'
  | 'duration_seconds'
  | 'throughput_chars_per_sec'
  | 'cpu_delta_percent'
  | 'memory_delta_mb'
  | 'peak_memory_mb'
  | 'peak_cpu_percent'
  | 'system_cpu_percent'
  | 'system_memory_percent'
  | 'gpu_available'
>;

/** One record: a 1.5 s inference of `llama2` at 12:00:00.123456, unless overridden. */
export function originalRecord(over: Partial<Record<keyof OriginalRecord, unknown>> = {}): OriginalRecord {
  return {
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
    ...over,
  } as OriginalRecord;
}

/** `n` records one second apart, two models alternating (`distilgpt2`, `gpt2`), values from the index. */
export function originalRecords(n = 6): OriginalRecord[] {
  return Array.from({ length: n }, (_, i) =>
    originalRecord({
      timestamp: `2024-05-01T12:00:0${i}.123456`,
      model_name: i % 2 ? 'gpt2' : 'distilgpt2',
      text_length: 40 + i,
      duration_seconds: 0.5 + i / 10,
      throughput_chars_per_sec: (40 + i) / (0.5 + i / 10),
      cpu_delta_percent: 80,
      memory_delta_mb: 1.5,
      peak_memory_mb: 500 + i,
      peak_cpu_percent: 100,
      system_cpu_percent: 40,
      system_memory_percent: 50,
    }),
  );
}
