/** `llmmon export`, what it does (registered in `commands/export.ts`). */
import { createReadStream, createWriteStream } from 'node:fs';
import { resolve } from 'node:path';
import { Readable, type Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { ApiClient, CliError, type WhereOptions } from '../context.js';
import { withStore } from '../local-store.js';

export interface ExportOptions extends WhereOptions {
  run: string;
  format: 'csv' | 'parquet' | 'json';
  out?: string;
}

/** Writes one run's operations (CSV, Parquet) or the whole run (metrics JSON) to a file or stdout. */
export async function exportRun(opts: ExportOptions): Promise<void> {
  const target =
    opts.out ?? (opts.format === 'parquet' ? `${opts.run.replace(/[^\w.-]/g, '_')}.parquet` : null);
  const sink = (): Writable => (target ? createWriteStream(target) : (process.stdout as unknown as Writable));
  const finish = () => {
    if (target) process.stderr.write(`llmmon: wrote ${resolve(target)}\n`);
  };
  if (opts.server) {
    const res = await new ApiClient(opts.server).request(
      `/api/runs/${encodeURIComponent(opts.run)}/export.${opts.format}`,
    );
    await pipeline(Readable.fromWeb(res.body as never), sink(), { end: Boolean(target) });
    return finish();
  }
  await withStore(opts.db!, async (store) => {
    if (opts.format === 'json') {
      const pieces = await store.exportJson(opts.run);
      await pipeline(Readable.from(pieces), sink(), { end: Boolean(target) });
    } else {
      const path = await store.exportOperationsFile(opts.run, opts.format);
      try {
        await pipeline(createReadStream(path), sink(), { end: Boolean(target) });
      } finally {
        await store.removeScratch(path);
      }
    }
  }).catch((error: unknown) => {
    if ((error as Error).name === 'NotFoundError') throw new CliError((error as Error).message);
    throw error;
  });
  finish();
}

/** Writes every run that is new or grew into the Parquet lake at `opts.lake` (a local store only). */
export async function exportToLake(
  opts: WhereOptions & { lake: string; run?: string; format?: string },
): Promise<void> {
  if (opts.server) throw new CliError('--lake writes from a DuckDB file: use --db, not --server');
  if (opts.run || opts.format) throw new CliError('--lake writes every run: leave out --run and --format');
  const { exportLake } = await import('@llmmon/server');
  const result = await withStore(opts.db!, (store) => exportLake(store, opts.lake));
  process.stderr.write(
    `llmmon: ${result.runs} run(s) written to ${resolve(opts.lake)}, ${result.unchanged} unchanged\n`,
  );
}
