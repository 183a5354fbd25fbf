/**
 * The per-model table `llmmon bench` prints, computed from the run's operation records with
 * core's statistics (type-7 quantiles, Student-t margin of error): what a person compares first.
 */
import { maxOrNull, type OperationRecord, summarize } from '@llmmon/core';

/** One model's bench numbers (measured runs only; warm-ups and load left out, load shown apart). */
export interface BenchModelSummary {
  model: string;
  /** Measured runs (errors included). */
  runs: number;
  errors: number;
  load_seconds: number | null;
  ttft_p50_seconds: number | null;
  tokens_per_sec_mean: number | null;
  /** Half-width of the 95 % confidence interval of tokens_per_sec_mean. */
  tokens_per_sec_moe95: number | null;
  itl_p50_seconds: number | null;
  duration_p50_seconds: number | null;
  duration_p95_seconds: number | null;
  output_tokens: number;
  /** Highest process RSS during the model's operations (absolute: includes what ran before). */
  peak_rss_mb: number | null;
  /**
   * How far RSS rose above where it stood when the model started loading: the model's own
   * footprint (weights paged in, context, buffers), whatever ran before it.
   */
  rss_growth_mb: number | null;
  avg_cpu_percent: number | null;
}

const nums = (xs: (number | null)[]) => xs.filter((x): x is number => x !== null && Number.isFinite(x));

/**
 * Per-model summaries, in the order the models first appear in `records`.
 *
 * @example
 * const rows = summarizeBench(monitor.operations);
 */
export function summarizeBench(records: readonly OperationRecord[]): BenchModelSummary[] {
  const byModel = new Map<string, OperationRecord[]>();
  for (const r of records) {
    const list = byModel.get(r.model_name) ?? [];
    list.push(r);
    byModel.set(r.model_name, list);
  }
  return [...byModel].map(([model, rs]) => {
    const measured = rs.filter((r) => r.operation !== 'warmup' && r.operation !== 'load');
    const ok = measured.filter((r) => r.status !== 'error');
    const tps = summarize(nums(ok.map((r) => r.tokens_per_sec)));
    const durations = summarize(ok.map((r) => r.duration_seconds));
    const load = rs.find((r) => r.operation === 'load' && r.status !== 'error');
    const peak = maxOrNull(nums(rs.map((r) => r.peak_memory_mb)));
    const start = load?.rss_start_mb ?? rs[0]?.rss_start_mb ?? null;
    return {
      model,
      runs: measured.length,
      errors: measured.length - ok.length,
      load_seconds: load?.duration_seconds ?? null,
      ttft_p50_seconds: summarize(nums(ok.map((r) => r.time_to_first_token_seconds))).median,
      tokens_per_sec_mean: tps.mean,
      tokens_per_sec_moe95: tps.moe95,
      itl_p50_seconds: summarize(nums(ok.map((r) => r.inter_token_latency_seconds))).median,
      duration_p50_seconds: durations.median,
      duration_p95_seconds: durations.p95,
      output_tokens: ok.reduce((sum, r) => sum + (r.output_tokens ?? 0), 0),
      peak_rss_mb: peak,
      rss_growth_mb: peak !== null && start !== null ? peak - start : null,
      avg_cpu_percent: summarize(nums(ok.map((r) => r.cpu_delta_percent))).mean,
    };
  });
}

const f = (v: number | null, digits: number) => (v === null ? '—' : v.toFixed(digits));

/** The printed columns: header and cell, side by side so they cannot drift apart. */
const COLUMNS: [header: string, cell: (r: BenchModelSummary) => string][] = [
  ['model', (r) => r.model],
  ['runs', (r) => String(r.runs)],
  ['err', (r) => String(r.errors)],
  ['load s', (r) => f(r.load_seconds, 3)],
  ['TTFT p50 s', (r) => f(r.ttft_p50_seconds, 4)],
  ['tok/s', (r) => f(r.tokens_per_sec_mean, 1)],
  ['± 95%', (r) => f(r.tokens_per_sec_moe95, 1)],
  ['ITL p50 ms', (r) => f(r.itl_p50_seconds === null ? null : r.itl_p50_seconds * 1000, 2)],
  ['p50 s', (r) => f(r.duration_p50_seconds, 3)],
  ['p95 s', (r) => f(r.duration_p95_seconds, 3)],
  ['peak RSS MB', (r) => f(r.peak_rss_mb, 1)],
  ['+RSS MB', (r) => f(r.rss_growth_mb, 1)],
  ['CPU %', (r) => f(r.avg_cpu_percent, 0)],
];

/** The summaries as an aligned text table ("—" where a value is unknown). */
export function formatBenchTable(rows: readonly BenchModelSummary[]): string {
  const table = [COLUMNS.map(([header]) => header), ...rows.map((r) => COLUMNS.map(([, cell]) => cell(r)))];
  const widths = table[0]!.map((_, i) => Math.max(...table.map((row) => row[i]!.length)));
  const line = (row: string[]) =>
    row
      .map((cell, i) => (i === 0 ? cell.padEnd(widths[i]!) : cell.padStart(widths[i]!)))
      .join('  ')
      .trimEnd();
  return [line(table[0]!), widths.map((w) => '─'.repeat(w)).join('  '), ...table.slice(1).map(line)].join(
    '\n',
  );
}
