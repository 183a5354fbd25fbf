/**
 * The lake as the store's reads see it: views `lake.runs`, `lake.operations`, `lake.samples` and
 * `lake.alerts` in the in-memory catalog that db/database.ts attaches, over the files a scan of
 * the lake finds (lake/catalog.ts), with the local tables' columns (`lake.operations` adds the
 * partition columns `host` and `date`). The same reads and statistics as for the local file then
 * run on the lake through `read()`, on connections whose default catalog is `lake`.
 *
 * The views name their files (not a glob): a scan picks each run's newest complete version, so a
 * writer replacing a run never shows it twice. A scan runs at most once per `REFRESH_MS`.
 */
import type { DuckDBConnection } from '@duckdb/node-api';
import { ALERTS, duckdbType, ident, literal, OPERATIONS, RUNS, SAMPLES, type Table } from '../db/tables.js';
import { type LakeFiles, scanLake } from '../lake/catalog.js';
import type { LakeTable } from '../lake/layout.js';
import type { Cache } from './cache.js';
import type { Connections } from './connections.js';

/** Longest a new file in the lake stays unseen. */
export const REFRESH_MS = 1000;

const TABLES: Record<LakeTable, Table> = {
  runs: RUNS,
  operations: OPERATIONS,
  samples: SAMPLES,
  alerts: ALERTS,
};

/** The hive partition columns of `lake.operations`, as DuckDB reads them from the paths. */
const PARTITION_COLUMNS = [
  ['host', 'VARCHAR'],
  ['date', 'DATE'],
] as const;

/**
 * The view of one table over `files`: every column of the local table, by name (files written by
 * an older llmmon lack newer columns: null), typed empty when there are no files. Paths come from
 * the scan, whose names match the writer's escaped patterns, under the lake folder the operator
 * named; they are quoted as literals because a view cannot take parameters.
 */
export function lakeViewSql(table: LakeTable, files: readonly string[]): string {
  const hive = table === 'operations';
  const columns = TABLES[table].columns.map((c) => [c.name, duckdbType(c.spec)] as const);
  if (hive) columns.push(...PARTITION_COLUMNS);
  const select = files.length
    ? `SELECT * FROM read_parquet([${files.map(literal).join(', ')}], hive_partitioning = ${hive}, union_by_name = true)`
    : `SELECT ${columns.map(([n, t]) => `CAST(NULL AS ${t}) AS ${ident(n)}`).join(', ')} WHERE false`;
  return `CREATE OR REPLACE VIEW lake.${ident(table)} AS ${select}`;
}

/** A run cache that keeps nothing: lake runs are read as they are at each call. */
export const NO_CACHE: Pick<Cache, 'values' | 'remembered'> = {
  remembered: () => undefined,
  async values<V>(
    _entry: string,
    ids: readonly string[],
    compute?: (ids: string[]) => Promise<ReadonlyMap<string, V>>,
  ) {
    return new Map(compute ? await compute([...new Set(ids)]) : []);
  },
};

export class LakeSource {
  private shown = '';
  private scanned = 0;
  private scanning: Promise<void> | null = null;

  constructor(
    private readonly connections: Connections,
    readonly dir: string,
  ) {}

  /** Runs `fn` on a connection whose unqualified tables are the lake's, after a fresh enough scan. */
  async read<T>(fn: (c: DuckDBConnection) => Promise<T>): Promise<T> {
    await this.refresh();
    return this.connections.isolated(async (c) => {
      await c.run('USE lake');
      return fn(c);
    });
  }

  /** Scans the lake (at most once per `REFRESH_MS`, or now with `force`) and updates the views. */
  refresh(force = false): Promise<void> {
    if (!force && Date.now() - this.scanned < REFRESH_MS) return this.scanning ?? Promise.resolve();
    this.scanned = Date.now();
    const scan: Promise<void> = (this.scanning ?? Promise.resolve())
      .catch(() => {})
      .then(() => this.show(scanLake(this.dir)))
      .finally(() => {
        if (this.scanning === scan) this.scanning = null;
      });
    this.scanning = scan;
    return scan;
  }

  private async show(pending: Promise<LakeFiles>): Promise<void> {
    const files = await pending;
    const key = JSON.stringify(files);
    if (key === this.shown) return;
    await this.connections.isolated(async (c) => {
      for (const table of Object.keys(TABLES) as LakeTable[]) await c.run(lakeViewSql(table, files[table]));
    });
    this.shown = key;
  }
}
