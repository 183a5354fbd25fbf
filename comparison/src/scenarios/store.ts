/**
 * Scenario 5, run store: the same runs kept three ways, side by side in one process —
 * llmmon's DuckDB store (`Store` from `@llmmon/server`: `ingest` through the appender, plain SQL
 * on a connection to the same DuckDB instance), better-sqlite3 with the same tables and indexes
 * (`store/sqlite.ts`), and one metrics JSON file per run scanned in JS (`store/json.ts`).
 *
 * - Ingest: the first `ingestRuns` runs (1,000,000 operations by default), timed per run and
 *   sink, one sink after the other (llmmon's last: see below). The data are llmmon records of
 *   original-format runs (`syntheticRun` of `@llmmon/testkit`); the JSON sink writes the original
 *   format. The other runs are copies of those under new ids, made inside each store (INSERT …
 *   SELECT; file copies): the query's work does not depend on the values, and generating 10M
 *   rows three ways would take minutes.
 * - Query: p95 of duration per model per run over all `runs` (10,000,000 operations by default):
 *   DuckDB `quantile_cont … GROUP BY`; SQLite with window functions, then with the index a
 *   SQLite user would add for it (run_id, model_name, duration_seconds) and ORDER BY + OFFSET
 *   per group (its fastest way; window functions over that index are faster than without it
 *   but far behind OFFSET, and are left out to save time);
 *   JSON: read + parse + sort per group. Every method's answer is checked against
 *   DuckDB's (to 1e-9) — a method that disagrees fails the scenario. Also timed: the full
 *   per-model statistics llmmon's run view and compare compute (`Store.modelStats`).
 */
import { link, mkdir, mkdtemp, readdir, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { DuckDBConnection } from '@duckdb/node-api';
import { openDatabase, Store } from '@llmmon/server';
import { runId, syntheticRun } from '@llmmon/testkit';
import { now, sleep } from '../lib/clock.js';
import { packageResult } from '../lib/package-results.js';
import { type Spread, spread } from '../lib/stats.js';
import { jsonP95, writeRunFile } from '../store/json.js';
import { DUCKDB_P95 } from '../store/queries.js';
import {
  openSqlite,
  SQLITE_P95_WINDOW,
  sqliteCopyRuns,
  sqliteIngest,
  sqliteP95Offset,
} from '../store/sqlite.js';

export interface StoreOptions {
  runs: number;
  opsPerRun: number;
  /** Runs whose ingest is the ingest figure (ingestRuns × opsPerRun operations). */
  ingestRuns: number;
  /** Timed repetitions of each query; the slow ones (SQLite window functions over the whole
   * table, the JSON scan) take tens of seconds each at 10M and run fewer times. */
  reps: { duckdb: number; sqlite: number; sqliteSlow: number; json: number };
  seed: number;
}

export const STORE_DEFAULTS: StoreOptions = {
  runs: 100,
  opsPerRun: 100_000,
  ingestRuns: 10,
  reps: { duckdb: 5, sqlite: 3, sqliteSlow: 2, json: 1 },
  seed: 1,
};

export interface IngestRow {
  sink: string;
  label: string;
  /** Seconds to ingest the first ingestRuns runs. */
  seconds: number;
  operations_per_second: number;
  /** Per-run ingest rate, operations/s (spread over those runs). */
  per_run_ops_per_second: Spread;
}

export interface QueryRow {
  method: string;
  label: string;
  seconds: Spread;
  /** Rows it answered (per-(run, model) groups). */
  groups: number;
  /** Largest |p95 − DuckDB's p95| over the groups. */
  max_abs_diff: number | null;
}

export interface StoreData {
  options: StoreOptions;
  operations: number;
  ingest: IngestRow[];
  /** Seconds to copy the ingested runs up to `runs` inside each store (setup), per sink. */
  copy_seconds: Record<string, number>;
  /** Bytes on disk after the fill. */
  bytes: Record<string, number>;
  sqlite_index_seconds: number;
  queries: QueryRow[];
  /** `@llmmon/server`'s own store measurement (file ingest, compare latency), for reference; null when it has none. */
  server_perf: { source: string; written: string; data: ServerPerf } | null;
  /** `@llmmon/server`'s live-ingest measurement (concurrent clients over HTTP); absent or null when it has none. */
  live_ingest?: { source: string; written: string; data: LiveIngestPerf } | null;
}

/** The fields of `@llmmon/server`'s live-ingest measurement (perf/live-ingest.ts) quoted here. */
export interface LiveIngestPerf {
  clients: number;
  batch_operations: number;
  seconds: number;
  operations_per_second: number;
  operations_lost: number;
  latency_ms: { p50: number | null; p99: number | null };
  machine?: { cpus: number; load_average_before: number };
}

/** A latency in `@llmmon/server`'s store measurement's result (directly, or cold and warm). */
export interface LatencyField {
  median_ms?: number;
  cold?: { median_ms?: number };
  new_process?: { median_ms?: number };
}

/** The fields of `@llmmon/server`'s store measurement's result quoted here. */
export interface ServerPerf {
  ingest_file?: { operations: number; file_mb: number; operations_per_second: number };
  query_latency?: {
    operations_stored: number;
    compare_all_runs?: LatencyField;
    compare_two_runs?: LatencyField;
    model_history?: LatencyField;
  };
}

/** `@llmmon/server`'s newest result of one of its own measurements, for reference; null when it has none. */
function serverResult<T>(prefix: string): { source: string; written: string; data: T } | null {
  try {
    const r = packageResult<T>('@llmmon/server', prefix, false);
    return { source: r.file, written: r.written, data: r.data };
  } catch {
    return null;
  }
}

type P95Row = { run_id: string; model_name: string; p95: number };

function maxDiff(a: readonly P95Row[], reference: readonly P95Row[]): number {
  if (a.length !== reference.length)
    throw new Error(`comparison: ${a.length} groups, DuckDB has ${reference.length}`);
  let worst = 0;
  a.forEach((r, i) => {
    const ref = reference[i]!;
    if (r.run_id !== ref.run_id || r.model_name !== ref.model_name) {
      throw new Error(
        `comparison: group ${i} is ${r.run_id}/${r.model_name}, DuckDB's is ${ref.run_id}/${ref.model_name}`,
      );
    }
    worst = Math.max(worst, Math.abs(r.p95 - ref.p95));
  });
  return worst;
}

async function dirBytes(dir: string): Promise<number> {
  let total = 0;
  for (const name of await readdir(dir)) total += (await stat(path.join(dir, name))).size;
  return total;
}

export async function runStore(options: StoreOptions = STORE_DEFAULTS): Promise<StoreData> {
  const dir = await mkdtemp(path.join(tmpdir(), 'llmmon-comparison-store-'));
  const jsonDir = path.join(dir, 'json');
  await mkdir(jsonDir);
  const duckDir = path.join(dir, 'duckdb');
  const sqliteDir = path.join(dir, 'sqlite');
  await mkdir(duckDir);
  await mkdir(sqliteDir);
  const duckFile = path.join(duckDir, 'llmmon.duckdb');
  let store = await Store.open(duckFile);
  // A handle of its own on the store's file (the same DuckDB instance): the setup's copies and the
  // plain-SQL query run on it, and it keeps the instance, and its buffers, alive while the store
  // is reopened with its kept statistics emptied.
  const duck = await openDatabase(duckFile);
  const onDuck = async <T>(fn: (c: DuckDBConnection) => Promise<T>): Promise<T> => {
    const c = await duck.connect();
    try {
      return await fn(c);
    } finally {
      c.closeSync();
    }
  };
  const sqlite = openSqlite(path.join(sqliteDir, 'runs.sqlite'));
  try {
    const sinks = [
      {
        sink: 'duckdb',
        label: 'llmmon (DuckDB, Store.ingest)',
        put: async (run: ReturnType<typeof syntheticRun>) => {
          await store.ingest({ run: run.header, operations: run.records });
        },
      },
      {
        sink: 'sqlite',
        label: 'better-sqlite3 (prepared INSERT, one transaction per run)',
        put: async (run: ReturnType<typeof syntheticRun>) => {
          sqliteIngest(sqlite, run.header, run.records as unknown as Record<string, unknown>[]);
        },
      },
      {
        sink: 'json',
        label: 'JSON files (JSON.stringify + write, one file per run)',
        put: async (run: ReturnType<typeof syntheticRun>) =>
          writeRunFile(jsonDir, run.header.id, run.original),
      },
    ];
    const perRun = sinks.map(() => [] as number[]);
    const runs = Array.from({ length: options.ingestRuns }, (_, i) =>
      syntheticRun(i, options.opsPerRun, options.seed),
    );
    // One sink after the other, llmmon's last: a second after its last write to a run, the store
    // computes that run's summary and statistics in the background (so the first compare is
    // answered from its cache); that work must not land inside another sink's timing.
    for (const k of [2, 1, 0]) {
      for (const run of runs) {
        const t0 = now();
        await sinks[k]!.put(run);
        perRun[k]!.push(now() - t0);
      }
    }
    await sleep(3000); // let the background statistics finish before anything else is timed
    // The other runs are copies of the ingested ones under new ids, made inside each store
    // (INSERT … SELECT; hard links): setup, not measured as ingest.
    const copies: { id: string; from: string }[] = [];
    for (let i = options.ingestRuns; i < options.runs; i++)
      copies.push({ id: runId(i), from: runId(i % options.ingestRuns) });
    let t0 = now();
    await onDuck(async (c) => {
      // One statement per table: every source row is read once, whatever the number of copies.
      const mapping = copies.map(({ id, from }) => `('${id}', '${from}')`).join(', ');
      await c.run(
        `INSERT INTO runs SELECT r.* REPLACE (m.id AS id) FROM runs r JOIN (VALUES ${mapping}) m(id, src) ON r.id = m.src`,
      );
      await c.run(
        `INSERT INTO operations SELECT o.* REPLACE (m.id AS run_id) FROM operations o JOIN (VALUES ${mapping}) m(id, src) ON o.run_id = m.src`,
      );
    });
    const copySeconds: Record<string, number> = { duckdb: now() - t0 };
    t0 = now();
    sqliteCopyRuns(sqlite, copies);
    copySeconds.sqlite = now() - t0;
    t0 = now();
    // Hard links: the scan reads (and parses) every file in full either way; copying 4 GB would
    // only add setup time and disk.
    for (const { id, from } of copies) {
      await link(path.join(jsonDir, `metrics_${from}.json`), path.join(jsonDir, `metrics_${id}.json`));
    }
    copySeconds.json = now() - t0;
    sqlite.pragma('wal_checkpoint(TRUNCATE)');
    await onDuck((c) => c.run('CHECKPOINT'));
    const ingestOps = options.ingestRuns * options.opsPerRun;
    const ingest: IngestRow[] = sinks.map((s, k) => {
      const seconds = perRun[k]!.reduce((a, b) => a + b, 0);
      return {
        sink: s.sink,
        label: s.label,
        seconds,
        operations_per_second: ingestOps / seconds,
        per_run_ops_per_second: spread(perRun[k]!.map((t) => options.opsPerRun / t)),
      };
    });

    // ── queries ──
    const runIds = Array.from({ length: options.runs }, (_, i) => runId(i));
    const methods: {
      method: string;
      label: string;
      reps: number;
      /** Untimed, before each timed run. */
      before?: () => Promise<void>;
      run: () => Promise<P95Row[] | null>;
    }[] = [
      {
        method: 'duckdb',
        label: 'llmmon (DuckDB): quantile_cont … GROUP BY run_id, model_name',
        reps: options.reps.duckdb,
        run: () =>
          onDuck(async (c) =>
            (await c.runAndReadAll(DUCKDB_P95)).getRowsJS().map(([run_id, model_name, p95]) => ({
              run_id: String(run_id),
              model_name: String(model_name),
              p95: Number(p95),
            })),
          ),
      },
      {
        method: 'duckdb-stats',
        label:
          'llmmon (DuckDB): Store.modelStats, every per-model statistic of every run (its caches, in memory and in the file, emptied first)',
        reps: options.reps.sqlite,
        before: async () => {
          // A fresh store (nothing in memory) on the file without the statistics kept in it.
          await store.close();
          await onDuck((c) => c.run('DELETE FROM llmmon_run_cache'));
          store = await Store.open(duckFile);
        },
        run: async () => {
          await store.modelStats(runIds, []);
          return null;
        },
      },
      {
        method: 'duckdb-stats-cached',
        label: "llmmon (DuckDB): Store.modelStats again, from the store's per-run cache",
        reps: options.reps.sqlite,
        run: async () => {
          await store.modelStats(runIds, []);
          return null;
        },
      },
      {
        method: 'sqlite-window',
        label: 'better-sqlite3, same indexes: window functions (ROW_NUMBER/COUNT OVER)',
        reps: options.reps.sqliteSlow,
        run: async () => sqlite.prepare(SQLITE_P95_WINDOW).all() as P95Row[],
      },
      {
        method: 'json',
        label: 'JSON files: read + JSON.parse + sort per model, in JS',
        reps: options.reps.json,
        run: () => jsonP95(jsonDir),
      },
    ];
    const indexed: typeof methods = [
      {
        method: 'sqlite-offset-indexed',
        label: 'better-sqlite3 + index: ORDER BY … LIMIT 2 OFFSET per group',
        reps: options.reps.sqlite,
        run: async () => sqliteP95Offset(sqlite),
      },
    ];
    const reference = (await methods[0]!.run())!;
    const timings = new Map<string, number[]>();
    const diffs = new Map<string, number | null>();
    const groups = new Map<string, number>();
    const rounds = async (list: typeof methods) => {
      const most = Math.max(...list.map((m) => m.reps));
      for (let r = 0; r < most; r++) {
        for (const m of list) {
          if (r >= m.reps) continue;
          await m.before?.();
          const t0 = now();
          const rows = await m.run();
          const seconds = now() - t0;
          timings.set(m.method, [...(timings.get(m.method) ?? []), seconds]);
          if (rows) {
            diffs.set(m.method, maxDiff(rows, reference));
            groups.set(m.method, rows.length);
          }
        }
      }
    };
    await rounds(methods);
    const i0 = now();
    sqlite.exec(
      'CREATE INDEX operations_run_model_duration ON operations (run_id, model_name, duration_seconds)',
    );
    const indexSeconds = now() - i0;
    await rounds(indexed);

    const bytes = {
      duckdb: await dirBytes(duckDir),
      sqlite: await dirBytes(sqliteDir),
      json: await dirBytes(jsonDir),
    };
    const queries: QueryRow[] = [...methods, ...indexed].map((m) => ({
      method: m.method,
      label: m.label,
      seconds: spread(timings.get(m.method) ?? []),
      groups: groups.get(m.method) ?? reference.length,
      max_abs_diff: diffs.get(m.method) ?? null,
    }));
    for (const q of queries) {
      if (q.max_abs_diff !== null && q.max_abs_diff > 1e-9) {
        throw new Error(`comparison: ${q.method} disagrees with DuckDB's p95 by ${q.max_abs_diff}`);
      }
    }
    return {
      options,
      operations: options.runs * options.opsPerRun,
      ingest,
      copy_seconds: copySeconds,
      bytes,
      sqlite_index_seconds: indexSeconds,
      queries,
      server_perf: serverResult<ServerPerf>('store-'),
      live_ingest: serverResult<LiveIngestPerf>('live-ingest-'),
    };
  } finally {
    sqlite.close();
    await store.close();
    duck.close();
    await rm(dir, { recursive: true, force: true });
  }
}
