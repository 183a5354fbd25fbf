/** `llmmon serve`: the HTTP API and the dashboard on a DuckDB file. */
import { resolve } from 'node:path';
import { type Command, Option } from 'commander';
import { DEFAULT_DB_PATH } from '../../db/database.js';
import { DEFAULT_BODY_LIMIT, DEFAULT_QUERY_MAX_ROWS, DEFAULT_QUERY_TIMEOUT_MS } from '../../http/app.js';
import { isExposed, startServer } from '../../http/server.js';
import { CliError, positiveInt, removeServerNote, writeServerNote } from '../context.js';

export const DEFAULT_PORT = 8737;

export function registerServe(program: Command): void {
  program
    .command('serve')
    .description('serve the HTTP API (/api), live events, /metrics and the dashboard (/) on a DuckDB file')
    .addOption(
      new Option('--db <file>', 'DuckDB file (created if missing)').env('LLMMON_DB').default(DEFAULT_DB_PATH),
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
      '\nWith a token (LLMMON_TOKEN) every write and /api/query need "Authorization: Bearer <token>".\n' +
        'Stops cleanly on SIGINT (Ctrl-C) or SIGTERM.',
    )
    .action(
      async (opts: {
        db: string;
        port: number;
        host: string;
        bodyLimit: number;
        queryTimeout: number;
        queryMaxRows: number;
      }) => {
        const token = process.env.LLMMON_TOKEN || undefined;
        if (isExposed(opts.host) && !token) {
          throw new CliError(
            `--host ${opts.host} exposes the server beyond this machine: set LLMMON_TOKEN first`,
          );
        }
        const server = await startServer({
          db: opts.db,
          port: opts.port,
          host: opts.host,
          token,
          bodyLimit: opts.bodyLimit * 1024 * 1024,
          queryTimeoutMs: opts.queryTimeout * 1000,
          queryMaxRows: opts.queryMaxRows,
        }).catch((error: unknown) => {
          const code = (error as { code?: string }).code;
          if (code === 'EADDRINUSE')
            throw new CliError(`port ${opts.port} is in use: pick another with --port`);
          if (code === 'EADDRNOTAVAIL')
            throw new CliError(`--host ${opts.host}: no such address on this machine`);
          throw error;
        });
        const db = resolve(opts.db);
        writeServerNote(db, server.url);
        console.log(
          `llmmon: serving ${db} at ${server.url} (dashboard at /, API at /api${token ? ', token required for writes' : ''})`,
        );
        await new Promise<void>((done) => {
          const stop = (signal: string) => {
            console.log(`llmmon: ${signal}, shutting down`);
            removeServerNote(db);
            server.close().then(done, done);
          };
          process.once('SIGINT', () => stop('SIGINT'));
          process.once('SIGTERM', () => stop('SIGTERM'));
        });
      },
    );
}
