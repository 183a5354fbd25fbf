/**
 * Facts about runs that every view states the same way: a run's length, and what tells runs apart.
 * Browser-safe.
 */
import type { RunHeader } from './run.js';

/**
 * A run's length, the one definition the runs list, the run header and the CLI use: from
 * `started_at` (the monitor started) to `ended_at` (the run closed), so set-up and model loads
 * count. A run without `ended_at` (still live, or recovered from a journal) has no length yet:
 * null, shown as "open".
 */
export function runLengthSeconds(run: Pick<RunHeader, 'started_at' | 'ended_at'>): number | null {
  if (!run.ended_at) return null;
  const seconds = (Date.parse(run.ended_at) - Date.parse(run.started_at)) / 1000;
  return Number.isFinite(seconds) ? seconds : null;
}

/** One setting whose value is not the same in every run: its value in each run (null: unset). */
export interface RunDifference {
  key: string;
  values: (string | null)[];
}

type Compared = Pick<RunHeader, 'tags' | 'host' | 'sampler'>;

const text = (v: unknown): string | null =>
  v === null || v === undefined ? null : typeof v === 'string' ? v : JSON.stringify(v);

/** The settings compared, in display order: the run's tags first, then machine and sampler. */
function settings(run: Compared): Map<string, string | null> {
  const out = new Map<string, string | null>();
  const tags = run.tags && typeof run.tags === 'object' && !Array.isArray(run.tags) ? run.tags : {};
  for (const [k, v] of Object.entries(tags)) out.set(k, text(v));
  out.set('machine', run.host.hostname);
  out.set('CPUs', text(run.host.cpu_count));
  out.set('GPUs', run.host.gpus?.length ? run.host.gpus.map((g) => g.name).join(', ') : null);
  out.set('sampler', run.sampler.kind);
  out.set('sampling interval ms', text(run.sampler.interval_ms));
  out.set('GPU backend', run.sampler.gpu_backend);
  return out;
}

/**
 * The settings (tags, machine, sampler) whose values differ between the runs, in the order they
 * first appear: what to read first when two runs are compared (`concurrency 1` vs `2`). Empty when
 * the runs were taken the same way, or with fewer than two runs.
 */
export function runDifferences(runs: readonly Compared[]): RunDifference[] {
  if (runs.length < 2) return [];
  const each = runs.map(settings);
  const keys = [...new Set(each.flatMap((s) => [...s.keys()]))];
  return keys
    .map((key) => ({ key, values: each.map((s) => s.get(key) ?? null) }))
    .filter((d) => new Set(d.values).size > 1);
}

/** One run's side of the differences as words: `concurrency 2 · max_tokens 16`. */
export function runDistinction(differences: readonly RunDifference[], index: number): string {
  return differences.map((d) => `${d.key} ${d.values[index] ?? '—'}`).join(' · ');
}
