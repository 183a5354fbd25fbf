/**
 * Operation records as CSV rows: one row per record, columns `OPERATION_COLUMNS` in order.
 * Numbers are written in JavaScript's shortest round-trip form, booleans as `true`/`false`, null
 * as an empty cell, nested values (`threads`, `metadata`) as JSON text, and text that a
 * spreadsheet would run as a formula with a leading apostrophe (`neutralizeCsvText`).
 * Browser-safe, so the server's and the dashboard's CSV exports are the same as core's.
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

/** First characters that make a spreadsheet read a cell as a formula (OWASP "CSV injection"). */
const FORMULA_START = /^[=+\-@\t\r]/;

/**
 * A text cell made safe to open in a spreadsheet: text that begins with `=`, `+`, `-`, `@`, a tab
 * or a carriage return gets a leading apostrophe, which spreadsheets show as text instead of
 * running it as a formula (`=HYPERLINK(…)`, `+cmd|' /C calc'!A0`). Text that already begins with
 * an apostrophe before one of those gets one more, so `restoreCsvText` gives back exactly what
 * was written. Only text cells: numbers stay numbers (a negative number is not text). Every CSV
 * writer of llmmon uses this rule; for raw values read JSON or Parquet instead.
 */
export function neutralizeCsvText(text: string): string {
  return FORMULA_START.test(text) || (text.startsWith("'") && FORMULA_START.test(text.slice(1)))
    ? `'${text}`
    : text;
}

/** The text `neutralizeCsvText` was given. */
export function restoreCsvText(cell: string): string {
  const rest = cell.slice(1);
  return cell.startsWith("'") &&
    (FORMULA_START.test(rest) || (rest.startsWith("'") && FORMULA_START.test(rest.slice(1))))
    ? rest
    : cell;
}

/**
 * One value as CSV cell text, the rule of every llmmon CSV writer (records, query results, the
 * dashboard's downloads): null is an empty cell, numbers as JavaScript writes them, booleans as
 * words, objects and lists as JSON text, text through `neutralizeCsvText`. Quoting is the CSV
 * writer's job.
 */
export function csvCell(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'string') return neutralizeCsvText(value);
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint')
    return String(value);
  return JSON.stringify(value);
}

/**
 * One record as CSV cells (strings), in `CSV_COLUMNS` order; quoting is the CSV writer's job.
 * @example
 * const rows = [CSV_COLUMNS, ...records.map(toCsvRow)];
 */
export function toCsvRow(record: OperationRecord): string[] {
  return OPERATION_COLUMNS.map((k) => csvCell(record[k]));
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
      return restoreCsvText(text);
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
