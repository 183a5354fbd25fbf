/** The local DuckDB file of `--db`: opened for one command, with one-line errors. */
import { DatabaseLockedError } from '../db/database.js';
import { Store } from '../store/store.js';
import { CliError, servingUrl } from './context.js';
import { DEFAULT_PORT } from './defaults.js';

/**
 * Opens the local store for `fn` and closes it after. A file held by a running server becomes a
 * one-line error that names the server's URL when it is known.
 * @example await withStore('data/llmmon.duckdb', (store) => store.listRuns({ limit: 10, offset: 0 }));
 */
export async function withStore<T>(db: string, fn: (store: Store) => Promise<T>): Promise<T> {
  let store: Store;
  try {
    store = await Store.open(db);
  } catch (error) {
    if (error instanceof DatabaseLockedError) {
      const url = servingUrl(error.path, error.pid);
      throw new CliError(
        `${db} is in use by ${error.pid ? `process ${error.pid}` : 'another process'}${url ? ` (llmmon serve at ${url})` : ''}: ` +
          `run the command with --server ${url ?? `http://127.0.0.1:${DEFAULT_PORT}`}, or stop that process`,
      );
    }
    throw error;
  }
  try {
    return await fn(store);
  } finally {
    await store.close();
  }
}
