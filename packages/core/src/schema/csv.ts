/**
 * Operation records as CSV rows: one row per record, columns `OPERATION_COLUMNS` in order.
 * Numbers are written in JavaScript's shortest round-trip form, booleans as `true`/`false`, null
 * as an empty cell, and nested values (`threads`, `metadata`) as JSON text. Browser-safe, so the
 * server's and the dashboard's CSV exports are the same as core's.
 */
import type { FieldSpec } from './field.js';
import { describeZodError } from './normalize.js';
import {
  OPERATION_COLUMNS,
  OPERATION_FIELDS,
  type OperationRecord,
  OperationRecordSchema,
} from './operation.js';

/** The CSV header: the record's field names in column order. */
export const CSV_COLUMNS: readonly string[] = OPERATION_COLUMNS;

function cell(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return JSON.stringify(value);
}

/**
 * One record as CSV cells (strings), in `CSV_COLUMNS` order; quoting is the CSV writer's job.
 * @example
 * const rows = [CSV_COLUMNS, ...records.map(toCsvRow)];
 */
export function toCsvRow(record: OperationRecord): string[] {
  return OPERATION_COLUMNS.map((k) => cell(record[k]));
}

function parseCell(spec: FieldSpec, text: string): unknown {
  if (text === '' && (spec.nullable || spec.type !== 'text')) return null;
  switch (spec.type) {
    case 'float':
    case 'integer':
      return Number(text);
    case 'boolean':
      return text === 'true' ? true : text === 'false' ? false : text;
    case 'json':
    case 'struct':
    case 'list':
      return JSON.parse(text);
    default:
      return text;
  }
}

/**
 * A record from CSV cells keyed by column name (as `toCsvRow` wrote them). An empty cell is null
 * (so a nullable text field that held "" comes back null).
 * @throws Error naming the column that does not parse
 */
export function fromCsvRow(row: Readonly<Record<string, string>>): OperationRecord {
  const raw: Record<string, unknown> = {};
  for (const k of OPERATION_COLUMNS) {
    const text = row[k];
    if (text === undefined) continue;
    try {
      raw[k] = parseCell(OPERATION_FIELDS[k], text);
    } catch (error) {
      throw new Error(`${k}: ${(error as Error).message}`);
    }
  }
  const parsed = OperationRecordSchema.safeParse(raw);
  if (!parsed.success) throw new Error(describeZodError(parsed.error));
  return parsed.data;
}
