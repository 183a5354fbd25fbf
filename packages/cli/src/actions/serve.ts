/** `llmmon serve`, what it does (registered in `commands/serve.ts`). */
import { resolve } from 'node:path';
import { isExposed, startServer, tokenProblem } from '@llmmon/server';
import { CliError, removeServerNote, writeServerNote } from '../context.js';

export interface ServeOptions {
  db: string;
  port: number;
  host: string;
  /** MB */
  bodyLimit: number;
  /** seconds */
  queryTimeout: number;
  queryMaxRows: number;
  /** Reads need no token even beyond loopback. */
  publicRead?: boolean;
  /** A Parquet lake (`llmmon export --lake`) read beside the file. */
  lake?: string;
}

/** Longest a shutdown may take before the process exits anyway. */
const SHUTDOWN_LIMIT_MS = 5000;

/** Serves the API and the dashboard on `opts.db` until SIGINT or SIGTERM. */
export async function serve(opts: ServeOptions): Promise<void> {
  // Set but blank is a mistake (an empty secret file), not "no token": refused below.
  const token = process.env.LLMMON_TOKEN;
  if (isExposed(opts.host) && token === undefined) {
    throw new CliError(`--host ${opts.host} exposes the server beyond this machine: set LLMMON_TOKEN first`);
  }
  const problem = token === undefined ? null : tokenProblem(token);
  if (problem) throw new CliError(problem);
  const publicRead = opts.publicRead ?? !isExposed(opts.host);
  const server = await startServer({
    db: opts.db,
    ...(opts.lake === undefined ? {} : { lake: opts.lake }),
    port: opts.port,
    host: opts.host,
    token,
    publicRead,
    bodyLimit: opts.bodyLimit * 1024 * 1024,
    queryTimeoutMs: opts.queryTimeout * 1000,
    queryMaxRows: opts.queryMaxRows,
  }).catch((error: unknown) => {
    const code = (error as { code?: string }).code;
    if (opts.lake !== undefined && /^no lake at |^the lake /.test(String((error as Error).message))) {
      throw new CliError((error as Error).message);
    }
    if (code === 'EADDRINUSE') throw new CliError(`port ${opts.port} is in use: pick another with --port`);
    if (code === 'EADDRNOTAVAIL') throw new CliError(`--host ${opts.host}: no such address on this machine`);
    throw error;
  });
  const db = resolve(opts.db);
  writeServerNote(db, server.url);
  console.log(
    `llmmon: serving ${db}${server.store.lakePath ? ` and the lake ${server.store.lakePath}` : ''} at ${server.url} (dashboard at /, API at /api${token ? `, token required for writes${publicRead ? '' : ' and reads'}` : ''})`,
  );
  await new Promise<void>((done) => {
    const stop = (signal: string) => {
      console.log(`llmmon: ${signal}, shutting down`);
      removeServerNote(db);
      // A DuckDB call that ignores interrupts (one huge value) must not keep the process: what was
      // committed is in the file and its write-ahead log either way.
      setTimeout(() => {
        console.error(`llmmon: still busy ${SHUTDOWN_LIMIT_MS / 1000} s after ${signal}, exiting`);
        process.exit(1);
      }, SHUTDOWN_LIMIT_MS).unref();
      server.close().then(done, done);
    };
    process.once('SIGINT', () => stop('SIGINT'));
    process.once('SIGTERM', () => stop('SIGTERM'));
  });
}
