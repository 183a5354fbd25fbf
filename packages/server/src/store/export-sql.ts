/**
 * Export column lists. CSV (RFC 4180, DuckDB's writer): the operation columns in schema order,
 * each cell the text core's `toCsvRow` writes for it — timestamps as ISO 8601 UTC strings (as
 * the JSON record has them), numbers as JavaScript writes them, nested values (`threads`,
 * `metadata`) as JSON text, nulls as empty fields, text that a spreadsheet would run as a formula
 * with a leading apostrophe. Parquet keeps DuckDB's own types and raw values.
 */
import { csvTextSql, jsNumberSql, jsonTextSql } from '../db/js-text.js';
import type { Table } from '../db/tables.js';
import { ident } from '../db/tables.js';
import { isoSql } from '../db/timestamps.js';

/** SELECT list of a table's columns as CSV cells. */
export function csvColumns(table: Table): string {
  return table.columns
    .map((c) => {
      const col = ident(c.name);
      switch (c.spec.type) {
        case 'timestamp':
          return `${isoSql(col)} AS ${col}`;
        case 'text':
          // DuckDB quotes an empty string to tell it from null; core writes both as an empty cell.
          // Text a spreadsheet would run as a formula is neutralized as core does it.
          return `${csvTextSql(`nullif(${col}, '')`)} AS ${col}`;
        case 'float':
          return `${jsNumberSql(col)} AS ${col}`;
        case 'json':
        case 'struct':
        case 'list':
          return `${jsonTextSql(c.spec, col)} AS ${col}`;
        default:
          return col;
      }
    })
    .join(', ');
}

/** DuckDB COPY options per export format. */
export const COPY_OPTIONS = {
  csv: "(FORMAT csv, HEADER true, DELIMITER ',', QUOTE '\"', ESCAPE '\"', NULLSTR '', NEW_LINE '\r\n')",
  parquet: '(FORMAT parquet, COMPRESSION zstd)',
} as const;
