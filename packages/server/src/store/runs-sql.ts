/** SQL for run summaries (`RunSummary`): the run header plus what is stored for it. */
import type { RunSummary } from '@llmmon/core/schema';
import { rowReader, selectColumns } from '../db/records.js';
import { RUNS } from '../db/tables.js';
import { inDateRange, microsToIso } from '../db/timestamps.js';

/**
 * Summaries of the runs whose ids `selection` (a SELECT of one `id` column) yields, newest first.
 * One pass over the selected runs' operations grouped by (run, model, kind), rolled up twice so
 * that models and kinds come out in order of their first operation.
 */
export function runSummariesSql(selection: string): string {
  const inSel = `run_id IN (SELECT id FROM sel)`;
  return `
WITH sel AS (${selection}),
groups AS (
  SELECT run_id, model_name, operation, min(seq) AS first_seq, count(*) AS n,
         count(*) FILTER (WHERE status = 'error') AS errors,
         min(epoch_us("timestamp")) AS first_us,
         max(epoch_us("timestamp") + round(duration_seconds * 1e6)) AS last_end_us,
         sum(duration_seconds) AS dur
  FROM operations WHERE ${inSel} GROUP BY run_id, model_name, operation),
per_model AS (SELECT run_id, model_name, min(first_seq) AS first_seq FROM groups GROUP BY run_id, model_name),
per_kind AS (SELECT run_id, operation, min(first_seq) AS first_seq FROM groups GROUP BY run_id, operation),
ops AS (
  SELECT run_id, sum(n) AS n, sum(errors) AS errors, min(first_us) AS first_us,
         max(last_end_us) AS last_end_us, sum(dur) AS dur
  FROM groups GROUP BY run_id),
models AS (SELECT run_id, list(model_name ORDER BY first_seq, model_name) AS models FROM per_model GROUP BY run_id),
kinds AS (SELECT run_id, list(operation ORDER BY first_seq, operation) AS kinds FROM per_kind GROUP BY run_id),
s AS (SELECT run_id, count(*) AS n FROM samples WHERE ${inSel} GROUP BY run_id),
a AS (SELECT run_id, count(*) AS n FROM alerts WHERE ${inSel} GROUP BY run_id)
SELECT ${selectColumns(RUNS, 'r')},
       coalesce(ops.n, 0), coalesce(ops.errors, 0), coalesce(models.models, []), coalesce(kinds.kinds, []),
       coalesce(s.n, 0), coalesce(a.n, 0), ops.first_us, TRY_CAST(ops.last_end_us AS BIGINT), coalesce(ops.dur, 0)
FROM runs r
LEFT JOIN ops ON ops.run_id = r.id LEFT JOIN models ON models.run_id = r.id LEFT JOIN kinds ON kinds.run_id = r.id
LEFT JOIN s ON s.run_id = r.id LEFT JOIN a ON a.run_id = r.id
WHERE r.id IN (SELECT id FROM sel)
ORDER BY r.started_at DESC, r.id`;
}

const readRun = rowReader<Record<string, unknown>>(RUNS);
/** An instant as ISO 8601; null when unknown, or beyond what a date holds (a duration of 1e308 s). */
const iso = (v: unknown) => (v == null || !inDateRange(v as bigint) ? null : microsToIso(v as bigint));

/** A row of `runSummariesSql` (JS values) as a `RunSummary`. */
export function toRunSummary(row: readonly unknown[]): RunSummary {
  const k = RUNS.columns.length;
  const header = readRun(row.slice(0, k));
  return {
    ...header,
    operations: Number(row[k]),
    errors: Number(row[k + 1]),
    models: row[k + 2] as string[],
    operation_kinds: row[k + 3] as string[],
    samples: Number(row[k + 4]),
    alerts: Number(row[k + 5]),
    first_operation_at: iso(row[k + 6]),
    last_operation_end_at: iso(row[k + 7]),
    total_duration_seconds: Number(row[k + 8]),
  } as RunSummary;
}
