/**
 * The DuckDB tables, derived from core's field specs (the single source of truth): column names,
 * order, DuckDB types and NOT NULL all come from `RUN_FIELDS`, `OPERATION_FIELDS`,
 * `SAMPLE_FIELDS` and `ALERT_FIELDS`, plus the few storage columns only the server has
 * (`run_id` keys, ingest times).
 */
import {
  ALERT_FIELDS,
  type FieldSpec,
  type FieldSpecs,
  field,
  OPERATION_FIELDS,
  RUN_FIELDS,
  SAMPLE_FIELDS,
} from '@llmmon/core/schema';

export interface Column {
  readonly name: string;
  readonly spec: FieldSpec;
  /** NOT NULL in storage (a key may be NOT NULL although the record field is nullable). */
  readonly notNull: boolean;
}

export interface Table {
  readonly name: 'runs' | 'operations' | 'samples' | 'alerts';
  readonly description: string;
  readonly columns: readonly Column[];
  /** Columns that identify a row; ingest skips rows whose key is stored already. */
  readonly key: readonly string[];
}

const runIdColumn = (what: string) =>
  field.text({ description: `Run the ${what} belongs to (runs.id)` }) as FieldSpec;

function columns(fields: FieldSpecs, notNull: readonly string[] = []): Column[] {
  return Object.entries(fields).map(([name, spec]) => ({
    name,
    spec,
    notNull: !spec.nullable || notNull.includes(name),
  }));
}

const STORAGE_FIELDS = {
  ingested_at: field.timestamp({ description: 'When the server first stored the run' }),
  updated_at: field.timestamp({ description: 'When the server last added to the run' }),
} as const;

export const RUNS: Table = {
  name: 'runs',
  description: 'One row per run (monitor session): the run header of its metrics file.',
  columns: columns({ ...RUN_FIELDS, ...STORAGE_FIELDS }),
  key: ['id'],
};

export const OPERATIONS: Table = {
  name: 'operations',
  description: 'One row per tracked operation: the operation record.',
  columns: columns(OPERATION_FIELDS, ['run_id', 'seq']),
  key: ['run_id', 'seq'],
};

export const SAMPLES: Table = {
  name: 'samples',
  description: "The runs' timelines (downsampled sampler ticks).",
  columns: columns({ run_id: runIdColumn('sample'), ...SAMPLE_FIELDS }),
  key: ['run_id', 't'],
};

export const ALERTS: Table = {
  name: 'alerts',
  description: 'Threshold alerts raised by operations.',
  columns: columns({ run_id: runIdColumn('alert'), ...ALERT_FIELDS }),
  key: ['run_id', 'timestamp', 'metric', 'model_name', 'operation', 'seq'],
};

export const TABLES: readonly Table[] = [RUNS, OPERATIONS, SAMPLES, ALERTS];

/** A double-quoted SQL identifier. */
export const ident = (name: string) => `"${name.replaceAll('"', '""')}"`;

/**
 * A single-quoted SQL string literal, for text this program writes (column names, the schema's
 * enum values, messages). Never for a value from outside: those go in `SqlParams`.
 */
export const literal = (value: string) => `'${value.replaceAll("'", "''")}'`;

/**
 * The DuckDB type of a field: timestamp → TIMESTAMPTZ (an instant; naive input timestamps are
 * read as local time), integer → BIGINT (byte counts exceed 32 bits), float → DOUBLE, enum →
 * VARCHAR (values are checked on ingest), json → JSON, struct → STRUCT, list → LIST.
 * @example duckdbType(OPERATION_FIELDS.threads) // 'STRUCT("tid" BIGINT, "name" VARCHAR, "cpu_seconds" DOUBLE)[]'
 */
export function duckdbType(spec: FieldSpec): string {
  switch (spec.type) {
    case 'timestamp':
      return 'TIMESTAMPTZ';
    case 'text':
    case 'enum':
      return 'VARCHAR';
    case 'float':
      return 'DOUBLE';
    case 'integer':
      return 'BIGINT';
    case 'boolean':
      return 'BOOLEAN';
    case 'json':
      return 'JSON';
    case 'struct':
      return structType(spec.fields);
    case 'list':
      if (spec.fields) return `${structType(spec.fields)}[]`;
      if (spec.item) return `${duckdbType(spec.item)}[]`;
      throw new Error('list field without item type');
  }
}

function structType(fields: FieldSpecs | undefined): string {
  if (!fields) throw new Error('struct field without fields');
  return `STRUCT(${Object.entries(fields)
    .map(([name, f]) => `${ident(name)} ${duckdbType(f)}`)
    .join(', ')})`;
}

/** `name TYPE [NOT NULL]` as in CREATE TABLE / ALTER TABLE ADD COLUMN. */
export const columnDefinition = (c: Column) =>
  `${ident(c.name)} ${duckdbType(c.spec)}${c.notNull ? ' NOT NULL' : ''}`;

/**
 * CREATE TABLE for a table. `runs` gets a primary key (one row per run, small); the big tables
 * have none: an ART index would slow bulk appends, and ingest deduplicates on the key itself.
 */
export function createTableSql(table: Table): string {
  const cols = table.columns.map(columnDefinition);
  if (table === RUNS) cols.push(`PRIMARY KEY (${table.key.map(ident).join(', ')})`);
  return `CREATE TABLE IF NOT EXISTS ${ident(table.name)} (\n  ${cols.join(',\n  ')}\n)`;
}
