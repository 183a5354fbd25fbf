/**
 * Per-model statistics in SQL with the definitions of `modelStats` in `@llmmon/core/schema`:
 * operation kinds in `exclude` are left out; `operations`/`errors` count every remaining
 * operation; duration, memory, CPU and token figures are over operations whose status is not
 * 'error' (original files have no status: they count as succeeded); quantiles are type 7
 * (`quantile_cont`, as core's `quantileSorted`); ops/minute spans first start to last end in
 * milliseconds as `Date.parse` reads them. One GROUP BY pass over the selected runs.
 */
import type { DuckDBConnection } from '@duckdb/node-api';
import type { RunModelStats } from '@llmmon/core/schema';
import { literal } from '../db/tables.js';
import type { SampleSummary } from '../stats/welch.js';

/** Per-operation fields whose means are compared with Welch's t-test. */
export const TESTED_FIELDS = [
  'duration_seconds',
  'throughput_chars_per_sec',
  'tokens_per_sec',
  'time_to_first_token_seconds',
  'peak_memory_mb',
  'cpu_delta_percent',
] as const;
export type TestedField = (typeof TESTED_FIELDS)[number];

export interface ModelStatsRow {
  run_id: string;
  model_name: string;
  stats: RunModelStats;
  /** n, mean, variance of each tested field over the succeeded operations. */
  samples: Record<TestedField, SampleSummary>;
}

const OK = `status IS DISTINCT FROM 'error'`;

/**
 * SQL of the per-(run, model) statistics; `where` selects the operations (without exclusions).
 * The inner query nulls out the values of failed operations once per column (aggregates skip
 * nulls), which costs a fraction of a FILTER clause on each of the thirty aggregates.
 */
export function modelStatsSql(where: string, exclude: readonly string[]): string {
  const excluded = exclude.length ? ` AND operation NOT IN (${exclude.map(literal).join(', ')})` : '';
  const okCols = new Set<string>([
    'duration_seconds',
    'peak_memory_mb',
    'cpu_delta_percent',
    'peak_cpu_percent',
    'text_length',
    'tokens_per_sec',
    'time_to_first_token_seconds',
    ...TESTED_FIELDS,
  ]);
  const inner = [...okCols].map((f) => `CASE WHEN ok THEN ${f} END AS ${f}`).join(', ');
  const tested = TESTED_FIELDS.map((f) => `count(${f}), avg(${f}), var_samp(${f})`).join(',\n    ');
  return `
SELECT run_id, model_name,
    count(*),
    count(*) FILTER (WHERE NOT ok),
    avg(duration_seconds),
    quantile_cont(duration_seconds, [0.5, 0.95, 0.99]),
    min(duration_seconds), max(duration_seconds), stddev_samp(duration_seconds),
    avg(peak_memory_mb), max(peak_memory_mb),
    avg(cpu_delta_percent), max(peak_cpu_percent),
    sum(text_length), sum(duration_seconds),
    min(start_ms), max(start_ms + all_duration * 1000),
    avg(tokens_per_sec), avg(time_to_first_token_seconds),
    ${tested},
    min(seq) AS first_seq
FROM (
  SELECT run_id, model_name, seq, ok, epoch_ms("timestamp") AS start_ms, all_duration, ${inner}
  FROM (
    SELECT *, ${OK} AS ok, duration_seconds AS all_duration
    FROM operations
    WHERE (${where})${excluded}
  )
)
GROUP BY run_id, model_name
ORDER BY run_id, first_seq, model_name`;
}

const num = (v: unknown) => (v == null ? null : Number(v));

/** Reads rows of `modelStatsSql` (JS values). */
export function toModelStatsRow(row: readonly unknown[]): ModelStatsRow {
  const [runId, model, n, errors, avgDur, q, minDur, maxDur, sdDur, avgMem, peakMem, avgCpu, peakCpu] = row;
  const [chars, totalDur, firstMs, lastMs, avgTps, avgTtft] = row.slice(13, 19);
  const quantiles = (q as (number | null)[] | null) ?? [null, null, null];
  const operations = Number(n);
  const spanMinutes = firstMs == null || lastMs == null ? 0 : (Number(lastMs) - Number(firstMs)) / 60_000;
  const total = num(totalDur);
  const samples = {} as Record<TestedField, SampleSummary>;
  TESTED_FIELDS.forEach((f, i) => {
    const base = 19 + i * 3;
    samples[f] = { n: Number(row[base]), mean: num(row[base + 1]), variance: num(row[base + 2]) };
  });
  return {
    run_id: String(runId),
    model_name: String(model),
    stats: {
      operations,
      avg_duration_seconds: num(avgDur),
      p50_duration_seconds: num(quantiles[0]),
      p95_duration_seconds: num(quantiles[1]),
      p99_duration_seconds: num(quantiles[2]),
      min_duration_seconds: num(minDur),
      max_duration_seconds: num(maxDur),
      stddev_duration_seconds: num(sdDur),
      avg_memory_mb: num(avgMem),
      peak_memory_mb: num(peakMem),
      avg_cpu_percent: num(avgCpu),
      peak_cpu_percent: num(peakCpu),
      throughput_chars_per_sec: total !== null && total > 0 ? Number(chars) / total : null,
      ops_per_minute: spanMinutes > 0 ? operations / spanMinutes : null,
      avg_tokens_per_sec: num(avgTps),
      avg_time_to_first_token_seconds: num(avgTtft),
      errors: Number(errors),
    },
    samples,
  };
}

/** Per-model statistics of the given runs, models in order of their first operation. */
export async function modelStats(
  c: DuckDBConnection,
  runIds: readonly string[],
  exclude: readonly string[],
): Promise<ModelStatsRow[]> {
  if (runIds.length === 0) return [];
  const where = `run_id IN (${runIds.map(literal).join(', ')})`;
  const reader = await c.runAndReadAll(modelStatsSql(where, exclude));
  return reader.getRowsJS().map(toModelStatsRow);
}
