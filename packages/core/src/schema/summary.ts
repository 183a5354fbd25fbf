/**
 * The per-model summary: which statistic each column is, defined once. `printSummary()`, the
 * `llmmon bench` table, `--compare-last`, the dashboard's summary table and its comparison all
 * show these columns under these labels, so the same figure never reads as a mean in one place
 * and a median in another. Browser-safe.
 */
import type { OperationField } from './operation.js';
import type { ModelStats } from './stats.js';

/** What a column is, computed over the model's operations (warm-up and load left out). */
export type SummaryStatistic = 'count' | 'mean' | 'median' | 'p95' | 'max' | 'moe95' | 'sum' | 'ratio';

export interface SummaryColumn {
  key: keyof ModelStats;
  /** Header, naming the statistic: `duration p50`, `TTFT p50`, `tok/s mean`. */
  label: string;
  statistic: SummaryStatistic;
  /** The per-operation field the statistic is over (null for counts). */
  field: OperationField | null;
  /** Unit of the value: `seconds`, `MB`, `percent`, `tokens/s`, … ('' for counts). */
  unit: string;
  /** Digits after the decimal point in text tables. */
  digits: number;
  /**
   * Metric family: the columns of one family are judged together in a comparison (one test on
   * the per-operation field behind them).
   */
  family:
    | 'operations'
    | 'duration'
    | 'ttft'
    | 'itl'
    | 'tokens'
    | 'memory'
    | 'cpu'
    | 'throughput'
    | 'gpu'
    | 'energy'
    | 'server';
  description: string;
  /**
   * Shown only where some model has a value: figures of hardware or processes a run may not have
   * (a GPU, energy counters, an attached model server).
   */
  optional?: true;
}

/**
 * The summary's columns, in the order every table shows them. The statistics are over the
 * operations that succeeded (`operations` and `errors` count every one), warm-up and load left
 * out.
 */
export const SUMMARY_COLUMNS: readonly SummaryColumn[] = [
  {
    key: 'operations',
    label: 'ops',
    statistic: 'count',
    field: null,
    unit: '',
    digits: 0,
    family: 'operations',
    description: 'Operations counted (errors included; warm-up and load left out)',
  },
  {
    key: 'errors',
    label: 'errors',
    statistic: 'count',
    field: null,
    unit: '',
    digits: 0,
    family: 'operations',
    description: 'Operations with status "error"',
  },
  {
    key: 'avg_duration_seconds',
    label: 'duration mean',
    statistic: 'mean',
    field: 'duration_seconds',
    unit: 'seconds',
    digits: 3,
    family: 'duration',
    description: 'Mean wall time of the operations that succeeded',
  },
  {
    key: 'p50_duration_seconds',
    label: 'duration p50',
    statistic: 'median',
    field: 'duration_seconds',
    unit: 'seconds',
    digits: 3,
    family: 'duration',
    description: 'Median wall time (type-7 quantile, as DuckDB quantile_cont)',
  },
  {
    key: 'p95_duration_seconds',
    label: 'duration p95',
    statistic: 'p95',
    field: 'duration_seconds',
    unit: 'seconds',
    digits: 3,
    family: 'duration',
    description: '95th percentile of wall time (type-7 quantile)',
  },
  {
    key: 'p50_time_to_first_token_seconds',
    label: 'TTFT p50',
    statistic: 'median',
    field: 'time_to_first_token_seconds',
    unit: 'seconds',
    digits: 4,
    family: 'ttft',
    description: 'Median time to the first token (streamed operations)',
  },
  {
    key: 'avg_time_to_first_token_seconds',
    label: 'TTFT mean',
    statistic: 'mean',
    field: 'time_to_first_token_seconds',
    unit: 'seconds',
    digits: 4,
    family: 'ttft',
    description: 'Mean time to the first token (streamed operations)',
  },
  {
    key: 'p50_inter_token_latency_seconds',
    label: 'ITL p50',
    statistic: 'median',
    field: 'inter_token_latency_seconds',
    unit: 'seconds',
    digits: 5,
    family: 'itl',
    description: 'Median time between tokens after the first (decode time ÷ (tokens − 1))',
  },
  {
    key: 'avg_tokens_per_sec',
    label: 'tok/s mean',
    statistic: 'mean',
    field: 'tokens_per_sec',
    unit: 'tokens/s',
    digits: 1,
    family: 'tokens',
    description: 'Mean decode speed of the operations that report tokens',
  },
  {
    key: 'tokens_per_sec_moe95',
    label: 'tok/s ±95%',
    statistic: 'moe95',
    field: 'tokens_per_sec',
    unit: 'tokens/s',
    digits: 1,
    family: 'tokens',
    description: 'Half-width of the 95 % confidence interval of the mean decode speed (Student t)',
  },
  {
    key: 'avg_cpu_percent',
    label: 'CPU mean',
    statistic: 'mean',
    field: 'cpu_delta_percent',
    unit: 'percent',
    digits: 1,
    family: 'cpu',
    description: 'Mean process CPU over each operation (100 % = one core)',
  },
  {
    key: 'peak_cpu_percent',
    label: 'CPU peak',
    statistic: 'max',
    field: 'peak_cpu_percent',
    unit: 'percent',
    digits: 1,
    family: 'cpu',
    description: 'Highest process CPU of any operation over 10 ms slices',
  },
  {
    key: 'avg_memory_mb',
    label: 'RSS peak mean',
    statistic: 'mean',
    field: 'peak_memory_mb',
    unit: 'MB',
    digits: 1,
    family: 'memory',
    description: "Mean of the operations' peak RSS",
  },
  {
    key: 'peak_memory_mb',
    label: 'RSS peak max',
    statistic: 'max',
    field: 'peak_memory_mb',
    unit: 'MB',
    digits: 1,
    family: 'memory',
    description: 'Highest peak RSS of any operation',
  },
  {
    key: 'throughput_chars_per_sec',
    label: 'chars/s',
    statistic: 'ratio',
    field: 'throughput_chars_per_sec',
    unit: 'chars/s',
    digits: 1,
    family: 'throughput',
    description: 'Total characters ÷ total duration',
  },
  {
    key: 'ops_per_minute',
    label: 'ops/min',
    statistic: 'ratio',
    field: null,
    unit: 'ops/min',
    digits: 1,
    family: 'operations',
    description: 'Operations per minute between the first start and the last end (concurrency included)',
  },
  {
    key: 'avg_gpu_util_percent',
    label: 'GPU mean',
    statistic: 'mean',
    field: 'gpu_util_avg_percent',
    unit: 'percent',
    digits: 1,
    family: 'gpu',
    description: 'Mean GPU utilisation of the devices each operation used (every process on them)',
    optional: true,
  },
  {
    key: 'peak_gpu_memory_mb',
    label: 'GPU mem max',
    statistic: 'max',
    field: 'gpu_memory_peak_mb',
    unit: 'MB',
    digits: 1,
    family: 'gpu',
    description: 'Highest GPU memory of any operation (gpu_memory_scope says whose)',
    optional: true,
  },
  {
    key: 'energy_joules',
    label: 'energy J',
    statistic: 'sum',
    field: 'energy_joules',
    unit: 'J',
    digits: 2,
    family: 'energy',
    description: 'Energy the counters measured over the operations (GPU + CPU package + other channels)',
    optional: true,
  },
  {
    key: 'avg_joules_per_output_token',
    label: 'J/token mean',
    statistic: 'mean',
    field: 'joules_per_output_token',
    unit: 'J/token',
    digits: 3,
    family: 'energy',
    description: 'Mean energy per generated token',
    optional: true,
  },
  {
    key: 'avg_server_cpu_percent',
    label: 'server CPU mean',
    statistic: 'mean',
    field: 'server_cpu_percent',
    unit: 'percent',
    digits: 1,
    family: 'server',
    description: "Mean CPU of the attached model server's processes over each operation (100 % = one core)",
    optional: true,
  },
  {
    key: 'avg_server_memory_mb',
    label: 'server RSS mean',
    statistic: 'mean',
    field: 'server_peak_memory_mb',
    unit: 'MB',
    digits: 1,
    family: 'server',
    description: "Mean of the attached model server's peak RSS over each operation",
    optional: true,
  },
];

/**
 * The columns a table of these models shows: every column but the optional ones no model has a
 * value for.
 */
export function presentColumns(
  models: readonly Partial<Record<keyof ModelStats, unknown>>[],
  columns: readonly SummaryColumn[] = SUMMARY_COLUMNS,
): SummaryColumn[] {
  return columns.filter(
    (c) => !c.optional || models.some((m) => m[c.key] !== null && m[c.key] !== undefined),
  );
}

/** Short unit for a table header: `s`, `MB`, `%`; '' where the label says it already. */
export function headerUnit(column: SummaryColumn): string {
  switch (column.unit) {
    case 'seconds':
      return 's';
    case 'percent':
      return '%';
    case 'MB':
      return 'MB';
    default:
      return '';
  }
}

/** A header with its unit: `duration p50 s`, `CPU mean %`, `tok/s mean`. */
export function headerText(column: SummaryColumn): string {
  const unit = headerUnit(column);
  return unit ? `${column.label} ${unit}` : column.label;
}

/** A value as text tables print it ("—" for unknown). */
export function summaryCell(column: SummaryColumn, value: number | null | undefined): string {
  if (value === null || value === undefined) return '—';
  return column.digits === 0 ? String(value) : value.toFixed(column.digits);
}

/** The columns by key (for views that show a chosen few). */
export const SUMMARY_COLUMN: Readonly<Partial<Record<keyof ModelStats, SummaryColumn>>> = Object.fromEntries(
  SUMMARY_COLUMNS.map((c) => [c.key, c]),
);
