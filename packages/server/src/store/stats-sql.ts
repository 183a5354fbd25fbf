/**
 * Per-model statistics in SQL with the definitions of `modelStats` in `@llmmon/core/schema`:
 * operation kinds in `exclude` are left out; `operations`/`errors` count every remaining
 * operation; duration, memory, CPU and token figures are over operations whose status is not
 * 'error' (original files have no status: they count as succeeded); quantiles are type 7
 * (`quantile_cont`, as core's `quantileSorted`); ops/minute spans first start to last end in
 * milliseconds as `Date.parse` reads them. One GROUP BY pass over the selected runs.
 */
import type { DuckDBConnection } from '@duckdb/node-api';
import { COMPARE_FAMILIES, type RunModelStats, studentT975 } from '@llmmon/core/schema';
import { SqlParams } from '../db/params.js';
import type { SampleSummary } from '../stats/welch.js';

/** Per-operation fields whose means are compared with Welch's t-test: one per compare family. */
export const TESTED_FIELDS = COMPARE_FAMILIES.map((f) => f.field);
export type TestedField = (typeof COMPARE_FAMILIES)[number]['field'];

export interface ModelStatsRow {
  run_id: string;
  model_name: string;
  stats: RunModelStats;
  /** n, mean, variance of each tested field over the succeeded operations. */
  samples: Record<TestedField, SampleSummary>;
}

/**
 * Statistics of the optional summary columns (GPU, energy, attached server), after the medians:
 * the SQL aggregate of each, in this order (core's `modelStats` computes the same).
 */
const OPTIONAL_STATS = [
  ['avg_gpu_util_percent', 'avg(gpu_util_avg_percent)'],
  ['peak_gpu_memory_mb', 'max(gpu_memory_peak_mb)'],
  ['energy_joules', 'sum(energy_joules)'],
  ['avg_joules_per_output_token', 'avg(joules_per_output_token)'],
  ['avg_server_cpu_percent', 'avg(server_cpu_percent)'],
  ['avg_server_memory_mb', 'avg(server_peak_memory_mb)'],
] as const satisfies readonly (readonly [keyof RunModelStats, string])[];
const OPTIONAL_SQL = OPTIONAL_STATS.map(([, sql]) => sql).join(', ');

/**
 * SQL of the per-(run, model) statistics; `where` selects the operations (without exclusions).
 * Rows are grouped by (run, model, ok): the aggregates of the `ok` group are the statistics,
 * and the counts, first seq and time span add up over both groups in `readModelStats`. This
 * spares a pass that would null out failed operations' values column by column (a FILTER on
 * each aggregate costs more still); failed operations are few, so their group is cheap.
 * Standard deviation is the square root of the tested variance (as `stddev_samp` is).
 */
export function modelStatsSql(where: string, exclude: readonly string[], params: SqlParams): string {
  const excluded = exclude.length ? ` AND operation NOT IN (${params.list(exclude)})` : '';
  const tested = TESTED_FIELDS.map((f) => `count(${f}), avg(${f}), var_samp(${f})`).join(',\n    ');
  return `
SELECT run_id, model_name, status IS DISTINCT FROM 'error' AS ok,
    count(*),
    quantile_cont(duration_seconds, [0.5, 0.95, 0.99]),
    min(duration_seconds), max(duration_seconds),
    max(peak_memory_mb), max(peak_cpu_percent),
    sum(text_length), sum(duration_seconds),
    min(epoch_ms("timestamp")), max(epoch_ms("timestamp") + duration_seconds * 1000),
    ${tested},
    quantile_cont(time_to_first_token_seconds, 0.5), quantile_cont(inter_token_latency_seconds, 0.5),
    sum(output_tokens),
    ${OPTIONAL_SQL},
    min(seq) AS first_seq,
    min(min(seq)) OVER (PARTITION BY run_id, model_name) AS model_first_seq
FROM operations
WHERE (${where})${excluded}
GROUP BY run_id, model_name, ok
ORDER BY run_id, model_first_seq, model_name, ok`;
}

const num = (v: unknown) => (v == null ? null : Number(v));
const TESTED_AT = 13;
/** The medians of TTFT and ITL and the sum of output tokens, after the tested fields. */
const MEDIANS_AT = TESTED_AT + 3 * TESTED_FIELDS.length;

function fieldSummary(row: readonly unknown[] | undefined, i: number): SampleSummary {
  const base = TESTED_AT + i * 3;
  return row
    ? { n: Number(row[base]), mean: num(row[base + 1]), variance: num(row[base + 2]) }
    : { n: 0, mean: null, variance: null };
}

/** Half-width of the 95 % confidence interval of a mean (core's `marginOfError95`). */
function moe95(sample: SampleSummary): number | null {
  if (sample.n < 2 || sample.variance === null) return null;
  return (studentT975(sample.n - 1) * Math.sqrt(sample.variance)) / Math.sqrt(sample.n);
}

/** One (run, model) from its failed-operations row and its succeeded-operations row. */
function modelStatsRow(
  failed: readonly unknown[] | undefined,
  ok: readonly unknown[] | undefined,
): ModelStatsRow {
  const any = (ok ?? failed)!;
  const operations = Number(ok?.[3] ?? 0) + Number(failed?.[3] ?? 0);
  const edge = (i: number) => [ok?.[i], failed?.[i]].filter((v) => v != null).map(Number);
  const firstMs = Math.min(...edge(11));
  const lastMs = Math.max(...edge(12));
  const spanMinutes = Number.isFinite(lastMs - firstMs) ? (lastMs - firstMs) / 60_000 : 0;
  const quantiles = (ok?.[4] as (number | null)[] | null | undefined) ?? [null, null, null];
  const total = num(ok?.[10]);
  const samples = {} as Record<TestedField, SampleSummary>;
  TESTED_FIELDS.forEach((f, i) => {
    samples[f] = fieldSummary(ok, i);
  });
  const mean = (f: TestedField) => samples[f].mean;
  const variance = samples.duration_seconds.variance;
  return {
    run_id: String(any[0]),
    model_name: String(any[1]),
    stats: {
      operations,
      avg_duration_seconds: mean('duration_seconds'),
      p50_duration_seconds: num(quantiles[0]),
      p95_duration_seconds: num(quantiles[1]),
      p99_duration_seconds: num(quantiles[2]),
      min_duration_seconds: num(ok?.[5]),
      max_duration_seconds: num(ok?.[6]),
      stddev_duration_seconds: variance === null ? null : Math.sqrt(variance),
      avg_memory_mb: mean('peak_memory_mb'),
      peak_memory_mb: num(ok?.[7]),
      avg_cpu_percent: mean('cpu_delta_percent'),
      peak_cpu_percent: num(ok?.[8]),
      throughput_chars_per_sec: total !== null && total > 0 ? Number(ok?.[9] ?? 0) / total : null,
      ops_per_minute: spanMinutes > 0 ? operations / spanMinutes : null,
      avg_tokens_per_sec: mean('tokens_per_sec'),
      tokens_per_sec_moe95: moe95(samples.tokens_per_sec),
      avg_time_to_first_token_seconds: mean('time_to_first_token_seconds'),
      p50_time_to_first_token_seconds: num(ok?.[MEDIANS_AT]),
      p50_inter_token_latency_seconds: num(ok?.[MEDIANS_AT + 1]),
      output_tokens: num(ok?.[MEDIANS_AT + 2]),
      errors: Number(failed?.[3] ?? 0),
      ...(Object.fromEntries(OPTIONAL_STATS.map(([key], i) => [key, num(ok?.[MEDIANS_AT + 3 + i])])) as Pick<
        RunModelStats,
        (typeof OPTIONAL_STATS)[number][0]
      >),
    },
    samples,
  };
}

/** Reads the rows of `modelStatsSql` (JS values), in its order: one entry per (run, model). */
export function readModelStats(rows: readonly (readonly unknown[])[]): ModelStatsRow[] {
  const out: ModelStatsRow[] = [];
  for (let i = 0; i < rows.length; i++) {
    const row = rows[i]!;
    const next = rows[i + 1];
    if (row[2] === false && next && next[0] === row[0] && next[1] === row[1]) {
      out.push(modelStatsRow(row, next));
      i++;
    } else {
      out.push(row[2] === false ? modelStatsRow(row, undefined) : modelStatsRow(undefined, row));
    }
  }
  return out;
}

/** Per-model statistics of the given runs, models in order of their first operation. */
export async function modelStats(
  c: DuckDBConnection,
  runIds: readonly string[],
  exclude: readonly string[],
): Promise<ModelStatsRow[]> {
  if (runIds.length === 0) return [];
  const params = new SqlParams();
  const where = `run_id IN (${params.list(runIds)})`;
  const reader = await c.runAndReadAll(modelStatsSql(where, exclude, params), params.values);
  return readModelStats(reader.getRowsJS());
}
