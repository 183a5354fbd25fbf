/** `llmmon compare`, what it does (registered in `commands/compare.ts`). */
import {
  COMPARE_METRICS,
  type CompareResponse,
  type CompareVerdict,
  DEFAULT_STATS_EXCLUDED_OPERATIONS,
} from '@llmmon/core/schema';
import { ApiClient, CliError, out, type WhereOptions } from '../context.js';
import { num, percent, table } from '../format.js';
import { withStore } from '../local-store.js';

export interface CompareOptions extends WhereOptions {
  alpha: number;
  excludeOperations?: string[];
  format: 'table' | 'json';
  failOnRegression?: boolean;
}

const MARK: Record<CompareVerdict, string> = {
  slower: '▲ slower',
  faster: '▼ faster',
  higher: '▲ higher',
  lower: '▼ lower',
  no_significant_change: '~',
  insufficient_data: '?',
};

/** The comparison as text: one table per model, then one verdict line per run and model. */
export function compareText(cmp: CompareResponse): string {
  const ids = cmp.runs.map((r) => r.id);
  const parts: string[] = [];
  for (const model of cmp.models) {
    const headers = [model.model_name, ...ids.map((id, i) => (i === 0 ? `${id} (baseline)` : id))];
    const rows = COMPARE_METRICS.map((metric) => [
      metric,
      ...ids.map((id, i) => {
        const value = model.stats[id]?.[metric] ?? null;
        if (i === 0 || model.stats[id] === null) return model.stats[id] ? num(value) : 'no operations';
        const d = model.against_baseline.find((a) => a.run_id === id)?.metrics[metric];
        if (!d) return num(value);
        const mark = d.verdict ? ` ${MARK[d.verdict]}${d.regression ? ' !' : ''}` : '';
        return `${num(value)} (${percent(d.relative_delta)})${mark}`;
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
  const verdicts: string[] = [];
  for (const model of cmp.models) {
    for (const a of model.against_baseline) {
      const t = a.tests.duration_seconds;
      const p =
        t?.p_value == null ? '' : `, p = ${t.p_value < 1e-4 ? t.p_value.toExponential(1) : num(t.p_value)}`;
      const word =
        a.verdict === 'no_significant_change' ? 'no significant change' : a.verdict.replace('_', ' ');
      verdicts.push(`${a.run_id} vs ${cmp.baseline}, ${model.model_name}: ${word}${p}`);
    }
  }
  return [
    ...parts,
    ...verdicts,
    '',
    `▲/▼ significant change (Welch's t-test on the operations, α = ${cmp.alpha}); ~ no significant change; ? too few operations; ! regression.`,
    `Excluded operation kinds: ${cmp.excluded_operations.join(', ') || 'none'}.`,
    '',
  ].join('\n');
}

/** Prints the comparison of `runs` (the first is the baseline); exit status 3 on a regression when asked. */
export async function compareRuns(runs: string[], opts: CompareOptions): Promise<void> {
  if (runs.length < 2) throw new CliError('compare: give at least two run ids');
  const exclude = opts.excludeOperations ?? [...DEFAULT_STATS_EXCLUDED_OPERATIONS];
  const cmp = opts.server
    ? await new ApiClient(opts.server).json<CompareResponse>(
        `/api/compare?${new URLSearchParams({ runs: runs.join(','), alpha: String(opts.alpha), exclude_operations: exclude.join(',') })}`,
      )
    : await withStore(opts.db!, (store) => store.compare(runs, opts.alpha, exclude));
  await out(opts.format === 'json' ? `${JSON.stringify(cmp, null, 2)}\n` : compareText(cmp));
  const regressed = cmp.models.some((m) => m.against_baseline.some((a) => a.verdict === 'slower'));
  if (opts.failOnRegression && regressed) process.exitCode = 3;
}
