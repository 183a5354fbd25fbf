/**
 * The bench's last step: store the run in DuckDB in one transaction (the store's ingest), check
 * that every operation arrived, and with `--compare-last` compare it with the previous run of the
 * same config (same models, prompts and settings: the `bench_config_hash` tag) using the server's
 * comparison (Welch's t-test per metric, regressions marked).
 */
import { type CompareModel, DEFAULT_STATS_EXCLUDED_OPERATIONS } from '@llmmon/core';
import { compareModels } from '../store/compare.js';
import { Store } from '../store/store.js';

/** Significance level of the comparison's t-tests. */
export const COMPARE_ALPHA = 0.05;

export interface StoreRunOptions {
  db: string;
  metricsFile: string;
  runId: string;
  configHash: string;
  compareLast: boolean;
  out: NodeJS.WritableStream;
}

/**
 * Stores the run; returns the id of the run it was compared with (or null).
 * @throws Error when the database cannot be opened or the ingest fails (nothing stored)
 */
export async function storeBenchRun(options: StoreRunOptions): Promise<string | null> {
  const store = await Store.open(options.db);
  try {
    const result = await store.ingestFile(options.metricsFile);
    if (result.run_id !== options.runId)
      throw new Error(`stored run ${result.run_id}, expected ${options.runId}`);
    if (!options.compareLast) return null;
    const previous = await previousRunOfConfig(store, options.configHash, options.runId);
    if (!previous) {
      options.out.write(`compare:   no earlier run of this config in ${store.path}\n`);
      return null;
    }
    const ids = [previous, options.runId];
    const rows = await store.modelStats(ids, DEFAULT_STATS_EXCLUDED_OPERATIONS);
    options.out.write(`\n${formatComparison(previous, compareModels(ids, rows, COMPARE_ALPHA))}\n`);
    return previous;
  } finally {
    await store.close();
  }
}

/** The newest other run with the same bench config hash. */
export async function previousRunOfConfig(
  store: Store,
  configHash: string,
  runId: string,
): Promise<string | null> {
  return store.read(async (c) => {
    const r = await c.runAndReadAll(
      `SELECT id FROM runs WHERE tags->>'$.bench_config_hash' = $1 AND id <> $2 ORDER BY started_at DESC LIMIT 1`,
      [configHash, runId],
    );
    return (r.getRowsJS()[0]?.[0] as string | undefined) ?? null;
  });
}

const METRICS = [
  ['p50 s', 'p50_duration_seconds', 3],
  ['tok/s', 'avg_tokens_per_sec', 1],
  ['TTFT s', 'avg_time_to_first_token_seconds', 4],
  ['mem MB', 'avg_memory_mb', 1],
  ['CPU %', 'avg_cpu_percent', 0],
] as const;

/**
 * One line per model: each metric as `previous → now (±%, verdict)`; the verdict is named only
 * where the change is significant, and `REGRESSION` marks significant changes for the worse.
 */
export function formatComparison(previousRunId: string, models: readonly CompareModel[]): string {
  const lines = [`compared with the previous run of this config (${previousRunId}), α = ${COMPARE_ALPHA}:`];
  for (const m of models) {
    const against = m.against_baseline[0];
    if (!against) {
      lines.push(`  ${m.model_name}: not in both runs`);
      continue;
    }
    const cells = METRICS.map(([label, key, digits]) => {
      const d = against.metrics[key];
      const fmt = (v: number | null) => (v === null ? '—' : v.toFixed(digits));
      const rel =
        d.relative_delta === null
          ? ''
          : ` (${d.relative_delta >= 0 ? '+' : ''}${(d.relative_delta * 100).toFixed(1)}%)`;
      // Significant changes name their direction; regressions (worse, significant) are flagged.
      const verdict =
        d.verdict && d.verdict !== 'no_significant_change' && d.verdict !== 'insufficient_data'
          ? `, ${d.verdict}`
          : '';
      const flag = d.regression ? ' REGRESSION' : '';
      return `${label} ${fmt(d.baseline)} → ${fmt(d.value)} (${rel || 'n/a'}${verdict})${flag}`;
    });
    const regressions = METRICS.filter(([, key]) => against.metrics[key].regression).length;
    lines.push(`  ${regressions ? '✗' : '✓'} ${m.model_name}: ${cells.join(' | ')}`);
  }
  return lines.join('\n');
}
