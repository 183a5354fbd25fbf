/**
 * The per-model table `llmmon bench` prints: the shared summary columns (core's
 * `SUMMARY_COLUMNS`, the statistics `modelComparison` computes and the dashboard shows, under
 * the same labels), preceded by two figures of the model's load, which the statistics leave out,
 * and followed by the GPU, energy and attached model server's columns where a model has them.
 */
import {
  alignColumns,
  headerText,
  type ModelStats,
  maxOrNull,
  modelComparison,
  type OperationRecord,
  presentColumns,
  SUMMARY_COLUMN,
  SUMMARY_COLUMNS,
  type SummaryColumn,
  summaryCell,
} from '@llmmon/core';

/** One model's bench numbers: its statistics (measured runs), and its load shown apart. */
export interface BenchModelSummary {
  model: string;
  /** Core's statistics of the measured operations (warm-ups and load left out). */
  stats: ModelStats;
  /** Duration of the model's load operation; null when it has none (an endpoint). */
  load_seconds: number | null;
  /**
   * How far RSS rose above where it stood when the model started loading: the model's own
   * footprint (weights paged in, context, buffers), whatever ran before it. Null without a
   * load operation.
   */
  rss_growth_mb: number | null;
}

const nums = (xs: (number | null)[]) => xs.filter((x): x is number => x !== null && Number.isFinite(x));

/**
 * Per-model summaries, in the order the models first appear in `records`.
 * @example
 * const rows = summarizeBench(monitor.operations);
 */
export function summarizeBench(records: readonly OperationRecord[]): BenchModelSummary[] {
  const stats = modelComparison(records);
  const byModel = new Map<string, OperationRecord[]>();
  for (const r of records) byModel.set(r.model_name, [...(byModel.get(r.model_name) ?? []), r]);
  return [...byModel]
    .filter(([model]) => stats[model])
    .map(([model, rs]) => {
      const load = rs.find((r) => r.operation === 'load' && r.status !== 'error');
      // The load's own peak counts: it is the process's high-water mark for the model.
      const peak = maxOrNull(nums(rs.map((r) => r.peak_memory_mb)));
      const start = load?.rss_start_mb ?? null;
      return {
        model,
        stats: stats[model]!,
        load_seconds: load?.duration_seconds ?? null,
        rss_growth_mb: peak !== null && start !== null ? peak - start : null,
      };
    });
}

/** The shared columns the bench table shows, in this order. */
const SHARED: readonly SummaryColumn[] = (
  [
    'operations',
    'errors',
    'p50_time_to_first_token_seconds',
    'avg_tokens_per_sec',
    'tokens_per_sec_moe95',
    'p50_inter_token_latency_seconds',
    'p50_duration_seconds',
    'p95_duration_seconds',
    'peak_memory_mb',
    'avg_cpu_percent',
  ] as const
).map((k) => SUMMARY_COLUMN[k]!);

const fixed = (v: number | null, digits: number) => (v === null ? '—' : v.toFixed(digits));

/** The summaries as an aligned text table ("—" where a value is unknown). */
export function formatBenchTable(rows: readonly BenchModelSummary[]): string {
  // Then the GPU, energy and model-server columns, where a model has them.
  const columns = [
    ...SHARED,
    ...presentColumns(
      rows.map((r) => r.stats),
      SUMMARY_COLUMNS.filter((c) => c.optional),
    ),
  ];
  const header = ['model', 'load s', 'RSS growth MB', ...columns.map(headerText)];
  const body = rows.map((r) => [
    r.model,
    fixed(r.load_seconds, 3),
    fixed(r.rss_growth_mb, 1),
    ...columns.map((c) => summaryCell(c, r.stats[c.key])),
  ]);
  return alignColumns([header, ...body]);
}
