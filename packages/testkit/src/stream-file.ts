/**
 * Large metrics files for the store's performance measurements: full records with seeded random
 * values, streamed to disk so that a million operations never sit in memory at once.
 */
import { createWriteStream, statSync } from 'node:fs';
import { mulberry32 } from '@llmmon/core/random';
import { METRICS_FORMAT } from '@llmmon/core/schema';
import { NO_GPU_NO_NETWORK } from './records.js';

/** Models the random operations are dealt to: `model-0` … `model-3`. */
export const RANDOM_MODEL_COUNT = 4;

/** One full operation record as core writes it (every field present, most non-null), values from `rnd`. */
export function randomOperation(runId: string, seq: number, rnd: () => number) {
  const duration = 0.05 + rnd() * 0.5;
  const chars = 64 + Math.floor(rnd() * 512);
  const cpu = duration * (0.8 + rnd() * 0.4);
  return {
    timestamp: new Date(Date.UTC(2024, 4, 1) + seq * 300).toISOString(),
    model_name: `model-${seq % RANDOM_MODEL_COUNT}`,
    operation: seq % 100 === 0 ? 'warmup' : 'inference',
    text_length: chars,
    duration_seconds: duration,
    throughput_chars_per_sec: chars / duration,
    cpu_delta_percent: (cpu / duration) * 100,
    memory_delta_mb: rnd() * 2 - 1,
    peak_memory_mb: 250 + rnd() * 60,
    peak_cpu_percent: 100 + rnd() * 100,
    system_cpu_percent: 40 + rnd() * 20,
    system_memory_percent: 35 + rnd() * 5,
    gpu_available: false,
    run_id: runId,
    seq,
    status: seq % 997 === 0 ? 'error' : 'ok',
    error: seq % 997 === 0 ? 'synthetic failure' : null,
    cpu_time_seconds: cpu,
    avg_cpu_percent: (cpu / duration) * 100,
    rss_start_mb: 250,
    rss_end_mb: 250.5,
    threads: [
      { tid: 4242, name: 'node', cpu_seconds: cpu * 0.7 },
      { tid: null, name: '(exited threads)', cpu_seconds: cpu * 0.3 },
    ],
    input_tokens: 16 + Math.floor(rnd() * 64),
    output_tokens: 64,
    time_to_first_token_seconds: 0.01 + rnd() * 0.02,
    tokens_per_sec: 64 / duration,
    inter_token_latency_seconds: duration / 63,
    ...NO_GPU_NO_NETWORK,
    sample_count: Math.round(duration * 1000),
    sampler: 'native',
    metadata: { quantization: seq % 2 ? 'q8_0' : 'f16', prompt: seq % 16 },
  };
}

/**
 * Streams a metrics file of `n` operations to `path`; returns its size in bytes. `hostname` and
 * `seed` make the runs of a simulated fleet (default: host `perf`, seed 1).
 */
export async function writeMetricsFile(
  path: string,
  runId: string,
  n: number,
  { hostname = 'perf', seed = 1 }: { hostname?: string; seed?: number } = {},
): Promise<number> {
  const out = createWriteStream(path);
  const write = (s: string) =>
    out.write(s) ? Promise.resolve() : new Promise<void>((r) => out.once('drain', () => r()));
  const run = {
    id: runId,
    name: 'store perf',
    started_at: '2024-05-01T00:00:00.000Z',
    ended_at: null,
    tags: { perf: 'store' },
    host: {
      hostname,
      platform: 'linux',
      arch: 'x64',
      cpu_model: null,
      cpu_count: 2,
      total_memory_mb: null,
      node_version: process.version,
      gpus: [],
    },
    sampler: { kind: 'native', interval_ms: 1, gpu_backend: 'none', reason: null },
  };
  await write(`{"format":"${METRICS_FORMAT}","run":${JSON.stringify(run)},"operations":[`);
  const rnd = mulberry32(seed);
  const batch: string[] = [];
  for (let i = 0; i < n; i++) {
    batch.push(JSON.stringify(randomOperation(runId, i, rnd)));
    if (batch.length === 5000 || i === n - 1) {
      await write((i >= batch.length ? ',' : '') + batch.join(','));
      batch.length = 0;
    }
  }
  const samples = Array.from({ length: 1000 }, (_, i) => ({
    t: i * 0.05,
    cpu_percent: 100,
    rss_mb: 260,
    system_cpu_percent: 50,
    gpu_util_percent: null,
  }));
  await write(`],"samples":${JSON.stringify(samples)},"alerts":[]}`);
  await new Promise<void>((resolve, reject) =>
    out.end((err?: Error | null) => (err ? reject(err) : resolve())),
  );
  return statSync(path).size;
}
