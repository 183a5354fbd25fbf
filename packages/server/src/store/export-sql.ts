/**
 * Export column lists. CSV (RFC 4180, DuckDB's writer): the operation columns in schema order,
 * timestamps as ISO 8601 UTC strings (as the JSON record has them), nested values (`threads`,
 * `metadata`) as JSON text, nulls as empty fields. Parquet keeps DuckDB's own types.
 */
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
        case 'json':
          return `${col}::VARCHAR AS ${col}`;
        case 'struct':
        case 'list':
          return `to_json(${col})::VARCHAR AS ${col}`;
        default:
          return col;
      }
    })
    .join(', ');
}

/** DuckDB COPY options per export format. */
export const COPY_OPTIONS = {
  csv: "(FORMAT csv, HEADER true, DELIMITER ',', QUOTE '\"', ESCAPE '\"', NULLSTR '')",
  parquet: '(FORMAT parquet, COMPRESSION zstd)',
} as const;
