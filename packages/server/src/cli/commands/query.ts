/** `llmmon query "SQL"`: read-only SQL on the runs (the same sandbox as /api/query). */
import type { QueryResponse } from '@llmmon/core/schema';
import { type Command, Option } from 'commander';
import { stringify } from 'csv-stringify/sync';
import { DEFAULT_QUERY_MAX_ROWS, DEFAULT_QUERY_TIMEOUT_MS } from '../../http/app.js';
import { runUserQuery } from '../../store/query.js';
import { ApiClient, out, positiveInt, type WhereOptions, whereOptions, withStore } from '../context.js';
import { cell, table } from '../format.js';

interface QueryOptions extends WhereOptions {
  format: 'table' | 'csv' | 'json';
  maxRows: number;
}

export function registerQuery(program: Command): void {
  whereOptions(
    program
      .command('query')
      .description('run one read-only SELECT on the runs (tables runs, operations, samples, alerts)')
      .argument('<sql>', 'the query, e.g. "SELECT model_name, count(*) FROM operations GROUP BY 1"')
      .addOption(
        new Option('--format <format>', 'output format').choices(['table', 'csv', 'json']).default('table'),
      )
      .addOption(
        new Option('--max-rows <n>', 'most rows returned')
          .argParser(positiveInt('--max-rows'))
          .default(10_000),
      ),
  )
    .addHelpText(
      'after',
      `\nOnly one SELECT statement; no file or network access; stopped after ${DEFAULT_QUERY_TIMEOUT_MS / 1000} s.\n` +
        'The schema is in the README of @llmmon/server; any DuckDB client can open the file for more.',
    )
    .action(async (sql: string, opts: QueryOptions) => {
      const maxRows = Math.min(opts.maxRows, DEFAULT_QUERY_MAX_ROWS);
      let result: QueryResponse;
      if (opts.server) {
        result = await new ApiClient(opts.server).post<QueryResponse>('/api/query', {
          sql,
          format: 'json',
          max_rows: maxRows,
        });
      } else {
        result = await withStore(opts.db!, (store) =>
          store.isolated(async (c) => {
            const r = await runUserQuery(c, sql, { maxRows, timeoutMs: DEFAULT_QUERY_TIMEOUT_MS });
            return {
              columns: r.columns,
              rows: r.rows,
              row_count: r.rows.length,
              truncated: r.truncated,
              elapsed_ms: r.elapsedMs,
            };
          }),
        );
      }
      const names = result.columns.map((c) => c.name);
      if (opts.format === 'json') {
        const rows = result.rows.map((row) => Object.fromEntries(names.map((n, i) => [n, row[i]])));
        await out(`${JSON.stringify(rows, null, 2)}\n`);
      } else if (opts.format === 'csv') {
        const rows = result.rows.map((row) =>
          row.map((v) => (v !== null && typeof v === 'object' ? JSON.stringify(v) : v)),
        );
        await out(stringify([names, ...rows], { cast: { boolean: (b) => String(b) } }));
      } else {
        await out(
          table(
            names,
            result.rows.map((row) => row.map(cell)),
          ),
        );
        await out(
          `(${result.rows.length} row${result.rows.length === 1 ? '' : 's'}${result.truncated ? `, cut at --max-rows ${maxRows}` : ''})\n`,
        );
      }
      if (result.truncated) process.stderr.write(`llmmon: result cut at ${maxRows} rows (--max-rows)\n`);
    });
}
