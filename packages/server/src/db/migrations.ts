/**
 * Schema versions. `llmmon_schema_version` records each migration applied; a database newer than
 * this code is refused (it may hold columns this version would misread). Columns that core's
 * schema gained since a table was created (new nullable fields: the only change the schema allows
 * without a numbered migration) are added by `addMissingColumns` on every open, and struct
 * columns whose fields grew (`runs.host.gpus`, `runs.sampler`) are widened by `widenStructColumns`.
 */
import type { DuckDBConnection } from '@duckdb/node-api';
import {
  type Column,
  columnDefinition,
  createTableSql,
  duckdbType,
  ident,
  literal,
  TABLES,
  type Table,
} from './tables.js';

export interface Migration {
  readonly version: number;
  readonly description: string;
  up(connection: DuckDBConnection): Promise<void>;
}

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    description: 'tables runs, operations, samples, alerts from the record schema',
    async up(c) {
      for (const table of TABLES) await c.run(createTableSql(table));
    },
  },
  {
    version: 2,
    description: 'samples.cpu_percent may be null: no sampler reading covered the point',
    async up(c) {
      // A no-op on a table created by version 1 of this code since (the spec says nullable).
      await c.run('ALTER TABLE samples ALTER COLUMN cpu_percent DROP NOT NULL');
    },
  },
];

export const SCHEMA_VERSION = MIGRATIONS[MIGRATIONS.length - 1]!.version;

const VERSION_TABLE = 'llmmon_schema_version';

/** Applies pending migrations, each in its own transaction; returns the schema version. */
export async function migrate(c: DuckDBConnection): Promise<number> {
  await c.run(
    `CREATE TABLE IF NOT EXISTS ${VERSION_TABLE} (version INTEGER PRIMARY KEY, description VARCHAR NOT NULL, applied_at TIMESTAMPTZ NOT NULL DEFAULT current_timestamp)`,
  );
  const current = await currentVersion(c);
  if (current > SCHEMA_VERSION) {
    throw new Error(
      `database schema version ${current} is newer than this llmmon (${SCHEMA_VERSION}); upgrade llmmon`,
    );
  }
  for (const m of MIGRATIONS) {
    if (m.version <= current) continue;
    await c.run('BEGIN TRANSACTION');
    try {
      await m.up(c);
      await c.run(`INSERT INTO ${VERSION_TABLE} (version, description) VALUES ($1::INTEGER, $2::VARCHAR)`, [
        m.version,
        m.description,
      ]);
      await c.run('COMMIT');
    } catch (error) {
      await c.run('ROLLBACK');
      throw error;
    }
  }
  for (const table of TABLES) {
    await addMissingColumns(c, table);
    await widenStructColumns(c, table);
  }
  return SCHEMA_VERSION;
}

export async function currentVersion(c: DuckDBConnection): Promise<number> {
  const r = await c.runAndReadAll(`SELECT coalesce(max(version), 0) FROM ${VERSION_TABLE}`);
  return Number(r.getRowsJS()[0]?.[0] ?? 0);
}

/** Column names of a stored table, in storage order. */
export async function storedColumns(c: DuckDBConnection, table: string): Promise<string[]> {
  const r = await c.runAndReadAll(
    `SELECT column_name FROM duckdb_columns() WHERE database_name = current_database() AND schema_name = 'main' AND table_name = $1 ORDER BY column_index`,
    [table],
  );
  return r.getRowsJS().map((row) => String(row[0]));
}

/**
 * Adds the schema's columns a stored table lacks. A new NOT NULL column cannot be added to rows
 * that exist, so it is added nullable there (ingest still validates every new row).
 */
export async function addMissingColumns(c: DuckDBConnection, table: Table): Promise<Column[]> {
  const have = new Set(await storedColumns(c, table.name));
  const missing = table.columns.filter((col) => !have.has(col.name));
  for (const col of missing) {
    await c.run(
      `ALTER TABLE ${ident(table.name)} ADD COLUMN ${columnDefinition({ ...col, notNull: false })}`,
    );
  }
  return missing;
}

/** A DuckDB type as text, compared without quotes (DuckDB quotes only some field names). */
const typeKey = (type: string) => type.replaceAll('"', '');

/**
 * Widens the struct (and list of struct) columns whose stored type lacks fields the schema has
 * gained since (new nullable fields, as for columns): DuckDB casts structs by field name, so
 * stored rows keep their values and read null in the new fields. Returns the columns changed.
 */
export async function widenStructColumns(c: DuckDBConnection, table: Table): Promise<Column[]> {
  const r = await c.runAndReadAll(
    `SELECT column_name, data_type FROM duckdb_columns() WHERE database_name = current_database() AND schema_name = 'main' AND table_name = ${literal(table.name)}`,
  );
  const stored = new Map(r.getRowsJS().map((row) => [String(row[0]), typeKey(String(row[1]))]));
  const changed = table.columns.filter((col) => {
    if (!col.spec.fields) return false;
    const have = stored.get(col.name);
    return have !== undefined && have !== typeKey(duckdbType(col.spec));
  });
  for (const col of changed) {
    await c.run(
      `ALTER TABLE ${ident(table.name)} ALTER COLUMN ${ident(col.name)} TYPE ${duckdbType(col.spec)}`,
    );
  }
  return changed;
}
