/**
 * CSV of what the detailed table shows (its rows in their order, its columns), RFC 4180:
 * comma-separated, CRLF line ends, fields quoted when they hold a comma, quote or line break,
 * quotes doubled. Written by papaparse. Values are the records' own (full precision, not the
 * rounded text the table shows), each cell as core's `csvCell` writes it: null is an empty field,
 * text a spreadsheet would run as a formula gets a leading apostrophe.
 */
import { csvCell, type OperationField, type OperationRecord } from '@llmmon/core/schema';
import Papa from 'papaparse';
import { cellValue } from './columns.js';

/**
 * @example
 * const text = operationsCsv(rows, ['seq', 'model_name', 'duration_seconds']);
 * // 'seq,model_name,duration_seconds\r\n0,tiny,0.12\r\n…'
 */
export function operationsCsv(rows: readonly OperationRecord[], columns: readonly OperationField[]): string {
  const data = rows.map((r) => columns.map((c) => cellValue(r, c)));
  return tableCsv([...columns], data);
}

/** Any table (a SQL console result, say) as RFC 4180 CSV. */
export function tableCsv(fields: readonly string[], rows: readonly (readonly unknown[])[]): string {
  const data = rows.map((row) => row.map(csvCell));
  return Papa.unparse({ fields: [...fields], data }, { newline: '\r\n', quotes: false });
}
