/** Report section of scenario 5 (run store). */
import type { LatencyField, StoreData } from '../scenarios/store.js';
import { DUCKDB_P95, SQLITE_P95_OFFSET_GROUP, SQLITE_P95_WINDOW } from '../store/queries.js';
import { bytes, NA, num, sig, spreadCell, table, times } from './markdown.js';

function serverLine(d: StoreData): string {
  const s = d.server_perf;
  if (!s) return "`@llmmon/server`'s own store measurement has no result to quote.";
  const f = s.data.ingest_file;
  const q = s.data.query_latency;
  // Its result has carried latencies either directly or as cold/warm pairs: quote the cold one
  // (nothing cached: every operation scanned).
  const ms = (x: LatencyField | undefined) => x?.median_ms ?? x?.cold?.median_ms ?? null;
  const parts = [
    f
      ? `\`llmmon ingest\` of a ${num(f.operations, 0)}-operation metrics file (${num(f.file_mb, 0)} MB, DuckDB's JSON reader): ${num(f.operations_per_second, 0)} operations/s`
      : null,
    ms(q?.compare_two_runs) !== null
      ? `compare of two runs over ${num(q?.operations_stored ?? null, 0)} stored operations: ${num(ms(q?.compare_two_runs), 0)} ms`
      : null,
    ms(q?.compare_all_runs) !== null ? `compare of all runs: ${num(ms(q?.compare_all_runs), 0)} ms` : null,
    q?.compare_all_runs?.new_process?.median_ms !== undefined
      ? `the same compare in a new process, from the statistics kept in the file: ${num(q.compare_all_runs.new_process.median_ms, 0)} ms`
      : null,
    ms(q?.model_history) !== null ? `model history: ${num(ms(q?.model_history), 0)} ms` : null,
  ].filter(Boolean);
  if (parts.length === 0)
    return "`@llmmon/server`'s own store measurement's result has none of the figures quoted here.";
  return `For reference, \`@llmmon/server\`'s own store measurement (\`${s.source}\`, written ${s.written}): ${parts.join('; ')}.`;
}

function liveIngestLine(d: StoreData): string {
  const l = d.live_ingest;
  if (!l) return "`@llmmon/server`'s live-ingest measurement has no result to quote.";
  const r = l.data;
  const load = r.machine
    ? ` (${r.machine.cpus} CPUs, load average ${num(r.machine.load_average_before, 2)} before)`
    : '';
  return (
    `Live ingest over HTTP (\`${l.source}\`, written ${l.written}): ${r.clients} clients, each posting ` +
    `${r.batch_operations}-operation batches to one run one request at a time (as core's live push does) for ` +
    `${num(r.seconds, 0)} s, on the same machine as the server${load}: ${num(r.operations_per_second, 0)} ` +
    `operations/s, batch latency p50 ${num(r.latency_ms.p50, 0)} ms, p99 ${num(r.latency_ms.p99, 0)} ms, ` +
    `${num(r.operations_lost, 0)} acknowledged operations lost.`
  );
}

export function storeSection(d: StoreData): string {
  const o = d.options;
  const llmmonIngest = d.ingest.find((r) => r.sink === 'duckdb');
  const ingestRows = d.ingest.map((r) => [
    r.label,
    num(r.seconds, 1),
    num(r.operations_per_second, 0),
    spreadCell(r.per_run_ops_per_second, (x) => num(x, 0)),
    llmmonIngest ? times(r.operations_per_second / llmmonIngest.operations_per_second) : NA,
    bytes(d.bytes[r.sink]),
  ]);
  const duck = d.queries.find((q) => q.method === 'duckdb')?.seconds.median ?? null;
  const queryRows = d.queries.map((q) => [
    q.label,
    spreadCell(q.seconds, (x) => sig(x)),
    String(q.seconds.n),
    duck ? times((q.seconds.median ?? Number.NaN) / duck) : NA,
    q.max_abs_diff === null
      ? 'not compared'
      : q.max_abs_diff === 0
        ? 'identical'
        : `≤ ${q.max_abs_diff.toExponential(0)}`,
  ]);
  const ingestOps = o.ingestRuns * o.opsPerRun;
  return [
    `${num(d.operations, 0)} operations in ${o.runs} runs of ${num(o.opsPerRun, 0)}, five models dealt ` +
      "round-robin, in the original monitor's format (its thirteen fields). The same runs are kept three ways: " +
      "llmmon's DuckDB store (`Store` of `@llmmon/server`, tables from core's schema), better-sqlite3 with the " +
      'same tables and indexes (`runs` keyed by id, no index on `operations`: the DuckDB store has none either) in ' +
      'WAL mode with synchronous=NORMAL, and one metrics JSON file per run (what users of the original monitor ' +
      `kept). The first ${o.ingestRuns} runs are ingested into each (timed; one sink after the other, llmmon last, ` +
      "because a second after a write its store computes the run's statistics in the background for its cache); " +
      `the other ${o.runs - o.ingestRuns} are copies of those under new ids made inside each store ` +
      `(INSERT … SELECT, hard links for the files; setup, not timed as ingest: DuckDB ${num(d.copy_seconds.duckdb ?? null, 1)} s, ` +
      `SQLite ${num(d.copy_seconds.sqlite ?? null, 1)} s, files ${num(d.copy_seconds.json ?? null, 1)} s).`,
    '',
    `**Ingest of ${num(ingestOps, 0)} operations** (llmmon: \`Store.ingest\` of the records, one transaction per ` +
      'run through the appender; SQLite: one prepared INSERT per row, one transaction per run; JSON: ' +
      '`JSON.stringify` + write of the run file). Size on disk after all runs:',
    '',
    table(
      ['sink', 'seconds', 'operations/s', 'per run, operations/s', '÷ llmmon rate', `size (${o.runs} runs)`],
      ingestRows,
    ),
    '',
    `**p95 of duration per model per run over ${num(d.operations, 0)} operations** (${
      d.queries.find((q) => q.method === 'duckdb')?.groups ?? NA
    } groups). Every answer is checked against DuckDB's (a method that disagrees by more than 1e-9 fails the ` +
      'run). SQLite has no percentile aggregate: the window-function query ranks each group and interpolates ' +
      "between ranks ⌊(n−1)·0.95⌋ and the next (type 7, DuckDB's `quantile_cont`); the OFFSET method asks each " +
      `group for 2 rows at that offset through an index on (run_id, model_name, duration_seconds), which took ` +
      `${num(d.sqlite_index_seconds, 1)} s to build. The slow methods run fewer times (column "runs").`,
    '',
    table(['method', 'seconds', 'runs', '÷ llmmon p95 query time', 'answer vs DuckDB'], queryRows),
    '',
    serverLine(d),
    '',
    liveIngestLine(d),
    '',
    '<details><summary>The queries</summary>',
    '',
    '```sql',
    '-- llmmon (DuckDB)',
    DUCKDB_P95,
    '-- better-sqlite3, window functions',
    SQLITE_P95_WINDOW.trim(),
    '-- better-sqlite3, OFFSET (per group, then interpolated in JS)',
    `${SQLITE_P95_OFFSET_GROUP}  -- OFFSET ⌊(n−1)·0.95⌋`,
    '```',
    '',
    '</details>',
  ].join('\n');
}
