/** `llmmon query`, what it does (registered in `commands/query.ts`). */
import { csvCell, type QueryResponse } from '@llmmon/core/schema';
import {
  DEFAULT_QUERY_MAX_BYTES,
  DEFAULT_QUERY_MAX_ROWS,
  DEFAULT_QUERY_TIMEOUT_MS,
} from '@llmmon/server/defaults';
import { stringify } from 'csv-stringify/sync';
import { ApiClient, CliError, out, type WhereOptions } from '../context.js';
import { cell, table } from '../format.js';
import { withStore } from '../local-store.js';

export interface QueryOptions extends WhereOptions {
  format: 'table' | 'csv' | 'json';
  maxRows: number;
  /** A Parquet lake read beside the local file. */
  lake?: string;
}

/** Runs one read-only SELECT (locally in the sandbox, or through `--server`) and prints the rows. */
export async function queryRuns(sql: string, opts: QueryOptions): Promise<void> {
  const maxRows = Math.min(opts.maxRows, DEFAULT_QUERY_MAX_ROWS);
  let result: QueryResponse;
  if (opts.server && opts.lake !== undefined) {
    throw new CliError(
      '--lake reads a lake beside a DuckDB file: start the server with --lake instead of --server',
    );
  }
  if (opts.server) {
    result = await new ApiClient(opts.server).post<QueryResponse>('/api/query', {
      sql,
      format: 'json',
      max_rows: maxRows,
    });
  } else {
    result = await withStore(
      opts.db!,
      (store) =>
        store.query(sql, { maxRows, timeoutMs: DEFAULT_QUERY_TIMEOUT_MS }).then((r) => ({
          columns: r.columns,
          rows: r.rows,
          row_count: r.rows.length,
          truncated: r.truncated,
          elapsed_ms: r.elapsedMs,
        })),
      opts.lake === undefined ? {} : { lake: opts.lake },
    );
  }
  const names = result.columns.map((c) => c.name);
  if (opts.format === 'json') {
    const rows = result.rows.map((row) => Object.fromEntries(names.map((n, i) => [n, row[i]])));
    await out(`${JSON.stringify(rows, null, 2)}\n`);
  } else if (opts.format === 'csv') {
    await out(stringify([names, ...result.rows.map((row) => row.map(csvCell))]));
  } else {
    await out(
      table(
        names,
        result.rows.map((row) => row.map(cell)),
      ),
    );
    await out(
      `(${result.rows.length} row${result.rows.length === 1 ? '' : 's'}${result.truncated ? ', cut' : ''})\n`,
    );
  }
  if (result.truncated) {
    process.stderr.write(
      `llmmon: result cut after ${result.rows.length} rows (--max-rows ${maxRows}, or the ${DEFAULT_QUERY_MAX_BYTES / 2 ** 20} MB size limit)\n`,
    );
  }
}
