/** `llmmon serve`: the HTTP API and the dashboard on a DuckDB file. */

import {
  DEFAULT_BODY_LIMIT,
  DEFAULT_DB_PATH,
  DEFAULT_PORT,
  DEFAULT_QUERY_MAX_ROWS,
  DEFAULT_QUERY_TIMEOUT_MS,
} from '@llmmon/server/defaults';
import { type Command, Option } from 'commander';
import type { ServeOptions } from '../actions/serve.js';
import { positiveInt } from '../context.js';

export function registerServe(program: Command): void {
  program
    .command('serve')
    .description('serve the HTTP API (/api), live events, /metrics and the dashboard (/) on a DuckDB file')
    .addOption(
      new Option('--db <file>', 'DuckDB file (created if missing)').env('LLMMON_DB').default(DEFAULT_DB_PATH),
    )
    .addOption(
      new Option(
        '--lake <dir>',
        'also read the runs of a Parquet lake (llmmon export --lake), read-only; SQL sees lake.runs, lake.operations, …',
      ),
    )
    .addOption(
      new Option('--port <n>', 'port (0 = any free port)')
        .argParser(positiveInt('--port'))
        .default(DEFAULT_PORT),
    )
    .addOption(
      new Option('--host <address>', 'address to bind; anything but loopback needs LLMMON_TOKEN').default(
        '127.0.0.1',
      ),
    )
    .addOption(
      new Option(
        '--public-read',
        'beyond loopback, let reads (runs, exports, /metrics, live) through without the token',
      ),
    )
    .addOption(
      new Option('--body-limit <mb>', 'largest request body in MB (larger: 413)')
        .argParser(positiveInt('--body-limit'))
        .default(DEFAULT_BODY_LIMIT / 1024 / 1024),
    )
    .addOption(
      new Option('--query-timeout <seconds>', 'time limit of one /api/query')
        .argParser(positiveInt('--query-timeout'))
        .default(DEFAULT_QUERY_TIMEOUT_MS / 1000),
    )
    .addOption(
      new Option('--query-max-rows <n>', 'most rows one /api/query returns')
        .argParser(positiveInt('--query-max-rows'))
        .default(DEFAULT_QUERY_MAX_ROWS),
    )
    .addHelpText(
      'after',
      '\nWith a token (LLMMON_TOKEN, at least 16 characters) every write and /api/query need\n' +
        '"Authorization: Bearer <token>"; beyond loopback every read too, unless --public-read.\n' +
        'Stops cleanly on SIGINT (Ctrl-C) or SIGTERM.',
    )
    .action(async (opts: ServeOptions) => (await import('../actions/serve.js')).serve(opts));
}
