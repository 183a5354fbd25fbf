/**
 * Full records with known values: every field of the schema present, each derived from the
 * operation's `seq` unless overridden, so tests can compute what a store or a view must show.
 */
import {
  METRICS_FORMAT,
  type MetricsFileInput,
  type OperationRecordInput,
  type RunHeaderInput,
} from '@llmmon/core/schema';

export function runHeader(id: string, overrides: Partial<RunHeaderInput> = {}): RunHeaderInput {
  return {
    id,
    name: `run ${id}`,
    started_at: '2024-05-01T12:00:00.000Z',
    ended_at: '2024-05-01T12:10:00.000Z',
    tags: { branch: 'main' },
    host: {
      hostname: 'box',
      platform: 'linux',
      arch: 'x64',
      cpu_model: 'Test CPU',
      cpu_count: 2,
      total_memory_mb: 24_000,
      node_version: 'v20.20.2',
      gpus: [],
    },
    sampler: {
      kind: 'native',
      interval_ms: 1,
      gpu_backend: 'none',
      gpu_interval_ms: null,
      energy_source: 'none',
      reason: null,
    },
    ...overrides,
  };
}

/**
 * The fields of a run that used no GPU (its counters unknown), read no energy counter, attached
 * no other process and made no HTTP request.
 */
export const NO_GPU_NO_NETWORK = {
  gpu_util_avg_percent: null,
  gpu_util_peak_percent: null,
  gpu_memory_peak_mb: null,
  net_requests: 0,
  net_bytes_sent: 0,
  net_bytes_received: 0,
  gpu_memory_scope: null,
  gpu_process_util_avg_percent: null,
  gpu_process_util_peak_percent: null,
  gpu_busy_seconds: null,
  gpu_energy_joules: null,
  gpu_throttled: null,
  cpu_energy_joules: null,
  process_energy_joules: null,
  energy_joules: null,
  joules_per_output_token: null,
  processes: null,
  server_cpu_time_seconds: null,
  server_cpu_percent: null,
  server_peak_memory_mb: null,
  server_gpu_util_avg_percent: null,
  server_gpu_memory_peak_mb: null,
  server_gpu_busy_seconds: null,
  server_energy_joules: null,
  server_status: null,
  server_reason: null,
} as const;

/** A timeline sample's fields that a run without GPU or attached processes has null. */
export const NO_GPU_SAMPLE = {
  gpu_util_percent: null,
  gpu_memory_mb: null,
  gpu_power_watts: null,
  processes: null,
} as const;

/** One full operation record; every value derives from `seq` unless overridden. */
export function operation(runId: string | null, seq: number, overrides: Partial<OperationRecordInput> = {}) {
  const duration = 0.25 + (seq % 10) * 0.01;
  return {
    timestamp: new Date(Date.UTC(2024, 4, 1, 12, 0, 0) + seq * 1000).toISOString(),
    model_name: seq % 2 === 0 ? 'tiny-q8' : 'tiny-f16',
    operation: 'inference',
    text_length: 100 + seq,
    duration_seconds: duration,
    throughput_chars_per_sec: (100 + seq) / duration,
    cpu_delta_percent: 90 + (seq % 7),
    memory_delta_mb: 0.5,
    peak_memory_mb: 280 + (seq % 5),
    peak_cpu_percent: 100,
    system_cpu_percent: 50.5,
    system_memory_percent: 40.25,
    gpu_available: false,
    run_id: runId,
    seq,
    status: 'ok',
    error: null,
    cpu_time_seconds: duration * 0.9,
    avg_cpu_percent: 90,
    rss_start_mb: 279.5,
    rss_end_mb: 280,
    threads: [
      { tid: 1000 + seq, name: 'node', cpu_seconds: duration * 0.8 },
      { tid: null, name: '(exited threads)', cpu_seconds: duration * 0.1 },
    ],
    input_tokens: 20,
    output_tokens: 64,
    time_to_first_token_seconds: 0.02 + (seq % 3) * 0.001,
    tokens_per_sec: 300 + (seq % 4),
    inter_token_latency_seconds: 0.0033,
    ...NO_GPU_NO_NETWORK,
    sample_count: 250,
    sampler: 'native',
    metadata: { quantization: seq % 2 === 0 ? 'q8_0' : 'f16', prompt: seq % 5 },
    ...overrides,
  } satisfies OperationRecordInput;
}

/** A metrics file with `n` operations (two models), a few samples and one alert. */
export function metricsFile(
  runId: string,
  n = 20,
  op: (seq: number) => Partial<OperationRecordInput> = () => ({}),
): MetricsFileInput {
  return {
    format: METRICS_FORMAT,
    run: runHeader(runId),
    operations: Array.from({ length: n }, (_, seq) => operation(runId, seq, op(seq))),
    samples: Array.from({ length: 5 }, (_, i) => ({
      t: i * 0.1,
      cpu_percent: 50 + i,
      rss_mb: 280 + i,
      system_cpu_percent: 30,
      gpu_util_percent: null,
    })),
    alerts: [
      {
        timestamp: '2024-05-01T12:00:03.000Z',
        metric: 'peak_memory_mb',
        threshold: 282,
        value: 283,
        model_name: 'tiny-f16',
        operation: 'inference',
        seq: 3,
      },
    ],
  };
}

/**
 * The server README's example data (its example queries): three nightly runs of two models on one host; in the third, the q8
 * model is 25 % slower. Peak memory depends on the quantization in `metadata`.
 */
export function nightlyRuns(): MetricsFileInput[] {
  return [1, 1.02, 1.25].map((slowdown, r) => {
    const id = `nightly-${r + 1}`;
    const file = metricsFile(id, 120, (seq) => {
      const q8 = seq % 2 === 0;
      const duration = (0.2 + (seq % 97) * 0.001) * (q8 ? slowdown : 1);
      return {
        model_name: q8 ? 'tiny-q8' : 'tiny-f16',
        operation: seq % 50 === 0 ? 'warmup' : 'inference',
        duration_seconds: duration,
        throughput_chars_per_sec: (100 + seq) / duration,
        peak_memory_mb: q8 ? 180 + (seq % 7) : 310 + (seq % 5),
        metadata: { quantization: q8 ? 'q8_0' : 'f16' },
      };
    });
    file.run = runHeader(id, { name: `nightly ${r + 1}`, started_at: `2024-05-0${r + 1}T02:00:00.000Z` });
    file.run.host = { ...(file.run.host as object), hostname: 'ci-box' };
    return file;
  });
}
