/**
 * Seeded synthetic metrics files, for the dashboard's tests, its render measurement and demos. Every
 * number is drawn from a fixed-seed generator, so a given `options` object always gives the same
 * file, and tests can count what the dashboard must draw from it. Not a measurement: the run is
 * named `synthetic` and tagged `synthetic: true` so it can never pass for one.
 */
import { alertsFor } from '@llmmon/core';
import { mulberry32 as rng } from '@llmmon/core/random';
import { METRICS_FORMAT, type MetricsFile, type OperationRecord, type Sample } from '@llmmon/core/schema';
import { NO_GPU_NO_NETWORK, NO_GPU_SAMPLE } from './records.js';

export interface SyntheticOptions {
  /** Operations in the run (load and warm-up operations included). Default 200. */
  operations?: number;
  /** Models, operations dealt round-robin between them. Default three. */
  models?: readonly string[];
  /** Timeline samples; default one per 100 ms of run time, capped at 10,000. 0 for none. */
  samples?: number;
  /** Share of operations that fail (status "error"). Default 0.01. */
  errorRate?: number;
  /** Whether operations carry token counts (streaming). Default true. */
  tokens?: boolean;
  /** Which sampler to claim; `js` leaves the per-thread figures out, as the fallback does. */
  sampler?: 'native' | 'js';
  /** Seed of the generator. Default 1. */
  seed?: number;
  /** Run start. Default 2024-05-01T12:00:00Z. */
  startedAt?: string;
}

export const SYNTHETIC_MODELS = ['tinyllama-q8_0', 'phi-mini-f16', 'qwen-0.5b-q4'] as const;

/**
 * A whole `llmmon.metrics/1` file with realistic shapes: per-model speed and memory, a warm-up
 * effect, token streaming figures, per-thread CPU, a resource timeline and a few alerts.
 * @example
 * const file = syntheticMetrics({ operations: 1000 });
 * await writeFile('metrics_synthetic.json', JSON.stringify(file));
 */
export function syntheticMetrics(options: SyntheticOptions = {}): MetricsFile {
  const n = options.operations ?? 200;
  const models = options.models ?? SYNTHETIC_MODELS;
  const errorRate = options.errorRate ?? 0.01;
  const withTokens = options.tokens ?? true;
  const sampler = options.sampler ?? 'native';
  const rand = rng(options.seed ?? 1);
  const gauss = () => Math.sqrt(-2 * Math.log(1 - rand())) * Math.cos(2 * Math.PI * rand());
  const startMs = Date.parse(options.startedAt ?? '2024-05-01T12:00:00.000Z');
  const runId = `synthetic-${options.seed ?? 1}-${n}`;

  const operations: OperationRecord[] = [];
  const seen = new Map<string, number>();
  let clock = 0.05; // seconds since run start
  let rss = 180;
  for (let seq = 0; seq < n; seq++) {
    const m = seq % models.length;
    const model = models[m]!;
    const k = seen.get(model) ?? 0;
    seen.set(model, k + 1);
    const operation = k === 0 ? 'load' : k <= 2 ? 'warmup' : 'inference';
    const speed = 1 + m * 0.8; // later models are slower
    const warm = operation === 'warmup' ? 2.5 : operation === 'load' ? 4 : 1;
    const duration = Math.max(0.005, 0.12 * speed * warm * Math.exp(0.25 * gauss()));
    const textLength = 40 + Math.floor(rand() * 400);
    const failed = operation === 'inference' && rand() < errorRate;
    const cpuSeconds = duration * (1.6 + 0.3 * rand());
    const rssStart = rss;
    rss = Math.max(150, rss + (operation === 'load' ? 120 + 60 * m : 0.4 * gauss()));
    const peak = Math.max(rssStart, rss) + 5 + 10 * rand();
    const outTokens = withTokens && operation !== 'load' && !failed ? 16 + Math.floor(rand() * 48) : null;
    const ttft = outTokens === null ? null : duration * (0.15 + 0.1 * rand());
    const threads =
      sampler === 'native'
        ? [
            { tid: 4100, name: 'node', cpu_seconds: cpuSeconds * 0.55 },
            { tid: 4107, name: 'llama-worker', cpu_seconds: cpuSeconds * 0.25 },
            { tid: 4108, name: 'llama-worker', cpu_seconds: cpuSeconds * 0.12 },
            { tid: null, name: '(exited threads)', cpu_seconds: cpuSeconds * 0.08 },
          ]
        : null;
    const cpuPercent = (cpuSeconds / duration) * 100;
    const peakCpu = sampler === 'native' ? cpuPercent * (1.1 + 0.2 * rand()) : null;
    const rec: OperationRecord = {
      timestamp: new Date(startMs + clock * 1000).toISOString(),
      model_name: model,
      operation,
      text_length: textLength,
      duration_seconds: duration,
      throughput_chars_per_sec: textLength / duration,
      cpu_delta_percent: cpuPercent,
      memory_delta_mb: rss - rssStart,
      peak_memory_mb: peak,
      peak_cpu_percent: peakCpu,
      system_cpu_percent: 40 + 20 * rand(),
      system_memory_percent: 35 + rss / 100,
      gpu_available: false,
      run_id: runId,
      seq,
      status: failed ? 'error' : 'ok',
      error: failed ? 'context window exceeded (synthetic)' : null,
      cpu_time_seconds: cpuSeconds,
      avg_cpu_percent: cpuPercent,
      rss_start_mb: rssStart,
      rss_end_mb: rss,
      threads,
      input_tokens: withTokens ? Math.ceil(textLength / 4) : null,
      output_tokens: outTokens,
      time_to_first_token_seconds: ttft,
      tokens_per_sec: outTokens === null || ttft === null ? null : outTokens / (duration - ttft),
      inter_token_latency_seconds:
        outTokens === null || ttft === null ? null : (duration - ttft) / Math.max(1, outTokens - 1),
      ...NO_GPU_NO_NETWORK,
      sample_count: sampler === 'native' ? Math.round(duration * 1000) : Math.round(duration * 10),
      sampler,
      metadata: null,
    };
    operations.push(rec);
    clock += duration + 0.01 + 0.02 * rand();
  }

  const runSeconds = clock;
  const sampleCount = options.samples ?? Math.min(10_000, Math.floor(runSeconds * 10));
  const samples: Sample[] = [];
  let op = 0;
  for (let i = 0; i < sampleCount; i++) {
    const t = ((i + 1) / sampleCount) * runSeconds;
    // The process is busy while an operation is running, idle in the gaps between them.
    while (op < n - 1 && Date.parse(operations[op + 1]!.timestamp) - startMs <= t * 1000) op++;
    const o = operations[op]!;
    const inside = t * 1000 <= Date.parse(o.timestamp) - startMs + o.duration_seconds * 1000;
    const cpu = inside ? o.cpu_delta_percent! * (0.85 + 0.3 * rand()) : 2 * rand();
    samples.push({
      t,
      cpu_percent: cpu,
      cpu_peak_percent: cpu * (1 + 0.2 * rand()),
      rss_mb: o.rss_end_mb!,
      system_cpu_percent: inside ? 45 + 15 * rand() : 8 + 4 * rand(),
      ...NO_GPU_SAMPLE,
      tick_interval_ms: inside ? 1 : 100,
    });
  }

  return {
    format: METRICS_FORMAT,
    run: {
      id: runId,
      name: 'synthetic',
      started_at: new Date(startMs).toISOString(),
      ended_at: new Date(startMs + runSeconds * 1000).toISOString(),
      tags: { synthetic: true },
      host: {
        hostname: 'synthetic-host',
        platform: 'linux',
        arch: 'x64',
        cpu_model: 'Synthetic CPU @ 2.0GHz',
        cpu_count: 2,
        total_memory_mb: 8192,
        node_version: 'v20.20.2',
        gpus: [],
      },
      sampler: {
        kind: sampler,
        interval_ms: sampler === 'native' ? 1 : 100,
        idle_interval_ms: sampler === 'native' ? 100 : null,
        gpu_backend: 'none',
        gpu_interval_ms: sampler === 'native' ? 100 : null,
        energy_source: 'none',
        reason: sampler === 'js' ? 'native sampler not built (synthetic)' : null,
      },
      attached: null,
    },
    operations,
    samples,
    // As a monitor with this threshold raises them: fired when a model goes above, resolved below.
    alerts: alertsFor(operations, { peak_cpu_percent: 230 }),
  };
}
