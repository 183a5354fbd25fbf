/**
 * `startServer`: the app on a real listening socket (@hono/node-server), with the store it
 * opened, and a `close()` that ends live streams, stops accepting, waits for open requests and
 * closes the DuckDB file cleanly.
 */
import { existsSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { DEFAULT_DB_PATH } from '../defaults.js';
import { Store } from '../store/store.js';
import { type AppOptions, createApp } from './app.js';
import { tokenProblem } from './auth.js';

export interface StartServerOptions extends Omit<AppOptions, 'store'> {
  /** DuckDB file (default data/llmmon.duckdb), or an open store to serve. */
  db?: string | Store;
  /** A Parquet lake to read beside the file (when the server opens it): see `Store.open`. */
  lake?: string;
  /** Port; 0 (default) = any free port. */
  port?: number;
  /** Address to bind; default 127.0.0.1. Anything but a loopback address needs `token`. */
  host?: string;
  /**
   * Reads (runs, exports, /metrics, the live stream) need no token. Default: true on loopback,
   * false beyond it.
   */
  publicRead?: boolean;
}

export interface RunningServer {
  /** Base URL, e.g. `http://127.0.0.1:41234`. */
  url: string;
  port: number;
  store: Store;
  /** Stops the server and closes the store (when it opened it). */
  close(): Promise<void>;
}

const LOOPBACK = /^(127\.\d+\.\d+\.\d+|::1|localhost)$/;

/** Whether binding to `host` exposes the server beyond this machine. */
export const isExposed = (host: string) => !LOOPBACK.test(host);

/**
 * Starts the API server.
 * @throws Error when binding beyond loopback without a token, or the port is taken
 * @example
 * const server = await startServer({ db: 'data/llmmon.duckdb', port: 0 });
 * console.log(server.url); // http://127.0.0.1:41234
 * await server.close();
 */
export async function startServer(options: StartServerOptions = {}): Promise<RunningServer> {
  const host = options.host ?? '127.0.0.1';
  if (isExposed(host) && options.token === undefined) {
    throw new Error(
      `--host ${host} exposes the server: set LLMMON_TOKEN (reads, writes and /api/query then need it)`,
    );
  }
  const problem = options.token === undefined ? null : tokenProblem(options.token);
  if (problem) throw new Error(problem);
  const ownStore = !(options.db instanceof Store);
  // A file this call creates is removed again when the server cannot start (a busy port), so a
  // failed start leaves no empty database behind.
  const created =
    ownStore &&
    options.db !== ':memory:' &&
    !existsSync((options.db as string | undefined) ?? DEFAULT_DB_PATH);
  const store =
    options.db instanceof Store
      ? options.db
      : await Store.open(options.db, options.lake === undefined ? {} : { lake: options.lake });
  const app = createApp({ ...options, store, publicRead: options.publicRead ?? !isExposed(host) });
  let server: ReturnType<typeof serve>;
  try {
    server = await new Promise<ReturnType<typeof serve>>((resolve, reject) => {
      const s = serve({ fetch: app.fetch, port: options.port ?? 0, hostname: host }, () => resolve(s));
      s.once('error', reject);
    });
  } catch (error) {
    app.shutdown();
    if (ownStore) await store.close();
    if (created) await Promise.all([store.path, `${store.path}.wal`].map((f) => rm(f, { force: true })));
    throw error;
  }
  const { port } = server.address() as AddressInfo;
  const shown = host.includes(':') ? `[${host}]` : host === '0.0.0.0' ? '127.0.0.1' : host;
  let closing: Promise<void> | undefined;
  return {
    url: `http://${shown}:${port}`,
    port,
    store,
    close() {
      closing ??= (async () => {
        app.shutdown();
        // Requests in flight finish, user queries among them: interrupted now, answered 408.
        store.stopQueries();
        const http = server as unknown as { closeIdleConnections(): void; closeAllConnections(): void };
        await new Promise<void>((resolve) => {
          // Requests in flight finish; keep-alive sockets (idle now, or once their answer is
          // sent) are closed as they go idle; after 5 s the rest is cut.
          const idle = setInterval(() => http.closeIdleConnections(), 50);
          const force = setTimeout(() => http.closeAllConnections(), 5000);
          server.close(() => {
            clearInterval(idle);
            clearTimeout(force);
            resolve();
          });
          http.closeIdleConnections();
        });
        if (ownStore) await store.close();
      })();
      return closing;
    },
  };
}
