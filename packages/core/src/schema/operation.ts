/**
 * The operation record: one per tracked operation. It is the wire format, the file format, the
 * CSV columns and the DuckDB `operations` columns. The first thirteen fields keep the original
 * Python monitor's names and meanings so its files stay readable; the rest are llmmon's extensions
 * and are null where not known.
 */
import type { z } from 'zod';
import { field, LIMITS, objectSchema } from './field.js';

/** One thread's share of an operation's CPU time. */
export const THREAD_FIELDS = {
  tid: field.integerOrNull({
    min: 0,
    description:
      'OS thread id (Linux kernel tid, macOS 64-bit thread id); null for the "(exited threads)" remainder',
  }),
  name: field.text({ description: 'Thread name (Linux `comm`, macOS pthread name), or "(exited threads)"' }),
  cpu_seconds: field.float({
    unit: 'seconds',
    min: 0,
    description: 'CPU time (user + system) the thread used inside the operation',
  }),
} as const;

export const OPERATION_FIELDS = {
  // ── original fields (names and meanings of the original monitor) ────────────────────────
  timestamp: field.timestamp({ description: 'Start of the operation (ISO 8601)' }),
  model_name: field.text({ description: 'Model the operation ran on' }),
  operation: field.text({
    description: 'Kind of operation: inference, generate, embed, load, warmup, …',
  }),
  text_length: field.integer({
    unit: 'chars',
    min: 0,
    description: 'Length of the input text in characters',
  }),
  duration_seconds: field.float({ unit: 'seconds', min: 0, description: 'Wall time from start to end' }),
  throughput_chars_per_sec: field.floatOrNull({
    unit: 'chars/s',
    min: 0,
    description: 'text_length ÷ duration_seconds (null when the duration is 0)',
  }),
  cpu_delta_percent: field.floatOrNull({
    unit: 'percent',
    min: 0,
    description:
      'Process CPU time used during the operation ÷ wall time × 100; 100 = one core busy, may exceed 100',
  }),
  memory_delta_mb: field.floatOrNull({ unit: 'MB', description: 'RSS at end − RSS at start' }),
  peak_memory_mb: field.floatOrNull({
    unit: 'MB',
    min: 0,
    description: 'Highest RSS seen during the operation (absolute, not a delta)',
  }),
  peak_cpu_percent: field.floatOrNull({
    unit: 'percent',
    min: 0,
    description: 'Highest process CPU % over any 10 ms slice of the operation',
  }),
  system_cpu_percent: field.floatOrNull({
    unit: 'percent',
    min: 0,
    max: 100,
    description: 'Whole-machine CPU utilisation averaged over the operation (100 = all cores busy)',
  }),
  system_memory_percent: field.floatOrNull({
    unit: 'percent',
    min: 0,
    max: 100,
    description: 'Whole-machine memory in use at the end of the operation',
  }),
  gpu_available: field.boolean({ description: 'Whether a GPU backend with counters was available' }),

  // ── extensions ─────────────────────────────────────────────────────────────────────────
  run_id: field.idOrNull({ description: 'Run this operation belongs to' }),
  seq: field.integerOrNull({
    min: 0,
    description: 'Order of the operation within its run (0-based, by end time)',
  }),
  status: field.enumOrNull(['ok', 'error'], { description: '"ok", or "error" when the operation threw' }),
  error: field.textOrNull({
    maxLength: LIMITS.errorLength,
    description: 'Error message when status is "error"',
  }),
  cpu_time_seconds: field.floatOrNull({
    unit: 'seconds',
    min: 0,
    description: 'Process CPU time (user + system, all threads, exited ones too) used during the operation',
  }),
  avg_cpu_percent: field.floatOrNull({
    unit: 'percent',
    min: 0,
    description:
      "cpu_time_seconds ÷ the sampler window's wall time × 100 (= cpu_delta_percent; the window spans the operation, microseconds longer than duration_seconds)",
  }),
  rss_start_mb: field.floatOrNull({ unit: 'MB', min: 0, description: 'Resident set size at the start' }),
  rss_end_mb: field.floatOrNull({ unit: 'MB', min: 0, description: 'Resident set size at the end' }),
  threads: field.structListOrNull(THREAD_FIELDS, {
    description: 'Threads by CPU time used inside the operation, busiest first',
  }),
  input_tokens: field.integerOrNull({ unit: 'tokens', min: 0, description: 'Prompt tokens' }),
  output_tokens: field.integerOrNull({ unit: 'tokens', min: 0, description: 'Generated tokens' }),
  time_to_first_token_seconds: field.floatOrNull({
    unit: 'seconds',
    min: 0,
    description: 'First chunk − start (TTFT)',
  }),
  tokens_per_sec: field.floatOrNull({
    unit: 'tokens/s',
    min: 0,
    description: 'output_tokens ÷ decode time, where decode time = end − first chunk',
  }),
  inter_token_latency_seconds: field.floatOrNull({
    unit: 'seconds',
    min: 0,
    description: 'Decode time ÷ (output_tokens − 1)',
  }),
  gpu_util_avg_percent: field.floatOrNull({
    unit: 'percent',
    min: 0,
    max: 100,
    description: 'GPU utilisation averaged',
  }),
  gpu_util_peak_percent: field.floatOrNull({
    unit: 'percent',
    min: 0,
    max: 100,
    description: 'Highest GPU utilisation seen',
  }),
  gpu_memory_peak_mb: field.floatOrNull({
    unit: 'MB',
    min: 0,
    description: 'Highest GPU memory in use seen',
  }),
  net_requests: field.integerOrNull({
    unit: 'requests',
    min: 0,
    description: 'HTTP requests made inside the operation (fetch/undici and node:http)',
  }),
  net_bytes_sent: field.integerOrNull({
    unit: 'bytes',
    min: 0,
    description:
      'HTTP request bytes written to the connection: request line, headers, body (plaintext for HTTPS)',
  }),
  net_bytes_received: field.integerOrNull({
    unit: 'bytes',
    min: 0,
    description:
      'HTTP response bytes read from the connection: status line, headers, body (plaintext for HTTPS)',
  }),
  sample_count: field.integerOrNull({ min: 0, description: 'Sampler ticks inside the operation' }),
  sampler: field.enumOrNull(['native', 'js'], { description: 'Which sampler measured the operation' }),
  metadata: field.jsonOrNull({ description: 'Free JSON the caller attached' }),
} as const;

export const OperationRecordSchema = objectSchema(OPERATION_FIELDS);

/** A validated operation record (every field present; unknown ones null). */
export type OperationRecord = z.output<typeof OperationRecordSchema>;
/** What validation accepts: extension fields may be missing (original monitor files). */
export type OperationRecordInput = z.input<typeof OperationRecordSchema>;
export type ThreadCpu = NonNullable<OperationRecord['threads']>[number];

export type OperationField = keyof typeof OPERATION_FIELDS;
/** Field names in column order: CSV header, DuckDB columns. */
export const OPERATION_COLUMNS = Object.keys(OPERATION_FIELDS) as OperationField[];
/** The original monitor's fields, in its order. */
export const ORIGINAL_OPERATION_COLUMNS = OPERATION_COLUMNS.slice(0, 13);
