/**
 * Request and response shapes of the server's HTTP API (`@llmmon/server`, documented endpoint by
 * endpoint in `packages/server/API.md`), shared with the dashboard's served mode. Query-string and
 * JSON-body inputs are zod schemas (the server validates with them); responses are plain types.
 * Browser-safe. Every error response is `ApiError` with a 4xx/5xx status.
 */
import { z } from 'zod';
import type { Alert } from './alert.js';
import type { MetricsFile } from './metrics-file.js';
import { OPERATION_COLUMNS, type OperationRecord } from './operation.js';
import type { RunHeader } from './run.js';
import type { Sample } from './sample.js';
import type { ModelStats } from './stats.js';
import { SUMMARY_COLUMN, type SummaryColumn } from './summary.js';

/** Every 4xx/5xx answer: one line naming the problem (and the field, for bad input). */
export interface ApiError {
  error: string;
}

// ── query-string and body inputs ──────────────────────────────────────────────────────────────

/** A comma-separated list in a query string (`a,b,c`); blanks dropped. */
const csvList = z.string().transform((s) =>
  s
    .split(',')
    .map((x) => x.trim())
    .filter((x) => x !== ''),
);

const limit = (max: number, fallback: number) => z.coerce.number().int().min(1).max(max).default(fallback);
const offset = () => z.coerce.number().int().min(0).default(0);

/**
 * `exclude_operations`: operation kinds left out of model statistics, comma-separated. Missing =
 * the default (`warmup,load,load-level`, as `modelComparison` does); empty (`exclude_operations=`) = none.
 */
export const ExcludeOperationsQuerySchema = z.object({
  exclude_operations: csvList.optional(),
});

/** `POST /api/runs` query: names for original-monitor files, which carry no run header. */
export const IngestQuerySchema = z.object({
  run_id: z.string().min(1).max(200).optional(),
  name: z.string().max(500).optional(),
});

/** `GET /api/runs` query. */
export const RunsQuerySchema = z.object({
  /** Only runs that have operations of this model. */
  model: z.string().min(1).optional(),
  limit: limit(10_000, 100),
  offset: offset(),
});

/** Columns `GET /api/runs/:id/operations` can sort by: every operation column except the nested ones. */
export const OPERATION_SORT_COLUMNS = OPERATION_COLUMNS.filter((c) => c !== 'threads' && c !== 'metadata');

/** `GET /api/runs/:id/operations` query: filter, sort and page. */
export const OperationsQuerySchema = z.object({
  model: z.string().min(1).optional(),
  operation: z.string().min(1).optional(),
  status: z.enum(['ok', 'error']).optional(),
  sort: z.enum(OPERATION_SORT_COLUMNS as [string, ...string[]]).default('seq'),
  order: z.enum(['asc', 'desc']).default('asc'),
  limit: limit(100_000, 1000),
  offset: offset(),
});

/** `GET /api/runs/:id/samples` query: `max_points` downsamples evenly (keeps each bucket's peak RSS). */
export const SamplesQuerySchema = z.object({
  max_points: z.coerce.number().int().min(2).max(1_000_000).optional(),
});

/** `GET /api/compare` query: two or more run ids; the first is the baseline. */
export const CompareQuerySchema = ExcludeOperationsQuerySchema.extend({
  runs: csvList.pipe(
    z
      .array(z.string())
      .min(2, 'give at least two run ids, comma-separated')
      .max(20, 'at most 20 runs')
      .refine((ids) => new Set(ids).size === ids.length, 'a run id is listed twice'),
  ),
  alpha: z.coerce.number().gt(0).lt(1).default(0.05),
});

/** `GET /api/models/:model/history` query. */
export const HistoryQuerySchema = ExcludeOperationsQuerySchema.extend({
  limit: limit(10_000, 100),
});

export const QUERY_FORMATS = ['json', 'csv', 'parquet'] as const;
export type QueryFormat = (typeof QUERY_FORMATS)[number];

/** `POST /api/query` body: one read-only SQL query (SELECT / WITH … SELECT / VALUES …). */
export const QueryRequestSchema = z.object({
  sql: z.string().trim().min(1, 'sql is empty').max(100_000),
  format: z.enum(QUERY_FORMATS).default('json'),
  /** Most rows returned; more sets `truncated` (JSON) or the `X-Llmmon-Truncated` header (CSV); a Parquet answer with more is refused. */
  max_rows: z.number().int().min(1).max(1_000_000).optional(),
  /** Values of the query's `$1`, `$2`, … (or `?`) placeholders, in order: values never go into SQL text. */
  params: z
    .array(z.union([z.string().max(100_000), z.number(), z.boolean(), z.null()]))
    .max(100)
    .optional(),
});
export type QueryRequest = z.input<typeof QueryRequestSchema>;

/** `GET /api/live` query: only events of one run (default: every run). */
export const LiveQuerySchema = z.object({
  run: z.string().min(1).optional(),
});

// ── responses ─────────────────────────────────────────────────────────────────────────────────

/** `GET /api/health`. */
export interface HealthResponse {
  status: 'ok';
  version: string;
  /** Absolute path of the DuckDB file. */
  db: string;
  schema_version: number;
  runs: number;
  operations: number;
  /** Whether writes and /api/query need `Authorization: Bearer <LLMMON_TOKEN>`. */
  auth: boolean;
  uptime_seconds: number;
}

/** Rows received, newly stored and skipped as already stored (idempotent retries). */
export interface IngestCounts {
  received: number;
  inserted: number;
  duplicates: number;
}

/** `POST /api/runs`, `POST /api/runs/:id/operations`, `POST /api/runs/:id/samples` (201 when the run is new). */
export interface IngestResponse {
  run_id: string;
  /** true when this request created the run. */
  created: boolean;
  operations: IngestCounts;
  samples: IngestCounts;
  alerts: IngestCounts;
}

/** A run as listed: its header plus a summary of what is stored for it. */
export interface RunSummary extends RunHeader {
  /** Operations stored (every kind and status). */
  operations: number;
  /** Operations with status "error". */
  errors: number;
  /** Models, in order of their first operation. */
  models: string[];
  /** Operation kinds, in order of their first appearance. */
  operation_kinds: string[];
  samples: number;
  alerts: number;
  /** Earliest operation start, ISO 8601 (null without operations). */
  first_operation_at: string | null;
  /** Latest operation end (start + duration), ISO 8601 (null without operations, or beyond any date). */
  last_operation_end_at: string | null;
  /** Sum of duration_seconds over every operation. */
  total_duration_seconds: number;
  /** When the server first stored the run, and last added to it. */
  ingested_at: string;
  updated_at: string;
}

/** `GET /api/runs`: newest first (by started_at). */
export interface RunsResponse {
  total: number;
  limit: number;
  offset: number;
  runs: RunSummary[];
}

/**
 * `ModelStats` (same definitions as `modelStats`: durations, memory, CPU and token figures over
 * the operations whose status is not "error") plus the server's extra duration figures.
 */
export interface RunModelStats extends ModelStats {
  p99_duration_seconds: number | null;
  min_duration_seconds: number | null;
  max_duration_seconds: number | null;
  /** Sample standard deviation (n − 1) of the durations; null below two. */
  stddev_duration_seconds: number | null;
}

/** `GET /api/runs/:id`. */
export interface RunDetailResponse {
  run: RunSummary;
  /** Operation kinds left out of `models` (default warmup, load and load-level). */
  excluded_operations: string[];
  /** Per-model statistics, models in order of their first operation. */
  models: Record<string, RunModelStats>;
  alerts: Alert[];
}

/** `GET /api/runs/:id/operations`. */
export interface OperationsResponse {
  run_id: string;
  /** Operations matching the filter (before paging). */
  total: number;
  limit: number;
  offset: number;
  sort: string;
  order: 'asc' | 'desc';
  operations: OperationRecord[];
}

/** `GET /api/runs/:id/samples`: timeline in time order. */
export interface SamplesResponse {
  run_id: string;
  /** Samples stored for the run. */
  total: number;
  /** true when `max_points` thinned the series. */
  downsampled: boolean;
  samples: Sample[];
}

/** `GET /api/runs/:id/export.json`: the run as a metrics file (`llmmon.metrics/1`). */
export type RunExportResponse = MetricsFile;

/** `DELETE /api/runs/:id`: what was removed. */
export interface DeleteRunResponse {
  deleted: string;
  operations: number;
  samples: number;
  alerts: number;
}

/** Metrics `GET /api/compare` sets side by side (`RunModelStats` keys). */
export const COMPARE_METRICS = [
  'operations',
  'errors',
  'avg_duration_seconds',
  'p50_duration_seconds',
  'p95_duration_seconds',
  'p99_duration_seconds',
  'throughput_chars_per_sec',
  'ops_per_minute',
  'avg_memory_mb',
  'peak_memory_mb',
  'avg_cpu_percent',
  'peak_cpu_percent',
  'avg_tokens_per_sec',
  'avg_time_to_first_token_seconds',
  'p50_time_to_first_token_seconds',
  'p50_inter_token_latency_seconds',
] as const satisfies readonly (keyof RunModelStats)[];
export type CompareMetric = (typeof COMPARE_METRICS)[number];

/**
 * How a comparison judges each metric family: one Welch t-test per family, on the per-operation
 * values of `field` (so its `metric`, the mean, is the statistic the test is about), and which
 * direction is worse. Every metric of the family (mean, p50, p95 … of the same field) shares the
 * family's verdict; displays show it once per family, with the test.
 */
export const COMPARE_FAMILIES = [
  {
    family: 'duration',
    label: 'duration',
    metric: 'avg_duration_seconds',
    field: 'duration_seconds',
    up: 'slower',
  },
  {
    family: 'ttft',
    label: 'TTFT',
    metric: 'avg_time_to_first_token_seconds',
    field: 'time_to_first_token_seconds',
    up: 'slower',
  },
  { family: 'tokens', label: 'tok/s', metric: 'avg_tokens_per_sec', field: 'tokens_per_sec', up: 'faster' },
  {
    family: 'throughput',
    label: 'chars/s',
    metric: 'throughput_chars_per_sec',
    field: 'throughput_chars_per_sec',
    up: 'faster',
  },
  { family: 'memory', label: 'memory', metric: 'avg_memory_mb', field: 'peak_memory_mb', up: 'higher' },
  { family: 'cpu', label: 'CPU', metric: 'avg_cpu_percent', field: 'cpu_delta_percent', up: 'higher' },
] as const satisfies readonly {
  family: string;
  label: string;
  metric: CompareMetric;
  field: string;
  up: 'slower' | 'faster' | 'higher';
}[];
export type CompareFamily = (typeof COMPARE_FAMILIES)[number]['family'];

/** The family each compared metric belongs to (null: a count or maximum, not tested). */
export const COMPARE_METRIC_FAMILY: Readonly<Record<CompareMetric, CompareFamily | null>> = {
  operations: null,
  errors: null,
  avg_duration_seconds: 'duration',
  p50_duration_seconds: 'duration',
  p95_duration_seconds: 'duration',
  p99_duration_seconds: 'duration',
  throughput_chars_per_sec: 'throughput',
  ops_per_minute: null,
  avg_memory_mb: 'memory',
  peak_memory_mb: null,
  avg_cpu_percent: 'cpu',
  peak_cpu_percent: null,
  avg_tokens_per_sec: 'tokens',
  avg_time_to_first_token_seconds: 'ttft',
  p50_time_to_first_token_seconds: 'ttft',
  p50_inter_token_latency_seconds: null,
};

/** Label, unit and digits of a compared metric: the summary column's, and p99 (server only). */
export function compareColumn(metric: CompareMetric): SummaryColumn {
  if (metric === 'p99_duration_seconds')
    return {
      ...SUMMARY_COLUMN.p95_duration_seconds!,
      key: 'p95_duration_seconds',
      label: 'duration p99',
      description: '99th percentile of wall time (type-7 quantile)',
    };
  return SUMMARY_COLUMN[metric]!;
}

/** A p-value as comparisons print it: `p = 0.003`, `p = 2e-5`; '' when there is none. */
export function pValueText(p: number | null): string {
  if (p === null) return '';
  return `p = ${p < 1e-4 ? p.toExponential(0) : Number(p.toPrecision(2))}`;
}

/**
 * A family's verdict in words, with the test's p-value: `slower (p = 0.003)`, `no significant
 * change (p = 0.41)`, `too few operations`.
 */
export function familyVerdictText(v: CompareFamilyVerdict): string {
  if (v.verdict === 'insufficient_data') return 'too few operations';
  const word = v.verdict === 'no_significant_change' ? 'no significant change' : v.verdict;
  const p = pValueText(v.p_value);
  return p ? `${word} (${p})` : word;
}

/** One family's verdict between the baseline and another run. */
export interface CompareFamilyVerdict {
  family: CompareFamily;
  /** The family's tested statistic (its mean), the figure the verdict is about. */
  metric: CompareMetric;
  /** The per-operation field the test compared. */
  field: string;
  verdict: CompareVerdict;
  p_value: number | null;
  /** Significant and in the worse direction. */
  regression: boolean;
}

/**
 * Verdict on one metric between the baseline and another run, from Welch's t-test on the
 * per-operation values behind it (durations for the duration metrics):
 * `faster`/`slower` for time and speed metrics, `higher`/`lower` for memory and CPU,
 * `no_significant_change` when p ≥ alpha (or both sides are constant and equal),
 * `insufficient_data` when either side has fewer than two values.
 */
export type CompareVerdict =
  | 'faster'
  | 'slower'
  | 'higher'
  | 'lower'
  | 'no_significant_change'
  | 'insufficient_data';

/** Welch's unequal-variance t-test of `a` (baseline) against `b`. */
export interface WelchTest {
  /** Per-operation field tested, e.g. `duration_seconds`. */
  field: string;
  n_a: number;
  n_b: number;
  mean_a: number | null;
  mean_b: number | null;
  /** t = (mean_b − mean_a) / sqrt(s_a²/n_a + s_b²/n_b); null when undefined. */
  t: number | null;
  /** Welch–Satterthwaite degrees of freedom. */
  df: number | null;
  /** Two-sided p-value. */
  p_value: number | null;
  significant: boolean;
}

export interface MetricDelta {
  baseline: number | null;
  value: number | null;
  /** value − baseline. */
  delta: number | null;
  /** (value − baseline) / |baseline|; null when the baseline is 0 or null. */
  relative_delta: number | null;
  /** null for metrics without a per-operation sample to test (counts, maxima, ratios of totals). */
  verdict: CompareVerdict | null;
  /** The test behind the verdict (its `field`), when there is one. */
  test_field: string | null;
  /** true when the change is significant and in the worse direction (slower, more memory or CPU). */
  regression: boolean;
}

/** One model in one run compared with the baseline run. */
export interface CompareAgainstBaseline {
  run_id: string;
  metrics: Record<CompareMetric, MetricDelta>;
  /** The tests run, by per-operation field (`duration_seconds`, `peak_memory_mb`, …). */
  tests: Record<string, WelchTest>;
  /** One verdict per family (`COMPARE_FAMILIES` order), each with the test behind it. */
  families: CompareFamilyVerdict[];
  /** Shortcut: the verdict on durations (`faster`, `slower`, …). */
  verdict: CompareVerdict;
}

export interface CompareModel {
  model_name: string;
  /** Stats per run id; null where the run has no operations of this model. */
  stats: Record<string, RunModelStats | null>;
  /** One entry per run after the baseline (absent where either side lacks the model). */
  against_baseline: CompareAgainstBaseline[];
}

/** `GET /api/compare?runs=a,b[,c]`. */
export interface CompareResponse {
  /** The runs, in the order asked; `runs[0]` is the baseline. */
  runs: RunSummary[];
  baseline: string;
  alpha: number;
  excluded_operations: string[];
  /** Every model seen in any of the runs. */
  models: CompareModel[];
}

/** A run as referred to from another answer. */
export interface RunRef {
  id: string;
  name: string | null;
  started_at: string;
  hostname: string | null;
}

export interface HistoryPoint {
  run: RunRef;
  stats: RunModelStats;
}

/** `GET /api/models/:model/history`: oldest run first. */
export interface HistoryResponse {
  model_name: string;
  excluded_operations: string[];
  points: HistoryPoint[];
}

export interface QueryColumn {
  name: string;
  /** DuckDB type, e.g. `DOUBLE`, `VARCHAR`, `TIMESTAMP WITH TIME ZONE`. */
  type: string;
}

/**
 * `POST /api/query` with format json. Values are JSON: BIGINT/HUGEINT as numbers when they fit
 * in a double exactly, else strings; timestamps as ISO 8601 strings; structs/lists/JSON as JSON.
 */
export interface QueryResponse {
  columns: QueryColumn[];
  /** One array per row, values in `columns` order. */
  rows: unknown[][];
  row_count: number;
  /** true when rows were left out: more than `max_rows`, or more than the server's size limit (about 64 MB of JSON). */
  truncated: boolean;
  elapsed_ms: number;
}

// ── GET /api/live (server-sent events) ───────────────────────────────────────────────────────

/** `event: run` — a run was created, or a batch or file added to it. */
export interface LiveRunEvent {
  run: RunSummary;
}
/** `event: operations` — newly stored operations (duplicates are not repeated). */
export interface LiveOperationsEvent {
  run_id: string;
  operations: OperationRecord[];
}
/** `event: samples` — newly stored samples. */
export interface LiveSamplesEvent {
  run_id: string;
  samples: Sample[];
}
/** `event: alerts` — newly stored alerts. */
export interface LiveAlertsEvent {
  run_id: string;
  alerts: Alert[];
}
/** `event: run_deleted`. */
export interface LiveRunDeletedEvent {
  run_id: string;
}

/** SSE event name → JSON `data` of that event. */
export interface LiveEventMap {
  run: LiveRunEvent;
  operations: LiveOperationsEvent;
  samples: LiveSamplesEvent;
  alerts: LiveAlertsEvent;
  run_deleted: LiveRunDeletedEvent;
}
export type LiveEventName = keyof LiveEventMap;
export const LIVE_EVENT_NAMES = [
  'run',
  'operations',
  'samples',
  'alerts',
  'run_deleted',
] as const satisfies readonly LiveEventName[];
