/** `llmmon runs`, what it does (registered in `commands/runs.ts`). */
import type { RunSummary, RunsResponse } from '@llmmon/core/schema';
import { ApiClient, out, type WhereOptions } from '../context.js';
import { num, table } from '../format.js';
import { withStore } from '../local-store.js';

export interface RunsOptions extends WhereOptions {
  model?: string;
  limit: number;
  format: 'table' | 'json';
}

export function runsTable(runs: readonly RunSummary[]): string {
  return table(
    ['run', 'name', 'started', 'host', 'ops', 'errors', 'models'],
    runs.map((r) => [
      r.id,
      r.name ?? '—',
      r.started_at.replace('T', ' ').replace(/\.\d+Z$/, 'Z'),
      r.host.hostname ?? '—',
      num(r.operations),
      num(r.errors),
      r.models.join(', '),
    ]),
    [false, false, false, false, true, true, false],
  );
}

/** Prints the stored runs, newest first. */
export async function listRuns(opts: RunsOptions): Promise<void> {
  const q = { model: opts.model, limit: opts.limit, offset: 0 };
  const result: { total: number; runs: RunSummary[] } = opts.server
    ? await new ApiClient(opts.server).json<RunsResponse>(
        `/api/runs?${new URLSearchParams({ limit: String(q.limit), ...(q.model ? { model: q.model } : {}) })}`,
      )
    : await withStore(opts.db!, (store) => store.listRuns(q));
  if (opts.format === 'json') return out(`${JSON.stringify(result, null, 2)}\n`);
  if (result.total === 0) return out(`no runs stored${opts.model ? ` with model ${opts.model}` : ''}\n`);
  await out(runsTable(result.runs));
  if (result.total > result.runs.length)
    await out(`(${result.runs.length} of ${result.total} runs; --limit for more)\n`);
}
