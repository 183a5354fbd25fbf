/**
 * `llmmon compare` on load runs, level by level: the levels of each run (its `load-level`
 * records, read by core's `loadLevelFigures`) matched by their label (`c=4` with `c=4`), each
 * figure beside the baseline's with its relative change.
 */
import { type LoadLevelFigures, loadLevelsOf, type OperationRecord } from '@llmmon/core/schema';
import { num, percent, table } from '../format.js';

/** A compared figure of a level: its label with the unit, and where to read it. */
interface LevelMetric {
  id: string;
  label: string;
  value: (l: LoadLevelFigures) => number | null;
}

const ms = (v: number | null) => (v === null ? null : v * 1000);

/** The figures compared, in the order of the table. */
export const LEVEL_METRICS: readonly LevelMetric[] = [
  { id: 'request_throughput', label: 'requests/s', value: (l) => l.requestThroughput },
  { id: 'output_token_throughput', label: 'output tok/s', value: (l) => l.outputTokenThroughput },
  {
    id: 'per_user_output_token_throughput',
    label: 'tok/s per user',
    value: (l) => l.perUserOutputTokenThroughput,
  },
  { id: 'concurrency', label: 'concurrency achieved', value: (l) => l.concurrency },
  ...(['ttft', 'tpot', 'itl', 'e2el'] as const).flatMap((k) =>
    (['p50', 'p99'] as const).map((p) => ({
      id: `${k}_${p}_ms`,
      label: `${k.toUpperCase()} ${p} ms`,
      value: (l: LoadLevelFigures) => ms(l.latency[k][p]),
    })),
  ),
  {
    id: 'client_cpu_seconds_per_1k_output_tokens',
    label: 'client CPU s/1k tok',
    value: (l) => l.clientCpuPer1k,
  },
  {
    id: 'server_cpu_seconds_per_1k_output_tokens',
    label: 'server CPU s/1k tok',
    value: (l) => l.serverCpuPer1k,
  },
  { id: 'joules_per_1k_output_tokens', label: 'J/1k tok', value: (l) => l.joulesPer1k },
];

/** One level as it is in each run; `delta` is (run − baseline) ÷ baseline, null where unknown. */
export interface LevelComparison {
  level: string;
  /** Per metric id, per run id: the value (null: not measured, or the run has no such level). */
  values: Record<string, Record<string, number | null>>;
  delta: Record<string, Record<string, number | null>>;
  /** The runs that have this level. */
  runs: string[];
}

/**
 * The levels of the runs side by side, in the baseline's level order, then levels only later
 * runs have. Empty when no run is a load run.
 * @param runs run ids with their records (only the `load-level` ones are read); the first is the baseline
 */
export function compareLevels(
  runs: readonly { id: string; records: readonly OperationRecord[] }[],
): LevelComparison[] {
  const byRun = runs.map((r) => ({
    id: r.id,
    levels: new Map(loadLevelsOf(r.records).map((l) => [l.label, l])),
  }));
  const labels = [...new Set(byRun.flatMap((r) => [...r.levels.keys()]))];
  const baseline = byRun[0]!;
  return labels.map((level) => {
    const values: LevelComparison['values'] = {};
    const delta: LevelComparison['delta'] = {};
    for (const m of LEVEL_METRICS) {
      const base = baseline.levels.get(level);
      const b = base ? m.value(base) : null;
      values[m.id] = {};
      delta[m.id] = {};
      for (const r of byRun) {
        const l = r.levels.get(level);
        const v = l ? m.value(l) : null;
        values[m.id]![r.id] = v;
        if (r !== baseline) delta[m.id]![r.id] = v !== null && b !== null && b !== 0 ? (v - b) / b : null;
      }
    }
    return { level, values, delta, runs: byRun.filter((r) => r.levels.has(level)).map((r) => r.id) };
  });
}

/** The level comparison as text: one table per level, a row per figure, a column per run. */
export function compareLevelsText(levels: readonly LevelComparison[], runIds: readonly string[]): string {
  const parts = [`Load levels, matched by level (change against ${runIds[0]}):`];
  for (const c of levels) {
    const headers = [`level ${c.level}`, ...runIds.map((id, i) => (i === 0 ? `${id} (baseline)` : id))];
    const rows = LEVEL_METRICS.map((m) => [
      m.label,
      ...runIds.map((id, i) => {
        if (!c.runs.includes(id)) return 'no such level';
        const v = num(c.values[m.id]![id]);
        const d = c.delta[m.id]![id] ?? null;
        return i === 0 || d === null ? v : `${v} (${percent(d)})`;
      }),
    ]);
    parts.push(
      table(
        headers,
        rows,
        headers.map((_, i) => i > 0),
      ),
    );
  }
  return `${parts.join('\n')}\n`;
}
