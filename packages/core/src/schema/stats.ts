/**
 * Statistics shared by core, the server's docs and the dashboard. Browser-safe.
 *
 * Quantiles use linear interpolation between closest ranks (Hyndman & Fan type 7), the method of
 * DuckDB's `quantile_cont`, NumPy's default and Excel's PERCENTILE.INC, so the numbers a user gets
 * from core, from the dashboard and from SQL on the DuckDB file agree.
 */
import { LOAD_LEVEL_OPERATION } from './load-level.js';
import type { OperationRecord } from './operation.js';
import { studentTQuantile } from './student-t.js';

/** Quantile `q` ∈ [0, 1] of values sorted ascending; null for an empty list. */
export function quantileSorted(sorted: readonly number[], q: number): number | null {
  const n = sorted.length;
  if (n === 0) return null;
  if (q < 0 || q > 1 || Number.isNaN(q)) throw new RangeError(`quantile: q must be in [0, 1], got ${q}`);
  const pos = (n - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.min(lo + 1, n - 1);
  const a = sorted[lo]!;
  return a + (sorted[hi]! - a) * (pos - lo);
}

/** Quantile of unsorted values (copies and sorts). */
export function quantile(values: readonly number[], q: number): number | null {
  return quantileSorted(
    [...values].sort((a, b) => a - b),
    q,
  );
}

export function mean(values: readonly number[]): number | null {
  if (values.length === 0) return null;
  let sum = 0;
  for (const v of values) sum += v;
  return sum / values.length;
}

/** Sample standard deviation (n − 1); null below two values. */
export function stddev(values: readonly number[]): number | null {
  const n = values.length;
  if (n < 2) return null;
  const m = mean(values)!;
  let ss = 0;
  for (const v of values) ss += (v - m) ** 2;
  return Math.sqrt(ss / (n - 1));
}

/**
 * t such that P(|T| ≤ t) = 0.95 for Student's t with `df` degrees of freedom (≥ 1; fractional
 * too): the exact quantile t.ppf(0.975, df), not a rounded table.
 * @example studentT975(7) // 2.364624251592784
 */
export function studentT975(df: number): number {
  if (!(df >= 1)) throw new RangeError(`studentT975: df must be >= 1, got ${df}`);
  return studentTQuantile(0.975, df);
}

/** Half-width of the 95 % confidence interval of the mean (Student t); null below two values. */
export function marginOfError95(values: readonly number[]): number | null {
  const s = stddev(values);
  if (s === null) return null;
  return (studentT975(values.length - 1) * s) / Math.sqrt(values.length);
}

/** Descriptive statistics of one measurement series. */
export interface SeriesStats {
  n: number;
  mean: number | null;
  median: number | null;
  p95: number | null;
  min: number | null;
  max: number | null;
  stddev: number | null;
  /** Half-width of the 95 % confidence interval of the mean. */
  moe95: number | null;
}

export function summarize(values: readonly number[]): SeriesStats {
  const sorted = [...values].sort((a, b) => a - b);
  return {
    n: sorted.length,
    mean: mean(sorted),
    median: quantileSorted(sorted, 0.5),
    p95: quantileSorted(sorted, 0.95),
    min: sorted[0] ?? null,
    max: sorted[sorted.length - 1] ?? null,
    stddev: stddev(sorted),
    moe95: marginOfError95(sorted),
  };
}

/**
 * Modified z-scores (Iglewicz & Hoaglin): 0.6745 (x − median) / MAD. |score| > 3.5 marks an
 * outlier. When MAD is 0 (over half the values equal) every score is 0 except the values that
 * differ, which get ±Infinity.
 */
export function modifiedZScores(values: readonly number[]): number[] {
  const med = quantile(values, 0.5);
  if (med === null) return [];
  const mad = quantile(
    values.map((v) => Math.abs(v - med)),
    0.5,
  )!;
  return values.map((v) => {
    if (mad === 0) return v === med ? 0 : Math.sign(v - med) * Number.POSITIVE_INFINITY;
    return (0.6745 * (v - med)) / mad;
  });
}

export const OUTLIER_Z = 3.5;

/** Per-model statistics, as `getModelComparison()` returns them. */
export interface ModelStats {
  /** Operations counted (errors included; warm-up, load and load levels excluded by default). */
  operations: number;
  avg_duration_seconds: number | null;
  p50_duration_seconds: number | null;
  p95_duration_seconds: number | null;
  /** Mean of the operations' peak RSS (peak_memory_mb). */
  avg_memory_mb: number | null;
  /** Highest peak RSS of any operation. */
  peak_memory_mb: number | null;
  /** Mean of cpu_delta_percent. */
  avg_cpu_percent: number | null;
  /** Highest peak_cpu_percent (10 ms slices) of any operation. */
  peak_cpu_percent: number | null;
  /** Total characters ÷ total duration. */
  throughput_chars_per_sec: number | null;
  /** Operations per minute between the first start and the last end (concurrency included). */
  ops_per_minute: number | null;
  /** Mean of tokens_per_sec over the operations that have it. */
  avg_tokens_per_sec: number | null;
  /** Half-width of the 95 % confidence interval of avg_tokens_per_sec (Student t). */
  tokens_per_sec_moe95: number | null;
  /** Mean of time_to_first_token_seconds over the operations that have it. */
  avg_time_to_first_token_seconds: number | null;
  /** Median of time_to_first_token_seconds. */
  p50_time_to_first_token_seconds: number | null;
  /** Median of inter_token_latency_seconds. */
  p50_inter_token_latency_seconds: number | null;
  /** Sum of output_tokens (null when no operation has it). */
  output_tokens: number | null;
  /** Operations with status "error". */
  errors: number;
  /** Mean of gpu_util_avg_percent (device utilisation; null without a GPU backend). */
  avg_gpu_util_percent: number | null;
  /** Highest gpu_memory_peak_mb of any operation. */
  peak_gpu_memory_mb: number | null;
  /** Sum of energy_joules (what the energy counters measured; shared by concurrent operations). */
  energy_joules: number | null;
  /** Mean of joules_per_output_token. */
  avg_joules_per_output_token: number | null;
  /** Mean of server_cpu_percent (the attached `server` processes' CPU). */
  avg_server_cpu_percent: number | null;
  /** Mean of server_peak_memory_mb. */
  avg_server_memory_mb: number | null;
}

/**
 * Operation kinds left out of model statistics unless asked for: warm-ups, model loads, and the
 * summary operation of each `llmmon load` level (which spans its requests, counted on their own).
 */
export const DEFAULT_STATS_EXCLUDED_OPERATIONS: readonly string[] = ['warmup', 'load', LOAD_LEVEL_OPERATION];

export interface ModelStatsOptions {
  /** Operation kinds to leave out (default: warmup, load and load-level). */
  excludeOperations?: readonly string[];
}

const nums = (xs: readonly (number | null)[]) => xs.filter((x): x is number => x !== null);

/**
 * Largest value, or null for an empty list. A loop, not `Math.max(...values)`: spreading passes
 * every value as an argument and overflows the stack at ~150,000 of them.
 */
export function maxOrNull(values: readonly number[]): number | null {
  if (values.length === 0) return null;
  let max = Number.NEGATIVE_INFINITY;
  for (const v of values) if (v > max) max = v;
  return max;
}

/**
 * Statistics of one model's operations. Duration, memory, CPU and token figures are over the
 * operations that succeeded; `operations` and `errors` count every operation.
 */
export function modelStats(records: readonly OperationRecord[]): ModelStats {
  const ok = records.filter((r) => r.status !== 'error');
  const durations = ok.map((r) => r.duration_seconds).sort((a, b) => a - b);
  const peaks = nums(ok.map((r) => r.peak_memory_mb));
  const totalDuration = durations.reduce((a, b) => a + b, 0);
  const totalChars = ok.reduce((a, r) => a + r.text_length, 0);
  let first = Number.POSITIVE_INFINITY;
  let last = Number.NEGATIVE_INFINITY;
  for (const r of records) {
    const start = Date.parse(r.timestamp);
    if (Number.isNaN(start)) continue;
    first = Math.min(first, start);
    last = Math.max(last, start + r.duration_seconds * 1000);
  }
  const spanMinutes = (last - first) / 60_000;
  const tokensPerSec = nums(ok.map((r) => r.tokens_per_sec));
  const ttft = nums(ok.map((r) => r.time_to_first_token_seconds));
  const outputTokens = nums(ok.map((r) => r.output_tokens));
  const energy = nums(ok.map((r) => r.energy_joules));
  return {
    operations: records.length,
    avg_duration_seconds: mean(durations),
    p50_duration_seconds: quantileSorted(durations, 0.5),
    p95_duration_seconds: quantileSorted(durations, 0.95),
    avg_memory_mb: mean(peaks),
    peak_memory_mb: maxOrNull(peaks),
    avg_cpu_percent: mean(nums(ok.map((r) => r.cpu_delta_percent))),
    peak_cpu_percent: maxOrNull(nums(ok.map((r) => r.peak_cpu_percent))),
    throughput_chars_per_sec: totalDuration > 0 ? totalChars / totalDuration : null,
    ops_per_minute: spanMinutes > 0 ? records.length / spanMinutes : null,
    avg_tokens_per_sec: mean(tokensPerSec),
    tokens_per_sec_moe95: marginOfError95(tokensPerSec),
    avg_time_to_first_token_seconds: mean(ttft),
    p50_time_to_first_token_seconds: quantile(ttft, 0.5),
    p50_inter_token_latency_seconds: quantile(nums(ok.map((r) => r.inter_token_latency_seconds)), 0.5),
    output_tokens: outputTokens.length ? outputTokens.reduce((a, b) => a + b, 0) : null,
    errors: records.length - ok.length,
    avg_gpu_util_percent: mean(nums(ok.map((r) => r.gpu_util_avg_percent))),
    peak_gpu_memory_mb: maxOrNull(nums(ok.map((r) => r.gpu_memory_peak_mb))),
    energy_joules: energy.length ? energy.reduce((a, b) => a + b, 0) : null,
    avg_joules_per_output_token: mean(nums(ok.map((r) => r.joules_per_output_token))),
    avg_server_cpu_percent: mean(nums(ok.map((r) => r.server_cpu_percent))),
    avg_server_memory_mb: mean(nums(ok.map((r) => r.server_peak_memory_mb))),
  };
}

/**
 * The run-level throttling flag, derived from the operations: true when any operation saw a GPU
 * throttle, false when some said it did not and none did, null when none said either way (as
 * SQL's `bool_or` over `gpu_throttled`).
 */
export function runGpuThrottled(records: readonly Pick<OperationRecord, 'gpu_throttled'>[]): boolean | null {
  let flag: boolean | null = null;
  for (const r of records) {
    if (r.gpu_throttled === true) return true;
    if (r.gpu_throttled === false) flag = false;
  }
  return flag;
}

/** `ModelStats` per model, models in first-seen order. */
export function modelComparison(
  records: readonly OperationRecord[],
  options: ModelStatsOptions = {},
): Record<string, ModelStats> {
  const excluded = new Set(options.excludeOperations ?? DEFAULT_STATS_EXCLUDED_OPERATIONS);
  const byModel = new Map<string, OperationRecord[]>();
  for (const r of records) {
    if (excluded.has(r.operation)) continue;
    const list = byModel.get(r.model_name);
    if (list) list.push(r);
    else byModel.set(r.model_name, [r]);
  }
  return Object.fromEntries([...byModel].map(([model, list]) => [model, modelStats(list)]));
}
