/** `llmmon compare`, what it does (registered in `commands/compare.ts`). */
import {
  COMPARE_FAMILIES,
  COMPARE_METRICS,
  type CompareFamilyVerdict,
  type CompareResponse,
  compareColumn,
  DEFAULT_STATS_EXCLUDED_OPERATIONS,
  headerText,
  LOAD_LEVEL_OPERATION,
  type OperationRecord,
  type OperationsResponse,
  pValueText,
  runDifferences,
} from '@llmmon/core/schema';
import { ApiClient, CliError, out, type WhereOptions } from '../context.js';
import { num, percent, table } from '../format.js';
import { withStore } from '../local-store.js';
import { compareLevels, compareLevelsText } from './compare-levels.js';

export interface CompareOptions extends WhereOptions {
  alpha: number;
  excludeOperations?: string[];
  format: 'table' | 'json';
  failOnRegression?: boolean;
}

/** A family's verdict in a narrow cell: `slower p = 2e-5 !`, `~ p = 0.41`, `?`. */
export function verdictCell(v: CompareFamilyVerdict): string {
  if (v.verdict === 'insufficient_data') return '?';
  const p = pValueText(v.p_value);
  if (v.verdict === 'no_significant_change') return p ? `~ ${p}` : '~';
  return `${v.verdict} ${p}${v.regression ? ' !' : ''}`.trim();
}

/**
 * The comparison as text: first what differs between the runs (tags, machine, sampler), then the verdicts, one row per model and run, one column per metric
 * family (each verdict once, with its test's p-value); then, per model, the figures of every run
 * with their change from the baseline.
 */
export function compareText(cmp: CompareResponse): string {
  const ids = cmp.runs.map((r) => r.id);
  const verdictRows: string[][] = [];
  for (const model of cmp.models) {
    for (const a of model.against_baseline) {
      verdictRows.push([model.model_name, a.run_id, ...a.families.map(verdictCell)]);
    }
  }
  const differences = runDifferences(cmp.runs);
  const parts: string[] = [
    differences.length
      ? `What differs:\n${table(
          ['setting', ...ids],
          differences.map((d) => [d.key, ...d.values.map((v) => v ?? '—')]),
          [false, ...ids.map(() => false)],
        )}\n`
      : 'What differs: nothing (same tags, machine and sampler).\n',
    `Verdicts against ${cmp.baseline} (Welch's t-test on each family's per-operation values, α = ${cmp.alpha}):`,
    verdictRows.length
      ? table(['model', 'run', ...COMPARE_FAMILIES.map((f) => f.label)], verdictRows)
      : '(no model is in the baseline and another run)',
    '',
  ];
  for (const model of cmp.models) {
    const headers = [model.model_name, ...ids.map((id, i) => (i === 0 ? `${id} (baseline)` : id))];
    const rows = COMPARE_METRICS.map((metric) => [
      headerText(compareColumn(metric)),
      ...ids.map((id, i) => {
        const value = model.stats[id]?.[metric] ?? null;
        if (i === 0 || model.stats[id] === null) return model.stats[id] ? num(value) : 'no operations';
        const d = model.against_baseline.find((a) => a.run_id === id)?.metrics[metric];
        return d ? `${num(value)} (${percent(d.relative_delta)})` : num(value);
      }),
    ]);
    parts.push(
      table(
        headers,
        rows,
        headers.map(() => false),
      ),
    );
  }
  return [
    ...parts,
    '',
    'slower/faster/higher/lower: significant change; ~ no significant change; ? too few operations; ! regression (slower, less throughput, more memory or CPU).',
    `Excluded operation kinds: ${cmp.excluded_operations.join(', ') || 'none'}.`,
    '',
  ].join('\n');
}

/** Prints the comparison of `runs` (the first is the baseline); exit status 3 on a regression when asked. */
export async function compareRuns(runs: string[], opts: CompareOptions): Promise<void> {
  if (runs.length < 2) throw new CliError('compare: give at least two run ids');
  const exclude = opts.excludeOperations ?? [...DEFAULT_STATS_EXCLUDED_OPERATIONS];
  const levelQuery = {
    operation: LOAD_LEVEL_OPERATION,
    sort: 'seq',
    order: 'asc',
    limit: 100_000,
    offset: 0,
  } as const;
  let cmp: CompareResponse;
  let records: OperationRecord[][];
  if (opts.server) {
    const api = new ApiClient(opts.server);
    cmp = await api.json<CompareResponse>(
      `/api/compare?${new URLSearchParams({ runs: runs.join(','), alpha: String(opts.alpha), exclude_operations: exclude.join(',') })}`,
    );
    const query = new URLSearchParams({ operation: LOAD_LEVEL_OPERATION, limit: String(levelQuery.limit) });
    records = await Promise.all(
      runs.map(
        async (id) =>
          (await api.json<OperationsResponse>(`/api/runs/${encodeURIComponent(id)}/operations?${query}`))
            .operations,
      ),
    );
  } else {
    [cmp, records] = await withStore(opts.db!, async (store) => [
      await store.compare(runs, opts.alpha, exclude),
      await Promise.all(runs.map(async (id) => (await store.operations(id, levelQuery)).operations)),
    ]);
  }
  // Load runs: their levels matched by label, after the per-model comparison.
  const levels = compareLevels(runs.map((id, i) => ({ id, records: records[i]! })));
  await out(
    opts.format === 'json'
      ? `${JSON.stringify(levels.length ? { ...cmp, load_levels: levels } : cmp, null, 2)}\n`
      : `${compareText(cmp)}${levels.length ? `\n${compareLevelsText(levels, runs)}` : ''}`,
  );
  const regressed = cmp.models.some((m) =>
    m.against_baseline.some((a) => a.families.some((f) => f.regression)),
  );
  if (opts.failOnRegression && regressed) process.exitCode = 3;
}
