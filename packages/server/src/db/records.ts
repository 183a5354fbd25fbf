/**
 * Records ↔ DuckDB values, generated per column from the field specs: writing validated records
 * through the appender in data chunks, and reading rows back as the same JSON records.
 */
import {
  type DuckDBAppender,
  DuckDBDataChunk,
  DuckDBTimestampTZValue,
  type DuckDBType,
  type DuckDBValue,
  listValue,
  structValue,
} from '@duckdb/node-api';
import type { FieldSpec } from '@llmmon/core/schema';
import { ident, type Table } from './tables.js';
import { isoToMicros, microsToIso } from './timestamps.js';

type Writer = (value: unknown) => DuckDBValue;

/** Converts one field's JSON value (already validated) to the DuckDB value of its column. */
export function fieldWriter(spec: FieldSpec): Writer {
  switch (spec.type) {
    case 'timestamp':
      return (v) => (v == null ? null : new DuckDBTimestampTZValue(isoToMicros(v as string)));
    case 'integer':
      return (v) => (v == null ? null : BigInt(v as number));
    case 'json':
      return (v) => (v == null ? null : JSON.stringify(v));
    case 'struct': {
      const entries = Object.entries(spec.fields ?? {}).map(([k, f]) => [k, fieldWriter(f)] as const);
      return (v) => {
        if (v == null) return null;
        const o = v as Record<string, unknown>;
        return structValue(Object.fromEntries(entries.map(([k, w]) => [k, w(o[k])])));
      };
    }
    case 'list': {
      const item = spec.fields
        ? fieldWriter({ ...spec, type: 'struct', nullable: false })
        : fieldWriter(spec.item!);
      return (v) => (v == null ? null : listValue((v as unknown[]).map(item)));
    }
    default:
      return (v) => (v ?? null) as DuckDBValue;
  }
}

/** DuckDB's data chunks hold at most this many rows (its vector size). */
const CHUNK_ROWS = 2048;

/**
 * Appends records column by column in data chunks: one vector write per column per 2048 rows
 * instead of one call per value.
 * @param columnOrder the table's stored column order (the appender writes every column in it)
 * @param fixed values for columns the records do not carry (e.g. `run_id`)
 */
export function appendRecords(
  appender: DuckDBAppender,
  types: readonly DuckDBType[],
  table: Table,
  columnOrder: readonly string[],
  records: readonly Record<string, unknown>[],
  fixed: Readonly<Record<string, unknown>> = {},
): void {
  const specs = new Map(table.columns.map((c) => [c.name, c.spec]));
  const writers = columnOrder.map((name) => {
    const spec = specs.get(name);
    const write = spec ? fieldWriter(spec) : () => null;
    if (name in fixed) {
      const value = write(fixed[name]);
      return () => value;
    }
    return write;
  });
  const chunk = DuckDBDataChunk.create(types);
  for (let start = 0; start < records.length; start += CHUNK_ROWS) {
    const n = Math.min(CHUNK_ROWS, records.length - start);
    chunk.rowCount = n;
    for (let col = 0; col < writers.length; col++) {
      const name = columnOrder[col]!;
      const write = writers[col]!;
      const values = new Array<DuckDBValue>(n);
      for (let i = 0; i < n; i++) values[i] = write(records[start + i]![name]);
      chunk.setColumnValues(col, values);
    }
    appender.appendDataChunk(chunk);
  }
}

// ── reading ────────────────────────────────────────────────────────────────────────────────────

/**
 * SELECT list that reads a table's columns in record form: timestamps as epoch microseconds
 * (JS `Date` would drop microseconds), JSON as text.
 */
export function selectColumns(table: Table, qualifier = ''): string {
  const q = qualifier ? `${qualifier}.` : '';
  return table.columns
    .map((c) => {
      const col = `${q}${ident(c.name)}`;
      if (c.spec.type === 'timestamp') return `epoch_us(${col}) AS ${ident(c.name)}`;
      if (c.spec.type === 'json') return `${col}::VARCHAR AS ${ident(c.name)}`;
      return `${col} AS ${ident(c.name)}`;
    })
    .join(', ');
}

type Reader = (value: unknown) => unknown;

function fieldReader(spec: FieldSpec): Reader {
  switch (spec.type) {
    case 'timestamp':
      return (v) => (v == null ? null : microsToIso(v as bigint));
    case 'integer':
      return (v) => (v == null ? null : Number(v));
    case 'json':
      return (v) => (v == null ? null : JSON.parse(v as string));
    case 'struct': {
      const entries = Object.entries(spec.fields ?? {}).map(([k, f]) => [k, fieldReader(f)] as const);
      return (v) => {
        if (v == null) return null;
        const o = v as Record<string, unknown>;
        return Object.fromEntries(entries.map(([k, r]) => [k, r(o[k])]));
      };
    }
    case 'list': {
      const item = spec.fields
        ? fieldReader({ ...spec, type: 'struct', nullable: false })
        : fieldReader(spec.item!);
      return (v) => (v == null ? null : (v as unknown[]).map(item));
    }
    default:
      return (v) => v ?? null;
  }
}

/** Turns a row read with `selectColumns(table)` (JS values, same order) into a record. */
export function rowReader<T = Record<string, unknown>>(table: Table): (row: readonly unknown[]) => T {
  const readers = table.columns.map((c) => [c.name, fieldReader(c.spec)] as const);
  return (row) => {
    const out: Record<string, unknown> = {};
    for (let i = 0; i < readers.length; i++) {
      const [name, read] = readers[i]!;
      out[name] = read(row[i]);
    }
    return out as T;
  };
}
