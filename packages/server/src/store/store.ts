/**
 * The run store: one DuckDB file behind a small facade over parts with one job each:
 *
 * - `connections.ts`: the connections and their lifetime (one serialized writer, pooled readers,
 *   background work; `close()` waits for all of it);
 * - `writes.ts` (with `rows.ts` and the bulk path `bulk.ts`): every change, one transaction each;
 * - `cache.ts`: the run cache, in memory and in the file, invalidated after every commit and
 *   warmed once writes settle (`warm.ts`);
 * - `reads.ts` and `statistics.ts`: what is read back;
 * - `exports.ts`: a run as CSV, Parquet or a streamed metrics file;
 * - user SQL (`query.ts`) on connections of its own.
 *
 * The facade wires them together and tells listeners what each write added.
 */
import { EventEmitter } from 'node:events';
import type { DuckDBConnection } from '@duckdb/node-api';
import {
  type Alert,
  type CompareResponse,
  DEFAULT_STATS_EXCLUDED_OPERATIONS,
  type DeleteRunResponse,
  type HistoryResponse,
  type MetricsFile,
  type NormalizeOptions,
  type OperationRecord,
  type RunHeader,
  type RunModelStats,
  type RunSummary,
  type Sample,
} from '@llmmon/core/schema';
import type { OpenOptions } from '../db/database.js';
import { DEFAULT_DB_PATH } from '../db/default-path.js';
import { currentVersion, migrate, SCHEMA_VERSION } from '../db/migrations.js';
import { Cache } from './cache.js';
import { Connections } from './connections.js';
import { Exports } from './exports.js';
import { Fleet, type RunReads, sourceReads } from './fleet.js';
import type { IngestBatch, IngestEvent, IngestResult } from './ingest-result.js';
import { LakeSource, NO_CACHE } from './lake-source.js';
import { createCacheTable } from './persisted-cache.js';
import { type QueryOptions, type QueryResult, runUserQuery, writeUserQueryParquet } from './query.js';
import { QueryGate } from './query-gate.js';
import { type OperationsQuery, Reads } from './reads.js';
import { RowWriter } from './rows.js';
import { Statistics } from './statistics.js';
import type { ModelStatsRow } from './stats-sql.js';
import { Warmer } from './warm.js';
import { Writes } from './writes.js';

export type { IngestBatch, IngestEvent, IngestResult } from './ingest-result.js';

/** The schema version of a file opened read-only: it cannot be migrated, so it must be current. */
async function readOnlyVersion(c: DuckDBConnection, path: string): Promise<number> {
  const version = await currentVersion(c).catch(() => 0);
  if (version !== SCHEMA_VERSION) {
    throw new Error(
      `${path} is read-only and has schema version ${version}, not this llmmon's ${SCHEMA_VERSION}: copy it to a writable place first`,
    );
  }
  return version;
}

/**
 * Opens the store on a DuckDB file (created and migrated as needed).
 * @example
 * const store = await Store.open('data/llmmon.duckdb');
 * await store.ingest(normalizeMetrics(JSON.parse(text)));
 * console.log(await store.listRuns());
 * await store.close();
 */
export class Store extends EventEmitter<{ ingest: [IngestEvent]; delete: [{ run_id: string }] }> {
  private readonly cache: Cache;
  private readonly warmer: Warmer;
  private readonly writes: Writes;
  private readonly reads: Reads;
  private readonly statistics: Statistics;
  private readonly exports: Exports;
  private readonly gate = new QueryGate();
  /** The lake read beside the file (`Store.open(path, { lake })`), or null. */
  private readonly lake: LakeSource | null;
  /** What reads see: the local runs, or the local runs and the lake's as one (fleet.ts). */
  private readonly runs: RunReads;

  private constructor(
    private readonly connections: Connections,
    rows: RowWriter,
    readonly schemaVersion: number,
  ) {
    super();
    this.cache = new Cache(connections);
    this.reads = new Reads(connections, this.cache);
    this.statistics = new Statistics(connections, this.cache, this.reads);
    this.exports = new Exports(connections, this.reads);
    this.warmer = new Warmer(connections, async (runId) => {
      await this.reads.runSummaries([runId], true);
      await this.statistics.modelStats([runId], DEFAULT_STATS_EXCLUDED_OPERATIONS);
    });
    this.lake = connections.lake ? new LakeSource(connections, connections.lake) : null;
    const local = { reads: this.reads, statistics: this.statistics };
    if (this.lake) {
      const reads = new Reads(this.lake, NO_CACHE);
      this.runs = new Fleet(local, { reads, statistics: new Statistics(this.lake, NO_CACHE, reads) });
    } else {
      this.runs = sourceReads(local);
    }
    this.writes = new Writes(connections, rows, (runId, change) => {
      this.cache.invalidate(runId);
      if (change === 'written') this.warmer.schedule(runId);
    });
  }

  /**
   * @param options.lake a Parquet lake (lake/layout.ts) to read beside the file, read-only: its
   *   runs join the local ones in lists, summaries, comparisons and histories, and user SQL sees
   *   it as `lake.runs`, `lake.operations`, `lake.samples` and `lake.alerts`
   */
  static async open(path: string = DEFAULT_DB_PATH, options: OpenOptions = {}): Promise<Store> {
    const connections = await Connections.open(path, options);
    try {
      const { version, rows } = await connections.exclusive(async (c) => {
        const version = connections.readOnly ? await readOnlyVersion(c, connections.path) : await migrate(c);
        if (!connections.readOnly) await createCacheTable(c);
        return { version, rows: await RowWriter.load(c) };
      });
      const store = new Store(connections, rows, version);
      await store.lake?.refresh(true);
      return store;
    } catch (error) {
      await connections.close();
      throw error;
    }
  }

  /** Absolute path of the DuckDB file. */
  get path(): string {
    return this.connections.path;
  }

  /** The lake read beside the file (its real path), or null. */
  get lakePath(): string | null {
    return this.connections.lake;
  }

  /**
   * Closes every connection; the last store on a file releases it. Interrupts running user
   * queries, then waits for them and for running writes, reads and exports, and for computed
   * statistics to be kept in the file (so a short-lived CLI process leaves them).
   */
  close(): Promise<void> {
    this.warmer.stop();
    this.gate.stopAll();
    return this.connections.close();
  }

  // ── writes ──────────────────────────────────────────────────────────────────────────────────

  /** Stores a batch in one transaction (see `Writes.ingest`). @throws InputError (nothing is stored) */
  async ingest(batch: IngestBatch, options: { live?: boolean } = {}): Promise<IngestResult> {
    return this.added(await this.writes.ingest(batch, options));
  }

  /**
   * Announces a batch whose request is still being read, so that the batches stored together
   * wait for it briefly (see `Writes.arriving`); call the returned function once `ingest` was
   * called with it, or will not be.
   */
  arriving(): () => void {
    return this.writes.arriving();
  }

  /** Stores a metrics file from disk (see `Writes.ingestFile`). @throws InputError (nothing is stored) */
  async ingestFile(
    path: string,
    options: NormalizeOptions & { bulkThresholdBytes?: number } = {},
  ): Promise<IngestResult> {
    return this.added(await this.writes.ingestFile(path, options));
  }

  /** Deletes a run and everything stored for it, in one transaction. @throws NotFoundError */
  async deleteRun(id: string): Promise<DeleteRunResponse> {
    const result = await this.writes.deleteRun(id);
    this.emit('delete', { run_id: id });
    return result;
  }

  private added(result: IngestResult): IngestResult {
    this.emit('ingest', result.added);
    return result;
  }

  // ── reads ───────────────────────────────────────────────────────────────────────────────────

  counts(): Promise<{ runs: number; operations: number }> {
    return this.reads.counts();
  }

  /** Run summaries, newest first; `model` keeps runs with operations of that model. */
  listRuns(options: { model?: string; limit?: number; offset?: number } = {}) {
    return this.runs.listRuns(options);
  }

  /** Summaries of the given runs, in the order asked. @throws NotFoundError naming the missing ids */
  runSummaries(ids: readonly string[], skipMissing = false): Promise<RunSummary[]> {
    return this.runs.runSummaries(ids, skipMissing);
  }

  async runSummary(id: string): Promise<RunSummary> {
    return (await this.runs.runSummaries([id]))[0]!;
  }

  runHeader(id: string): Promise<RunHeader> {
    return this.runs.runHeader(id);
  }

  alerts(id: string): Promise<Alert[]> {
    return this.runs.alerts(id);
  }

  /** A page of a run's operations. @throws NotFoundError */
  operations(id: string, q: OperationsQuery): Promise<{ total: number; operations: OperationRecord[] }> {
    return this.runs.operations(id, q);
  }

  /** A run's timeline, thinned to `maxPoints` buckets. @throws NotFoundError */
  samples(
    id: string,
    maxPoints?: number,
  ): Promise<{ total: number; samples: Sample[]; downsampled: boolean }> {
    return this.runs.samples(id, maxPoints);
  }

  /** Per-(run, model) statistics and the tested fields' summaries. */
  modelStats(runIds: readonly string[], exclude: readonly string[]): Promise<ModelStatsRow[]> {
    return this.runs.modelStats(runIds, exclude);
  }

  /** A run's per-model statistics. @throws NotFoundError */
  runModelStats(id: string, exclude: readonly string[]): Promise<Record<string, RunModelStats>> {
    return this.runs.runModelStats(id, exclude);
  }

  /** Compares runs model by model; `ids[0]` is the baseline. @throws NotFoundError naming unknown runs */
  compare(ids: readonly string[], alpha: number, exclude: readonly string[]): Promise<CompareResponse> {
    return this.runs.compare(ids, alpha, exclude);
  }

  /** A model's statistics per run, oldest run first; null when no run has the model. */
  history(model: string, limit: number, exclude: readonly string[]): Promise<HistoryResponse | null> {
    return this.runs.history(model, limit, exclude);
  }

  // ── user SQL ────────────────────────────────────────────────────────────────────────────────

  /**
   * Runs one user query (read-only, sandboxed, limited: see query.ts) on a connection of its own.
   * @throws QueryRefusedError, QueryTimeoutError, InputError naming the problem
   */
  query(sql: string, options: QueryOptions): Promise<QueryResult> {
    return this.userQuery(options.timeoutMs, (c) => runUserQuery(c, sql, options));
  }

  /** Writes a user query's rows to a Parquet file at `path` (a `scratchPath`). */
  queryToParquet(sql: string, path: string, options: QueryOptions): Promise<void> {
    return this.userQuery(options.timeoutMs, (c) => writeUserQueryParquet(c, sql, path, options));
  }

  /** Interrupts every running user query and refuses the waiting ones (shutdown). */
  stopQueries(): void {
    this.gate.stopAll();
  }

  /** User SQL through the gate (query-gate.ts): bounded in number, stopped at its deadline. */
  private async userQuery<T>(timeoutMs: number, fn: (c: DuckDBConnection) => Promise<T>): Promise<T> {
    await this.lake?.refresh();
    return this.gate.run(timeoutMs, (ticket) =>
      this.connections.isolated((c) => {
        ticket.attach(c);
        return fn(c);
      }),
    );
  }

  // ── exports ─────────────────────────────────────────────────────────────────────────────────

  /** Writes a run's operations with DuckDB COPY into the scratch folder; returns the path. */
  exportOperationsFile(id: string, format: 'csv' | 'parquet'): Promise<string> {
    return this.exports.operationsFile(id, format);
  }

  /** Writes a run's rows of one table as Parquet into the scratch folder; returns the path. */
  exportTableParquet(id: string, table: 'runs' | 'operations' | 'samples' | 'alerts'): Promise<string> {
    return this.exports.tableParquet(id, table);
  }

  /** A run as an `llmmon.metrics/1` document, in pieces. @throws NotFoundError before the first piece */
  exportJson(id: string): Promise<AsyncGenerator<string>> {
    return this.exports.json(id);
  }

  /** The run as a metrics file in memory (small runs; tests, the dashboard command). */
  exportMetricsFile(id: string): Promise<MetricsFile> {
    return this.exports.metricsFile(id);
  }

  /** A path in the sandbox's scratch folder (the only place DuckDB may read or write files). */
  scratchPath(extension: string): string {
    return this.connections.scratchPath(extension);
  }

  /** Removes a scratch file (after it was sent). */
  removeScratch(path: string): Promise<void> {
    return this.connections.removeScratch(path);
  }
}
