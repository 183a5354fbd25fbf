/** `llmmon query "SQL"`: read-only SQL on the runs (the same sandbox as /api/query). */

import { DEFAULT_QUERY_TIMEOUT_MS } from '@llmmon/server/defaults';
import { type Command, Option } from 'commander';
import type { QueryOptions } from '../actions/query.js';
import { positiveInt, whereOptions } from '../context.js';

export function registerQuery(program: Command): void {
  whereOptions(
    program
      .command('query')
      .description('run one read-only SELECT on the runs (tables runs, operations, samples, alerts)')
      .argument('<sql>', 'the query, e.g. "SELECT model_name, count(*) FROM operations GROUP BY 1"')
      .addOption(
        new Option(
          '--lake <dir>',
          'also read a Parquet lake (llmmon export --lake) as lake.runs, lake.operations, lake.samples, lake.alerts',
        ),
      )
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
        'The schema is in docs/duckdb-schema.md; any DuckDB client can open the file for more.',
    )
    .action(async (sql: string, opts: QueryOptions) =>
      (await import('../actions/query.js')).queryRuns(sql, opts),
    );
}
