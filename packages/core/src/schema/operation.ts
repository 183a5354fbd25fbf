/**
 * The operation record: one per tracked operation. It is the wire format, the file format, the
 * CSV columns and the DuckDB `operations` columns. The first thirteen fields keep the original
 * Python monitor's names and meanings so its files stay readable; the rest are llmmon's extensions
 * and are null where not known.
 */
import type { z } from 'zod';
import { field, LIMITS, objectSchema } from './field.js';
import { MAX_GPU_PERCENT, PROCESS_FIELDS, PROCESS_STATUSES } from './process.js';
import { THREAD_FIELDS } from './thread.js';

export { THREAD_FIELDS } from './thread.js';

/** Energy in joules over the operation: counters read at its start and end, never integrated power. */
const joules = (description: string) => field.floatOrNull({ unit: 'J', min: 0, description });

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
    max: MAX_GPU_PERCENT,
    description:
      "GPU utilisation of the devices this process used (else all), every process's work: mean of the GPU loop's readings; adds up over devices (100 = one busy)",
  }),
  gpu_util_peak_percent: field.floatOrNull({
    unit: 'percent',
    min: 0,
    max: MAX_GPU_PERCENT,
    description: 'Highest GPU loop reading of gpu_util_avg_percent during the operation',
  }),
  gpu_memory_peak_mb: field.floatOrNull({
    unit: 'MB',
    min: 0,
    description:
      "Highest GPU memory seen: this process's where the backend lists it per process, else the devices' in use by every process (gpu_memory_scope)",
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
  gpu_memory_scope: field.enumOrNull(['process', 'device'], {
    description:
      'Whose memory gpu_memory_peak_mb is: this process (`process`) or every process on the devices (`device`)',
  }),
  gpu_process_util_avg_percent: field.floatOrNull({
    unit: 'percent',
    min: 0,
    max: MAX_GPU_PERCENT,
    description:
      "This process's GPU utilisation: gpu_busy_seconds ÷ wall time (DRM, Apple) or the mean of NVML's per-process samples",
  }),
  gpu_process_util_peak_percent: field.floatOrNull({
    unit: 'percent',
    min: 0,
    max: MAX_GPU_PERCENT,
    description: "Highest reading of this process's GPU utilisation during the operation",
  }),
  gpu_busy_seconds: field.floatOrNull({
    unit: 'seconds',
    min: 0,
    description:
      "This process's GPU engine time (busiest engine per device) during the operation; null where the API has none (NVML)",
  }),
  gpu_energy_joules: joules(
    'Energy counters of the GPUs this process used (else all), end − start: device-wide, so concurrent operations share it',
  ),
  gpu_throttled: field.booleanOrNull({
    description:
      'A GPU reported power or thermal throttling during the operation; null: no reading said either way',
  }),
  cpu_energy_joules: joules(
    'CPU package energy (RAPL; macOS: IOReport CPU), end − start: the whole package, shared by every process and concurrent operation',
  ),
  process_energy_joules: joules(
    "This process's own energy counter (macOS `ri_energy_nj`, Apple silicon); null where the OS has none (Linux)",
  ),
  energy_joules: joules(
    'Sum of what was measured: gpu_energy_joules + cpu_energy_joules + the other machine channels (DRAM, Apple ANE); null when none was',
  ),
  joules_per_output_token: field.floatOrNull({
    unit: 'J/token',
    min: 0,
    description: 'energy_joules ÷ output_tokens (null when either is null or no token was generated)',
  }),
  processes: field.structListOrNull(PROCESS_FIELDS, {
    description:
      'Attached processes (a local model server) and what the operation cost in each; null when none is attached',
  }),
  server_cpu_time_seconds: field.floatOrNull({
    unit: 'seconds',
    min: 0,
    description: "Sum of the `server` processes' cpu_time_seconds; null when none of them has one",
  }),
  server_cpu_percent: field.floatOrNull({
    unit: 'percent',
    min: 0,
    description: 'server_cpu_time_seconds ÷ duration_seconds × 100 (100 = one core busy)',
  }),
  server_peak_memory_mb: field.floatOrNull({
    unit: 'MB',
    min: 0,
    description:
      "Sum of the `server` processes' peak RSS (each one's highest; their sum bounds their joint peak from above)",
  }),
  server_gpu_util_avg_percent: field.floatOrNull({
    unit: 'percent',
    min: 0,
    max: MAX_GPU_PERCENT,
    description: "Sum of the `server` processes' own GPU utilisation (gpu_process_util_avg_percent)",
  }),
  server_gpu_memory_peak_mb: field.floatOrNull({
    unit: 'MB',
    min: 0,
    description: "Sum of the `server` processes' GPU memory peaks",
  }),
  server_gpu_busy_seconds: field.floatOrNull({
    unit: 'seconds',
    min: 0,
    description: "Sum of the `server` processes' GPU engine time",
  }),
  server_energy_joules: joules("Sum of the `server` processes' own energy counters (macOS)"),
  server_status: field.enumOrNull(PROCESS_STATUSES, {
    description:
      '`ok` when every `server` process was read throughout, else the first other status; null: no server',
  }),
  server_reason: field.textOrNull({
    maxLength: LIMITS.textLength,
    description: "The `server` processes' reasons (pid: reason; …) when a figure is missing or ends early",
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
