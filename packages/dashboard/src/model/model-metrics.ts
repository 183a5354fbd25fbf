/**
 * Per-model figures for the bar charts and the summary table. The bar is the `ModelStats` value
 * (core's `modelComparison`, so it matches `printSummary()` and SQL on the DuckDB file); the
 * whisker is the p50–p95 range of the same per-operation field over the same operations
 * (succeeded; warm-up, load and load-level left out), with core's quantile definition.
 */
import {
  DEFAULT_STATS_EXCLUDED_OPERATIONS,
  headerUnit,
  type ModelStats,
  modelComparison,
  OPERATION_FIELDS,
  type OperationField,
  type OperationRecord,
  quantileSorted,
  SUMMARY_COLUMNS,
} from '@llmmon/core/schema';

export interface ModelMetric {
  id: string;
  title: string;
  /** What the bar shows (a `ModelStats` key). */
  stat: keyof ModelStats;
  /** What the bar means, for the chart's subtitle. */
  barMeaning: string;
  /** Per-operation field the whisker is computed from. */
  field: OperationField;
  unit: string;
  /** What replaces the chart when no model has a value, and why. */
  empty: string;
}

const metric = (m: Omit<ModelMetric, 'unit'>): ModelMetric => ({
  ...m,
  unit: OPERATION_FIELDS[m.field].unit ?? '',
});

export const MODEL_METRICS = {
  duration: metric({
    id: 'duration',
    title: 'Average duration by model',
    stat: 'avg_duration_seconds',
    barMeaning: 'mean wall time per operation',
    field: 'duration_seconds',
    empty: 'No operation of any model succeeded, so there are no durations to average.',
  }),
  memory: metric({
    id: 'memory',
    title: 'Peak memory by model',
    stat: 'peak_memory_mb',
    barMeaning: 'highest RSS of any operation',
    field: 'peak_memory_mb',
    empty: 'No memory figures in this run (peak_memory_mb is empty for every operation).',
  }),
  cpu: metric({
    id: 'cpu',
    title: 'Average CPU by model',
    stat: 'avg_cpu_percent',
    barMeaning: 'mean process CPU, 100 % = one core',
    field: 'cpu_delta_percent',
    empty: 'No CPU figures in this run (cpu_delta_percent is empty for every operation).',
  }),
  throughput: metric({
    id: 'throughput',
    title: 'Throughput by model',
    stat: 'throughput_chars_per_sec',
    barMeaning: 'total characters ÷ total duration',
    field: 'throughput_chars_per_sec',
    empty: 'No throughput: every counted operation has zero duration or no text.',
  }),
  tokens: metric({
    id: 'tokens',
    title: 'Tokens per second by model',
    stat: 'avg_tokens_per_sec',
    barMeaning: 'mean decode speed (tok/s mean)',
    field: 'tokens_per_sec',
    empty: 'No token figures: tokens/s needs streamed operations (trackStream) or op.setTokens().',
  }),
  ttft: metric({
    id: 'ttft',
    title: 'Time to first token by model',
    stat: 'p50_time_to_first_token_seconds',
    barMeaning: 'median time to the first chunk (TTFT p50)',
    field: 'time_to_first_token_seconds',
    empty: 'No time to first token: it needs streamed operations (trackStream) or op.markFirstToken().',
  }),
} as const satisfies Record<string, ModelMetric>;

/** Whether core's statistics count this operation (same rule as `modelStats`). */
export function countsInStats(r: OperationRecord): boolean {
  return r.status !== 'error' && !DEFAULT_STATS_EXCLUDED_OPERATIONS.includes(r.operation);
}

/** Every model of the run in first-seen order, with its statistics (null: nothing counted). */
export interface ModelSummary {
  model: string;
  stats: ModelStats | null;
  /** All operations of the model, load and warm-up included. */
  operations: number;
  /** Why there are no statistics, when there are none. */
  note: string | null;
}

/** Records by model in first-seen order; only those `keep` accepts, when given. */
export function byModel(
  records: readonly OperationRecord[],
  keep?: (r: OperationRecord) => boolean,
): Map<string, OperationRecord[]> {
  const out = new Map<string, OperationRecord[]>();
  for (const r of records) {
    if (keep && !keep(r)) continue;
    const list = out.get(r.model_name);
    if (list) list.push(r);
    else out.set(r.model_name, [r]);
  }
  return out;
}

export function modelSummaries(records: readonly OperationRecord[]): ModelSummary[] {
  const comparison = modelComparison(records);
  return [...byModel(records)].map(([model, list]) => {
    const stats = comparison[model] ?? null;
    let note: string | null = null;
    if (!stats)
      note = `only ${[...new Set(list.map((r) => r.operation))].join('/')} operations, which statistics leave out`;
    else if (stats.errors === stats.operations) note = `all ${stats.operations} operations failed`;
    return { model, stats, operations: list.length, note };
  });
}

export interface ModelBar {
  model: string;
  /** The bar; null when the model has no value (no such measurement, or only errors). */
  value: number | null;
  p50: number | null;
  p95: number | null;
  /** Operations with a value for the field. */
  n: number;
  note: string | null;
}

/** The operations core's statistics count (`countsInStats`), by model in first-seen order. */
export const countedByModel = (records: readonly OperationRecord[]) => byModel(records, countsInStats);

/**
 * The bars of one metric, one per model that has statistics. p50/p95 are core's type-7
 * quantiles (`quantileSorted`); the values are sorted as a Float64Array, whose native numeric
 * sort keeps 100,000 operations × six charts cheap.
 */
export function modelBars(
  counted: ReadonlyMap<string, readonly OperationRecord[]>,
  summaries: readonly ModelSummary[],
  m: ModelMetric,
): ModelBar[] {
  return summaries
    .filter((s) => s.stats !== null)
    .map((s) => {
      const list = counted.get(s.model) ?? [];
      const values = new Float64Array(list.length);
      let n = 0;
      for (const r of list) {
        const v = r[m.field];
        if (typeof v === 'number') values[n++] = v;
      }
      const sorted = values.subarray(0, n).sort() as unknown as number[];
      const value = s.stats![m.stat];
      return {
        model: s.model,
        value: typeof value === 'number' ? value : null,
        p50: quantileSorted(sorted, 0.5),
        p95: quantileSorted(sorted, 0.95),
        n,
        note: s.note ?? (n === 0 ? 'not measured' : null),
      };
    });
}

/** Whether any model has a value for this metric (charts without any are replaced by a note). */
export const hasValues = (bars: readonly ModelBar[]) => bars.some((b) => b.value !== null);

export interface StatsColumn {
  key: keyof ModelStats;
  label: string;
  unit: string;
  /** Unit to print after the label in a header; empty where the label already says it (`tokens/s`). */
  headerUnit: string;
  description: string;
  /** Shown only where some model has a value (GPU, energy, attached server). */
  optional: boolean;
}

/**
 * Columns of the summary table: core's summary columns (the same statistic under the same label
 * as `printSummary()` and the `llmmon bench` table), with the short unit a header prints.
 */
export const STATS_COLUMNS: readonly StatsColumn[] = SUMMARY_COLUMNS.map((c) => ({
  key: c.key,
  label: c.label,
  unit: c.unit,
  headerUnit: headerUnit(c),
  description: c.description,
  optional: c.optional === true,
}));

/** The columns a table of these statistics shows: the optional ones only where one has a value. */
export function statsColumns(stats: readonly Partial<Record<keyof ModelStats, unknown>>[]): StatsColumn[] {
  return STATS_COLUMNS.filter(
    (c) => !c.optional || stats.some((x) => x[c.key] !== null && x[c.key] !== undefined),
  );
}
