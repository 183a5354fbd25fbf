/** The local DuckDB file of `--db`: opened for one command, with one-line errors. */
import { existsSync } from 'node:fs';
import { DatabaseLockedError, DEFAULT_PORT, Store } from '@llmmon/server';
import { CliError, servingUrl } from './context.js';

export interface WithStoreOptions {
  /** Create the file when there is none (`llmmon ingest`); read commands leave the disk alone. */
  create?: boolean;
  /** A Parquet lake to read beside the file (`Store.open`). */
  lake?: string;
}

/**
 * Opens the local store for `fn` and closes it after. Without `create`, a missing file is a
 * one-line error and nothing is created (a mistyped `--db` must not leave an empty database
 * behind); a file held by a running server becomes a one-line error that names the server's URL
 * when it is known.
 * @example await withStore('data/llmmon.duckdb', (store) => store.listRuns({ limit: 10, offset: 0 }));
 */
export async function withStore<T>(
  db: string,
  fn: (store: Store) => Promise<T>,
  { create = false, lake }: WithStoreOptions = {},
): Promise<T> {
  if (!create && !existsSync(db)) {
    throw new CliError(
      `no database at ${db}: store a run there first with llmmon ingest FILE or llmmon bench`,
    );
  }
  let store: Store;
  try {
    store = await Store.open(db, lake === undefined ? {} : { lake });
  } catch (error) {
    if (lake !== undefined && /^no lake at |^the lake /.test(String((error as Error).message))) {
      throw new CliError((error as Error).message);
    }
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
