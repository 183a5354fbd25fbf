/**
 * A Parquet lake for fleets: each run's operations as one Parquet file in a Hive-partitioned
 * folder that Spark, Trino, ClickHouse and DuckDB read as one table:
 *
 *     DIR/operations/host=<host name>/date=<YYYY-MM-DD of the run's start, UTC>/<run id>__<n>.parquet
 *
 * (`n` = the run's operation count). Incremental and idempotent: a run already in the lake with
 * the same count is skipped; a run that grew (a live run) is written again and its older file
 * removed. A file is written under a dot-name in its partition and renamed into place, so a reader
 * never sees half a file. Partition values and file names escape every character outside
 * `[A-Za-z0-9._-]` as `%XX`, as Hive and Spark do.
 */
import { copyFile, mkdir, readdir, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { RunSummary } from '@llmmon/core/schema';
import type { Store } from '../store/store.js';

export interface LakeExportResult {
  /** Files written (paths relative to the lake folder). */
  written: string[];
  /** Runs already in the lake as they are in the store. */
  unchanged: number;
}

/** Hive/Spark path escaping: every character outside `[A-Za-z0-9._-]` as %XX (UTF-8 bytes). */
export const escapePathValue = (value: string) =>
  Array.from(Buffer.from(value, 'utf8'))
    .map((b) =>
      /[A-Za-z0-9._-]/.test(String.fromCharCode(b))
        ? String.fromCharCode(b)
        : `%${b.toString(16).toUpperCase().padStart(2, '0')}`,
    )
    .join('')
    // A dot-name would be hidden from readers (and `.`/`..` are not names).
    .replace(/^\./, '%2E');

/** The folder (relative to the lake) and file name of a run's operations. */
export function lakePath(run: Pick<RunSummary, 'id' | 'started_at' | 'host' | 'operations'>): {
  partition: string;
  prefix: string;
  file: string;
} {
  const host = escapePathValue(run.host.hostname ?? 'unknown');
  const date = new Date(run.started_at).toISOString().slice(0, 10);
  const prefix = `${escapePathValue(run.id)}__`;
  return {
    partition: join('operations', `host=${host}`, `date=${date}`),
    prefix,
    file: `${prefix}${run.operations}.parquet`,
  };
}

async function* allRuns(store: Store): AsyncGenerator<RunSummary> {
  const page = 10_000;
  for (let offset = 0; ; offset += page) {
    const { runs } = await store.listRuns({ limit: page, offset });
    yield* runs;
    if (runs.length < page) return;
  }
}

/** Writes the store's runs that are new or grew into the lake at `dir`. */
export async function exportLake(store: Store, dir: string): Promise<LakeExportResult> {
  const result: LakeExportResult = { written: [], unchanged: 0 };
  for await (const run of allRuns(store)) {
    if (run.operations === 0) continue;
    const { partition, prefix, file } = lakePath(run);
    const folder = join(dir, partition);
    await mkdir(folder, { recursive: true });
    const present = (await readdir(folder)).filter((f) => f.startsWith(prefix) && f.endsWith('.parquet'));
    if (present.includes(file)) {
      result.unchanged++;
      continue;
    }
    const scratch = await store.exportOperationsFile(run.id, 'parquet');
    const hidden = join(folder, `.${file}.tmp`);
    try {
      await copyFile(scratch, hidden);
      await rename(hidden, join(folder, file));
    } finally {
      await store.removeScratch(scratch);
      await rm(hidden, { force: true });
    }
    for (const old of present) await rm(join(folder, old), { force: true });
    result.written.push(join(partition, file));
  }
  return result;
}
