/**
 * The run store: one DuckDB file, written by one serialized writer (every ingest is one
 * transaction, so DuckDB's optimistic concurrency never sees two writers collide and the
 * duplicate check of an ingest sees every earlier one), read by a small pool of connections,
 * and queried by users on connections of their own.
 */
import { EventEmitter } from 'node:events';
import { readFile, stat, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import type { DuckDBConnection, DuckDBType } from '@duckdb/node-api';
import {
  type Alert,
  type CompareResponse,
  DEFAULT_STATS_EXCLUDED_OPERATIONS,
  type DeleteRunResponse,
  type HistoryResponse,
  type IngestCounts,
  type IngestResponse,
  type MetricsFile,
  type NormalizeOptions,
  normalizeMetrics,
  type OperationRecord,
  type RunHeader,
  type RunModelStats,
  type RunSummary,
  SAMPLE_COLUMNS,
  type Sample,
} from '@llmmon/core/schema';
import { type Database, openDatabase } from '../db/database.js';
import { DEFAULT_DB_PATH } from '../db/default-path.js';
import { migrate, storedColumns } from '../db/migrations.js';
import { appendRecords, rowReader, selectColumns } from '../db/records.js';
import { ALERTS, ident, literal, OPERATIONS, RUNS, SAMPLES, type Table } from '../db/tables.js';
import { isoToMicros, microsToIso } from '../db/timestamps.js';
import { compareModels } from './compare.js';
import { InputError, NotFoundError } from './errors.js';
import {
  type CacheEntry,
  createCacheTable,
  dropEntries,
  fingerprints,
  readEntries,
  writeEntries,
} from './persisted-cache.js';
import { type QueryOptions, type QueryResult, runUserQuery } from './query.js';
import { RunCache } from './run-cache.js';
import { runSummariesSql, toRunSummary } from './runs-sql.js';
import { type ModelStatsRow, modelStats, modelStatsSql, readModelStats } from './stats-sql.js';

/** What a stored batch added (only new rows), as the `ingest` event and the ingest result carry it. */
export interface IngestEvent {
  run_id: string;
  created: boolean;
  /** Whether it came as a live batch (not a whole file). */
  live: boolean;
  /** Empty for a file stored through the bulk reader (`ingestFile` over its threshold): its records never reach JS. */
  operations: OperationRecord[];
  samples: Sample[];
  alerts: Alert[];
}

export interface IngestResult extends IngestResponse {
  added: IngestEvent;
}

/** A batch to store: a run header and any of its operations, samples, alerts. */
export interface IngestBatch {
  run: RunHeader;
  operations?: readonly OperationRecord[];
  samples?: readonly Sample[];
  alerts?: readonly Alert[];
}

interface TableMeta {
  order: string[];
  types: DuckDBType[];
}

/** Quiet time after a run's last write before its statistics are computed in the background. */
const WARM_DELAY_MS = 1000;

/** Names of cached values, in memory and in the file (persisted-cache.ts): summaries, statistics per exclusion list. */
const SUMMARY_ENTRY = 'summary';
const statsEntry = (exclude: readonly string[]) => `stats ${JSON.stringify([...exclude].sort())}`;

const alertKey = (a: Alert) => JSON.stringify([a.timestamp, a.metric, a.model_name, a.operation, a.seq]);

const counts = (received: number, inserted: number): IngestCounts => ({
  received,
  inserted,
  duplicates: received - inserted,
});

/**
 * Opens the store on a DuckDB file (created and migrated as needed).
 * @example
 * const store = await Store.open('data/llmmon.duckdb');
 * await store.ingest(normalizeMetrics(JSON.parse(text)));
 * console.log(await store.listRuns());
 * store.close();
 */
export class Store extends EventEmitter<{ ingest: [IngestEvent]; delete: [{ run_id: string }] }> {
  private queue: Promise<unknown> = Promise.resolve();
  private readonly idle: DuckDBConnection[] = [];
  private closed = false;
  private closing: Promise<void> | null = null;
  /** Reads under way: closing a connection in the middle of a query never returns. */
  private readonly inflight = new Set<Promise<unknown>>();
  private scratchCounter = 0;
  private readonly summaries = new RunCache<RunSummary>();
  private readonly stats = new RunCache<ModelStatsRow[]>();
  private readonly fingerprints = new RunCache<string>();
  private readonly warmTimers = new Map<string, NodeJS.Timeout>();
  private warming: Promise<unknown> = Promise.resolve();

  private constructor(
    readonly db: Database,
    private readonly writer: DuckDBConnection,
    private readonly meta: Map<string, TableMeta>,
    readonly schemaVersion: number,
  ) {
    super();
  }

  static async open(path: string = DEFAULT_DB_PATH): Promise<Store> {
    const db = await openDatabase(path);
    try {
      const writer = await db.connect();
      const version = await migrate(writer);
      await createCacheTable(writer);
      const meta = new Map<string, TableMeta>();
      for (const table of [RUNS, OPERATIONS, SAMPLES, ALERTS]) {
        const order = await storedColumns(writer, table.name);
        const reader = await writer.runAndReadAll(`SELECT * FROM ${ident(table.name)} LIMIT 0`);
        meta.set(table.name, { order, types: reader.columnTypes() });
      }
      return new Store(db, writer, meta, version);
    } catch (error) {
      db.close();
      throw error;
    }
  }

  /** Absolute path of the DuckDB file. */
  get path(): string {
    return this.db.path;
  }

  /**
   * Closes every connection; the last store on a file releases it. Waits for running writes and
   * for computed statistics to be kept in the file (so a short-lived CLI process leaves them).
   */
  close(): Promise<void> {
    this.closing ??= (async () => {
      for (const timer of this.warmTimers.values()) clearTimeout(timer);
      this.warmTimers.clear();
      // A read that finishes may queue more background work, and that work reads again.
      for (;;) {
        const warming = this.warming;
        await Promise.allSettled([...this.inflight]);
        await warming;
        if (this.inflight.size === 0 && warming === this.warming) break;
      }
      this.closed = true;
      await this.queue.catch(() => {});
      this.db.close();
    })();
    return this.closing;
  }

  // ── connections ─────────────────────────────────────────────────────────────────────────────

  /** Runs `fn` after every earlier write has finished, alone. */
  exclusive<T>(fn: (c: DuckDBConnection) => Promise<T>): Promise<T> {
    if (this.closed) return Promise.reject(new Error('store is closed'));
    const run = this.queue.then(() => fn(this.writer));
    this.queue = run.catch(() => {});
    return run;
  }

  /** Runs `fn` on a pooled read connection. */
  read<T>(fn: (c: DuckDBConnection) => Promise<T>): Promise<T> {
    return this.track(async () => {
      const c = this.idle.pop() ?? (await this.db.connect());
      try {
        return await fn(c);
      } finally {
        if (this.closed) c.closeSync();
        else this.idle.push(c);
      }
    });
  }

  /** Runs `fn` on a fresh connection closed afterwards (user SQL: interruptible on its own). */
  isolated<T>(fn: (c: DuckDBConnection) => Promise<T>): Promise<T> {
    return this.track(async () => {
      const c = await this.db.connect();
      try {
        return await fn(c);
      } finally {
        c.closeSync();
      }
    });
  }

  /**
   * Runs one user query (read-only, sandboxed, limited: see query.ts) on a connection of its own.
   * @throws QueryRefusedError, QueryTimeoutError, InputError naming the problem
   */
  query(sql: string, options: QueryOptions): Promise<QueryResult> {
    return this.isolated((c) => runUserQuery(c, sql, options));
  }

  /** Runs `fn` as a read that `close()` waits for. */
  private async track<T>(fn: () => Promise<T>): Promise<T> {
    if (this.closed) throw new Error('store is closed');
    const run = fn();
    this.inflight.add(run);
    try {
      return await run;
    } finally {
      this.inflight.delete(run);
    }
  }

  /** A path in the sandbox's scratch folder (the only place DuckDB may read or write files). */
  scratchPath(extension: string): string {
    return join(this.db.scratchDir, `${process.pid}-${Date.now()}-${++this.scratchCounter}.${extension}`);
  }

  /**
   * @internal Forgets what is cached about a run; every write calls it right after its commit
   * (see run-cache.ts).
   */
  invalidate(runId: string, options: { warm?: boolean } = {}): void {
    this.summaries.invalidate(runId);
    this.stats.invalidate(runId);
    this.fingerprints.invalidate(runId);
    if (options.warm !== false) this.scheduleWarm(runId);
  }

  /**
   * Once writes to a run settle (none for `WARM_DELAY_MS`), computes its summary and default
   * per-model statistics in the background, so that the first list, compare or history after an
   * ingest is answered from the cache instead of scanning the run's operations.
   */
  private scheduleWarm(runId: string): void {
    clearTimeout(this.warmTimers.get(runId));
    const timer = setTimeout(() => {
      this.warmTimers.delete(runId);
      this.warming = this.warming
        .then(async () => {
          if (this.closed) return;
          await this.runSummaries([runId], true);
          await this.modelStats([runId], DEFAULT_STATS_EXCLUDED_OPERATIONS);
        })
        .catch(() => {});
    }, WARM_DELAY_MS);
    timer.unref();
    this.warmTimers.set(runId, timer);
  }

  /** Current fingerprints of the stored runs among `ids` (cached per run until it changes). */
  private async fingerprintsOf(ids: readonly string[]): Promise<Map<string, string>> {
    const out = new Map<string, string>();
    const todo: string[] = [];
    for (const id of ids) {
      const fp = this.fingerprints.get(id);
      if (fp === undefined) todo.push(id);
      else out.set(id, fp);
    }
    if (todo.length) {
      const generations = new Map(todo.map((id) => [id, this.fingerprints.generation(id)]));
      for (const [id, fp] of await this.read((c) => fingerprints(c, todo))) {
        out.set(id, fp);
        this.fingerprints.set(id, generations.get(id)!, fp);
      }
    }
    return out;
  }

  /**
   * Values of `entry` kept in the file for `ids` whose runs have not changed since. The runs'
   * fingerprints are read only when there are entries to check (a run's first read pays nothing).
   */
  private async storedEntries(entry: string, ids: readonly string[]): Promise<Map<string, unknown>> {
    const stored = await this.read((c) => readEntries(c, entry, ids));
    const valid = new Map<string, unknown>();
    if (stored.size === 0) return valid;
    const current = await this.fingerprintsOf([...stored.keys()]);
    for (const [id, { fingerprint, value }] of stored) {
      if (current.get(id) === fingerprint) valid.set(id, value);
    }
    return valid;
  }

  /**
   * Keeps computed values in the file, in the background (after the writes queued before), for
   * the runs that did not change since `generations` were read from `cache`. On the writer's
   * turn no write is under way, so the fingerprint read then is the one the values belong to.
   */
  private keep<V>(
    entry: string,
    values: ReadonlyMap<string, V>,
    cache: RunCache<unknown>,
    generations: ReadonlyMap<string, number>,
  ): void {
    if (values.size === 0) return;
    this.warming = this.warming
      .then(() =>
        this.exclusive(async (c) => {
          const ids = [...values.keys()].filter((id) => cache.generation(id) === generations.get(id));
          const current = await this.fingerprintsOf(ids);
          const entries: CacheEntry[] = [];
          for (const id of ids) {
            const fingerprint = current.get(id);
            if (fingerprint !== undefined)
              entries.push({ run_id: id, entry, fingerprint, value: values.get(id) });
          }
          await writeEntries(c, entries);
        }),
      )
      .catch(() => {});
  }

  /**
   * @internal For benchmarks: forgets what is known about the runs, in memory and in the file,
   * once the background work under way is done.
   */
  async forgetCached(ids: readonly string[]): Promise<void> {
    await this.warming;
    for (const id of ids) this.invalidate(id, { warm: false });
    await this.exclusive((c) => dropEntries(c, ids));
  }

  // ── writes ──────────────────────────────────────────────────────────────────────────────────

  /**
   * Stores a batch in one transaction: creates the run if new (a later header's non-null
   * `ended_at` is kept), skips operations whose `(run_id, seq)`, samples whose `(run_id, t)` and
   * alerts whose key are stored already (retries are harmless).
   * @param options.live live batches need every operation's `seq` (the idempotency key); whole
   *   files get `seq` = position where it is missing, as `normalizeMetrics` gives original files
   * @throws InputError naming the field (nothing is stored)
   */
  async ingest(batch: IngestBatch, options: { live?: boolean } = {}): Promise<IngestResult> {
    const { run } = batch;
    const operations = (batch.operations ?? []).map((op, i) => {
      if (op.run_id !== null && op.run_id !== run.id) {
        throw new InputError(
          `operations[${i}].run_id: ${JSON.stringify(op.run_id)} is not the run's id ${JSON.stringify(run.id)}`,
        );
      }
      if (op.seq === null && options.live) {
        throw new InputError(`operations[${i}].seq: required in live batches (it makes retries idempotent)`);
      }
      return op.seq === null || op.run_id === null ? { ...op, run_id: run.id, seq: op.seq ?? i } : op;
    });
    const samples = batch.samples ?? [];
    const alerts = batch.alerts ?? [];
    const live = options.live ?? false;

    const result = await this.exclusive(async (c) => {
      await c.run('BEGIN TRANSACTION');
      try {
        const created = await this.upsertRun(c, run);
        const added = await this.addRows(c, run.id, created, operations, samples, alerts);
        await c.run('COMMIT');
        this.invalidate(run.id);
        return { created, ...added };
      } catch (error) {
        await c.run('ROLLBACK').catch(() => {});
        throw error;
      }
    });
    const added: IngestEvent = {
      run_id: run.id,
      created: result.created,
      live,
      operations: result.newOps,
      samples: result.newSamples,
      alerts: result.newAlerts,
    };
    this.emit('ingest', added);
    return {
      run_id: run.id,
      created: result.created,
      operations: counts(operations.length, result.newOps.length),
      samples: counts(samples.length, result.newSamples.length),
      alerts: counts(alerts.length, result.newAlerts.length),
      added,
    };
  }

  /**
   * Stores a metrics file from disk (llmmon's format or the original monitor's). Files up to
   * `bulkThresholdBytes` are parsed and validated in JS exactly as `POST /api/runs` does; larger
   * ones go through DuckDB's JSON reader (`bulk.ts`): the only way past V8's string limit, and
   * several times faster.
   */
  async ingestFile(
    path: string,
    options: NormalizeOptions & { bulkThresholdBytes?: number } = {},
  ): Promise<IngestResult> {
    const { size } = await stat(path);
    if (size > (options.bulkThresholdBytes ?? 64 * 1024 * 1024)) {
      const { bulkIngestFile } = await import('./bulk.js');
      return bulkIngestFile(this, path, options);
    }
    const text = await readFile(path, 'utf8');
    let json: unknown;
    try {
      json = JSON.parse(text.replace(/^\uFEFF/, ''));
    } catch (error) {
      throw new InputError(`${path}: not JSON (${(error as Error).message})`);
    }
    return this.ingest(normalizeMetrics(json, options));
  }

  /** @internal Inserts or updates the run row; true when it was created. */
  async upsertRun(c: DuckDBConnection, run: RunHeader): Promise<boolean> {
    const exists = await c.runAndReadAll('SELECT 1 FROM runs WHERE id = $1', [run.id]);
    const now = new Date().toISOString();
    if (exists.currentRowCount > 0) {
      const ended = run.ended_at === null ? 'NULL' : `make_timestamptz(${isoToMicros(run.ended_at)})`;
      await c.run(
        `UPDATE runs SET ended_at = coalesce(${ended}, ended_at), updated_at = make_timestamptz(${isoToMicros(now)}) WHERE id = $1`,
        [run.id],
      );
      return false;
    }
    await this.append(c, RUNS, [run], { ingested_at: now, updated_at: now });
    return true;
  }

  /**
   * @internal Inside a write transaction: appends the rows whose key is not stored yet (nor
   * earlier in the batch); returns them.
   */
  async addRows(
    c: DuckDBConnection,
    runId: string,
    created: boolean,
    operations: readonly OperationRecord[],
    samples: readonly Sample[],
    alerts: readonly Alert[],
  ): Promise<{ newOps: OperationRecord[]; newSamples: Sample[]; newAlerts: Alert[] }> {
    const newOps = created
      ? dedupe(operations, (o) => o.seq!)
      : await this.withoutStored(c, 'operations', 'seq', runId, operations, (o) => o.seq!);
    const newSamples = created
      ? dedupe(samples, (s) => s.t)
      : await this.withoutStored(c, 'samples', 't', runId, samples, (s) => s.t);
    const newAlerts = created ? dedupe(alerts, alertKey) : await this.withoutStoredAlerts(c, runId, alerts);
    await this.append(c, OPERATIONS, newOps, {});
    await this.append(c, SAMPLES, newSamples, { run_id: runId });
    await this.append(c, ALERTS, newAlerts, { run_id: runId });
    return { newOps, newSamples, newAlerts };
  }

  /** @internal Appends records to a table through the appender (data chunks). */
  async append(
    c: DuckDBConnection,
    table: Table,
    records: readonly object[],
    fixed: Record<string, unknown>,
  ): Promise<void> {
    if (records.length === 0) return;
    const meta = this.meta.get(table.name)!;
    const appender = await c.createAppender(table.name);
    try {
      appendRecords(appender, meta.types, table, meta.order, records as Record<string, unknown>[], fixed);
      appender.flushSync();
    } finally {
      appender.closeSync();
    }
  }

  /** Rows whose key is neither stored (looked up in the batch's key range only) nor earlier in the batch. */
  private async withoutStored<T>(
    c: DuckDBConnection,
    table: string,
    column: string,
    runId: string,
    rows: readonly T[],
    key: (row: T) => number,
  ): Promise<T[]> {
    if (rows.length === 0) return [];
    let lo = Number.POSITIVE_INFINITY;
    let hi = Number.NEGATIVE_INFINITY;
    for (const row of rows) {
      const k = key(row);
      if (k < lo) lo = k;
      if (k > hi) hi = k;
    }
    const r = await c.runAndReadAll(
      `SELECT ${ident(column)} FROM ${ident(table)} WHERE run_id = $1 AND ${ident(column)} BETWEEN $2 AND $3`,
      [runId, lo, hi],
    );
    const stored = new Set(r.getRowsJS().map((row) => Number(row[0])));
    return dedupe(rows, key, stored);
  }

  private async withoutStoredAlerts(c: DuckDBConnection, runId: string, alerts: readonly Alert[]) {
    if (alerts.length === 0) return [];
    const r = await c.runAndReadAll(`SELECT ${selectColumns(ALERTS)} FROM alerts WHERE run_id = $1`, [runId]);
    const read = rowReader<Alert>(ALERTS);
    const stored = new Set(r.getRowsJS().map((row) => alertKey(read(row))));
    return dedupe(alerts, alertKey, stored);
  }

  /**
   * Deletes a run and everything stored for it, in one transaction.
   * @throws NotFoundError
   */
  async deleteRun(id: string): Promise<DeleteRunResponse> {
    const result = await this.exclusive(async (c) => {
      await c.run('BEGIN TRANSACTION');
      try {
        const exists = await c.runAndReadAll('SELECT 1 FROM runs WHERE id = $1', [id]);
        if (exists.currentRowCount === 0) throw new NotFoundError(`run ${JSON.stringify(id)} not found`);
        const n: Record<string, number> = {};
        for (const t of ['operations', 'samples', 'alerts']) {
          const r = await c.run(`DELETE FROM ${t} WHERE run_id = $1`, [id]);
          n[t] = Number(r.rowsChanged);
        }
        await c.run('DELETE FROM runs WHERE id = $1', [id]);
        await dropEntries(c, [id]);
        await c.run('COMMIT');
        this.invalidate(id, { warm: false });
        return { deleted: id, operations: n.operations!, samples: n.samples!, alerts: n.alerts! };
      } catch (error) {
        await c.run('ROLLBACK').catch(() => {});
        throw error;
      }
    });
    this.emit('delete', { run_id: id });
    return result;
  }

  // ── reads ───────────────────────────────────────────────────────────────────────────────────

  async counts(): Promise<{ runs: number; operations: number }> {
    return this.read(async (c) => {
      const r = await c.runAndReadAll(
        'SELECT (SELECT count(*) FROM runs), (SELECT count(*) FROM operations)',
      );
      const [runs, operations] = r.getRowsJS()[0]!;
      return { runs: Number(runs), operations: Number(operations) };
    });
  }

  /** Run summaries, newest first; `model` keeps runs with operations of that model. */
  async listRuns(options: { model?: string; limit?: number; offset?: number } = {}) {
    const { model, limit = 100, offset = 0 } = options;
    const ids = await this.read(async (c) => {
      const r = await c.runAndReadAll('SELECT id FROM runs ORDER BY started_at DESC, id');
      return r.getRowsJS().map((row) => String(row[0]));
    });
    if (!model) {
      return { total: ids.length, runs: await this.runSummaries(ids.slice(offset, offset + limit), true) };
    }
    const all = (await this.runSummaries(ids, true)).filter((r) => r.models.includes(model));
    return { total: all.length, runs: all.slice(offset, offset + limit) };
  }

  /**
   * Summaries of the given runs, in the order asked (cached per run until it changes).
   * @param skipMissing leave out runs deleted meanwhile instead of failing
   * @throws NotFoundError naming the missing ids
   */
  async runSummaries(ids: readonly string[], skipMissing = false): Promise<RunSummary[]> {
    const byId = new Map<string, RunSummary>();
    const todo: string[] = [];
    for (const id of new Set(ids)) {
      const hit = this.summaries.get(id);
      if (hit) byId.set(id, hit);
      else todo.push(id);
    }
    if (todo.length) {
      const generations = new Map(todo.map((id) => [id, this.summaries.generation(id)]));
      const stored = await this.storedEntries(SUMMARY_ENTRY, todo);
      const compute = todo.filter((id) => !stored.has(id));
      const found = compute.length
        ? await this.read(async (c) => {
            const list = compute.map(literal).join(', ');
            const r = await c.runAndReadAll(runSummariesSql(`SELECT id FROM runs WHERE id IN (${list})`));
            return r.getRowsJS().map(toRunSummary);
          })
        : [];
      this.keep(
        SUMMARY_ENTRY,
        new Map(found.map((summary) => [summary.id, summary])),
        this.summaries,
        generations,
      );
      for (const summary of [...(stored.values() as Iterable<RunSummary>), ...found]) {
        byId.set(summary.id, summary);
        this.summaries.set(summary.id, generations.get(summary.id)!, summary);
      }
    }
    const missing = ids.filter((id) => !byId.has(id));
    if (missing.length && !skipMissing) {
      const names = missing.map((m) => JSON.stringify(m)).join(', ');
      throw new NotFoundError(missing.length > 1 ? `runs not found: ${names}` : `run ${names} not found`);
    }
    return ids.filter((id) => byId.has(id)).map((id) => byId.get(id)!);
  }

  async runSummary(id: string): Promise<RunSummary> {
    return (await this.runSummaries([id]))[0]!;
  }

  async runHeader(id: string): Promise<RunHeader> {
    const header = await this.read(async (c) => {
      const r = await c.runAndReadAll(`SELECT ${selectColumns(RUNS)} FROM runs WHERE id = $1`, [id]);
      const row = r.getRowsJS()[0];
      return row ? rowReader<RunHeader & { ingested_at?: string; updated_at?: string }>(RUNS)(row) : null;
    });
    if (!header) throw new NotFoundError(`run ${JSON.stringify(id)} not found`);
    const { ingested_at: _i, updated_at: _u, ...run } = header;
    return run;
  }

  /** Per-(run, model) statistics and the tested fields' summaries (cached per run until it changes). */
  async modelStats(runIds: readonly string[], exclude: readonly string[]): Promise<ModelStatsRow[]> {
    const key = statsEntry(exclude);
    const todo = [...new Set(runIds)].filter((id) => !this.stats.get(id, key));
    const computed = new Map<string, ModelStatsRow[]>();
    if (todo.length) {
      const generations = new Map(todo.map((id) => [id, this.stats.generation(id)]));
      const stored = (await this.storedEntries(key, todo)) as Map<string, ModelStatsRow[]>;
      const compute = todo.filter((id) => !stored.has(id));
      const rows = compute.length ? await this.read((c) => modelStats(c, compute, exclude)) : [];
      for (const id of compute) computed.set(id, []);
      for (const row of rows) computed.get(row.run_id)?.push(row);
      this.keep(key, new Map(computed), this.stats, generations);
      for (const [id, list] of stored) computed.set(id, list);
      for (const [id, list] of computed) this.stats.set(id, generations.get(id)!, list, key);
    }
    return runIds.flatMap((id) => computed.get(id) ?? this.stats.get(id, key) ?? []);
  }

  /** A run's per-model statistics, models in order of first operation. @throws NotFoundError */
  async runModelStats(id: string, exclude: readonly string[]): Promise<Record<string, RunModelStats>> {
    await this.runHeader(id);
    const rows = await this.modelStats([id], exclude);
    return Object.fromEntries(rows.map((r) => [r.model_name, r.stats]));
  }

  async alerts(id: string): Promise<Alert[]> {
    return this.read(async (c) => {
      const r = await c.runAndReadAll(
        `SELECT ${selectColumns(ALERTS)} FROM alerts WHERE run_id = $1 ORDER BY "timestamp", seq`,
        [id],
      );
      const read = rowReader<Record<string, unknown>>(ALERTS);
      return r.getRowsJS().map((row) => {
        const { run_id: _r, ...alert } = read(row);
        return alert as Alert;
      });
    });
  }

  /** A page of a run's operations. @throws NotFoundError */
  async operations(
    id: string,
    q: {
      model?: string;
      operation?: string;
      status?: 'ok' | 'error';
      sort: string;
      order: 'asc' | 'desc';
      limit: number;
      offset: number;
    },
  ): Promise<{ total: number; operations: OperationRecord[] }> {
    await this.runHeader(id);
    const conds = ['run_id = $1'];
    const params: string[] = [id];
    if (q.model) conds.push(`model_name = $${params.push(q.model)}`);
    if (q.operation) conds.push(`operation = $${params.push(q.operation)}`);
    if (q.status === 'error') conds.push(`status = 'error'`);
    if (q.status === 'ok') conds.push(`status IS DISTINCT FROM 'error'`);
    if (!OPERATIONS.columns.some((c) => c.name === q.sort))
      throw new InputError(`sort: unknown column ${q.sort}`);
    const where = conds.join(' AND ');
    const dir = q.order === 'desc' ? 'DESC' : 'ASC';
    return this.read(async (c) => {
      const total = await c.runAndReadAll(`SELECT count(*) FROM operations WHERE ${where}`, params);
      const rows = await c.runAndReadAll(
        `SELECT ${selectColumns(OPERATIONS)} FROM operations WHERE ${where} ORDER BY ${ident(q.sort)} ${dir} NULLS LAST, seq ${dir} LIMIT ${q.limit} OFFSET ${q.offset}`,
        params,
      );
      const read = rowReader<OperationRecord>(OPERATIONS);
      return { total: Number(total.getRowsJS()[0]![0]), operations: rows.getRowsJS().map(read) };
    });
  }

  /**
   * A run's timeline in time order; `maxPoints` thins it into evenly spaced buckets of t (each
   * keeps its last t, mean CPU figures and highest RSS). @throws NotFoundError
   */
  async samples(
    id: string,
    maxPoints?: number,
  ): Promise<{ total: number; samples: Sample[]; downsampled: boolean }> {
    await this.runHeader(id);
    return this.read(async (c) => {
      const total = Number(
        (await c.runAndReadAll('SELECT count(*) FROM samples WHERE run_id = $1', [id])).getRowsJS()[0]![0],
      );
      const names = SAMPLE_COLUMNS;
      let sql = `SELECT ${names.map(ident).join(', ')} FROM samples WHERE run_id = $1 ORDER BY t`;
      const downsampled = maxPoints !== undefined && total > maxPoints;
      if (downsampled) {
        // Per bucket: its last t, the peaks (rss_mb and cpu_peak_percent are peaks already), the
        // mean of the rest.
        const pick = (name: string) => (['t', 'rss_mb', 'cpu_peak_percent'].includes(name) ? 'max' : 'avg');
        sql = `WITH s AS (SELECT * FROM samples WHERE run_id = $1),
          b AS (SELECT min(t) AS lo, greatest(max(t) - min(t), 1e-12) AS span FROM s)
          SELECT ${names.map((n) => `${pick(n)}(${ident(n)}) AS ${ident(n)}`).join(', ')}
          FROM s, b GROUP BY least(floor((t - lo) / span * ${maxPoints}), ${maxPoints - 1}) ORDER BY t`;
      }
      const rows = (await c.runAndReadAll(sql, [id])).getRowsJS();
      const samples = rows.map(
        (row) =>
          Object.fromEntries(names.map((n, i) => [n, row[i] == null ? null : Number(row[i])])) as Sample,
      );
      return { total, samples, downsampled };
    });
  }

  /**
   * Runs (newest `limit`) that have operations of `model`, oldest first, with its statistics
   * there. Computes only that model's rows of runs whose statistics are not cached.
   */
  async modelHistory(model: string, limit: number, exclude: readonly string[]) {
    const refs = await this.read(async (c) => {
      const r = await c.runAndReadAll(
        `SELECT id, name, epoch_us(started_at), host.hostname FROM runs
         WHERE id IN (SELECT DISTINCT run_id FROM operations WHERE model_name = $1)
         ORDER BY started_at DESC, id LIMIT ${limit}`,
        [model],
      );
      return r.getRowsJS().map(([id, name, started, hostname]) => ({
        id: String(id),
        name: (name as string | null) ?? null,
        started_at: microsToIso(started as bigint),
        hostname: (hostname as string | null) ?? null,
      }));
    });
    if (refs.length === 0) return null;
    // Cache keys (in memory and in the file): the run's statistics of every model (a compare's),
    // and this model's alone.
    const allKey = statsEntry(exclude);
    const key = `${allKey} ${JSON.stringify(model)}`;
    const stats = new Map<string, RunModelStats>();
    for (const { id } of refs) {
      const hit =
        this.stats.get(id, allKey)?.find((row) => row.model_name === model) ?? this.stats.get(id, key)?.[0];
      if (hit) stats.set(id, hit.stats);
    }
    let todo = refs.map((r) => r.id).filter((id) => !stats.has(id));
    const generations = new Map(todo.map((id) => [id, this.stats.generation(id)]));
    for (const entry of [allKey, key]) {
      if (todo.length === 0) break;
      for (const [id, list] of (await this.storedEntries(entry, todo)) as Map<string, ModelStatsRow[]>) {
        this.stats.set(id, generations.get(id)!, list, entry);
        const hit = list.find((row) => row.model_name === model);
        if (hit) stats.set(id, hit.stats);
      }
      todo = todo.filter((id) => !stats.has(id));
    }
    if (todo.length) {
      const rows = await this.read(async (c) => {
        const ids = todo.map(literal).join(', ');
        const r = await c.runAndReadAll(
          modelStatsSql(`model_name = ${literal(model)} AND run_id IN (${ids})`, exclude),
        );
        return readModelStats(r.getRowsJS());
      });
      for (const row of rows) this.stats.set(row.run_id, generations.get(row.run_id)!, [row], key);
      this.keep(key, new Map(rows.map((row) => [row.run_id, [row]])), this.stats, generations);
      for (const row of rows) stats.set(row.run_id, row.stats);
    }
    return { refs: refs.reverse(), stats };
  }

  /**
   * Compares runs model by model; `ids[0]` is the baseline (see compare.ts).
   * @throws NotFoundError naming unknown runs
   */
  async compare(ids: readonly string[], alpha: number, exclude: readonly string[]): Promise<CompareResponse> {
    // Two connections: the summary scan and the statistics scan overlap.
    const [runs, rows] = await Promise.all([this.runSummaries(ids), this.modelStats(ids, exclude)]);
    return {
      runs,
      baseline: ids[0]!,
      alpha,
      excluded_operations: [...exclude],
      models: compareModels(ids, rows, alpha),
    };
  }

  /** A model's statistics per run, oldest run first; null when no run has the model. */
  async history(model: string, limit: number, exclude: readonly string[]): Promise<HistoryResponse | null> {
    const history = await this.modelHistory(model, limit, exclude);
    if (!history) return null;
    return {
      model_name: model,
      excluded_operations: [...exclude],
      points: history.refs
        .filter((r) => history.stats.has(r.id))
        .map((r) => ({
          run: { id: r.id, name: r.name, started_at: r.started_at, hostname: r.hostname },
          stats: history.stats.get(r.id)!,
        })),
    };
  }

  /** Writes a run's operations (by seq) with DuckDB COPY into the scratch folder; returns the path. */
  async exportOperationsFile(id: string, format: 'csv' | 'parquet'): Promise<string> {
    await this.runHeader(id);
    const { csvColumns, COPY_OPTIONS } = await import('./export-sql.js');
    const path = this.scratchPath(format);
    const select = format === 'csv' ? csvColumns(OPERATIONS) : '*';
    await this.read((c) =>
      c.run(
        `COPY (SELECT ${select} FROM operations WHERE run_id = ${literal(id)} ORDER BY seq) TO ${literal(path)} ${COPY_OPTIONS[format]}`,
      ),
    );
    return path;
  }

  /**
   * A run as an `llmmon.metrics/1` document, in pieces (operations read 2048 rows at a time, so
   * a run of any size streams). @throws NotFoundError before the first piece
   */
  async exportJson(id: string): Promise<AsyncGenerator<string>> {
    const run = await this.runHeader(id);
    const samples = (await this.samples(id)).samples;
    const alerts = await this.alerts(id);
    const read = rowReader<OperationRecord>(OPERATIONS);
    const self = this;
    return (async function* () {
      yield `{"format":"llmmon.metrics/1","run":${JSON.stringify(run)},"operations":[`;
      const c = await self.db.connect();
      try {
        const result = await c.stream(
          `SELECT ${selectColumns(OPERATIONS)} FROM operations WHERE run_id = $1 ORDER BY seq`,
          [id],
        );
        let first = true;
        for await (const rows of result.yieldRowsJs()) {
          const parts = rows.map((row) => JSON.stringify(read(row)));
          if (parts.length === 0) continue;
          yield (first ? '' : ',') + parts.join(',');
          first = false;
        }
      } finally {
        c.closeSync();
      }
      yield `],"samples":${JSON.stringify(samples)},"alerts":${JSON.stringify(alerts)}}`;
    })();
  }

  /** The run as a metrics file in memory (small runs; tests, the dashboard command). */
  async exportMetricsFile(id: string): Promise<MetricsFile> {
    let text = '';
    for await (const piece of await this.exportJson(id)) text += piece;
    return JSON.parse(text) as MetricsFile;
  }

  /** Removes a scratch file (after it was sent). */
  async removeScratch(path: string): Promise<void> {
    await unlink(path).catch(() => {});
  }
}

/** Rows whose key is neither stored nor earlier in the batch (first occurrence wins). */
function dedupe<T, K>(rows: readonly T[], key: (row: T) => K, stored: Set<K> = new Set()): T[] {
  const out: T[] = [];
  for (const row of rows) {
    const k = key(row);
    if (stored.has(k)) continue;
    stored.add(k);
    out.push(row);
  }
  return out;
}
