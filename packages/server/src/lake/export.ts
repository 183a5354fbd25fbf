/**
 * A Parquet lake for fleets (layout in layout.ts): each run's header, operations, samples and
 * alerts as Parquet files in Hive-partitioned folders that Spark, Trino, ClickHouse and DuckDB
 * read as tables, and `Store.open(path, { lake })` reads beside the local runs.
 *
 * Incremental and idempotent: a run already in the lake at its current version is skipped; a run
 * that grew (a live run) is written again and its older files removed. Each file is written under
 * a dot-name in its partition and renamed into place, so a reader never sees half a file; the
 * header goes last, so a reader that finds it finds the run's other files of that version.
 */
import { copyFile, mkdir, readdir, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { RunSummary } from '@llmmon/core/schema';
import type { Store } from '../store/store.js';
import { LAKE_TABLES, type LakeTable, lakePath } from './layout.js';

export { escapePathValue, lakePath } from './layout.js';

export interface LakeExportResult {
  /** Files written (paths relative to the lake folder). */
  written: string[];
  /** Runs written (new, or grown since). */
  runs: number;
  /** Runs already in the lake as they are in the store. */
  unchanged: number;
}

async function* allRuns(store: Store): AsyncGenerator<RunSummary> {
  const page = 10_000;
  for (let offset = 0; ; offset += page) {
    const { runs } = await store.listRuns({ limit: page, offset });
    yield* runs;
    if (runs.length < page) return;
  }
}

/** The run's files of the other versions in a table's partition. */
async function olderFiles(folder: string, prefix: string, file: string): Promise<string[]> {
  const names = await readdir(folder).catch(() => [] as string[]);
  return names.filter((f) => f.startsWith(prefix) && f.endsWith('.parquet') && f !== file);
}

/** Whether the run has rows in `table` (a header always; operations always: empty runs stay out). */
const hasRows = (run: RunSummary, table: LakeTable) =>
  table === 'samples' ? run.samples > 0 : table === 'alerts' ? run.alerts > 0 : true;

/** Writes one table's file of a run: a scratch copy renamed into place. */
async function writeFile(store: Store, run: RunSummary, table: LakeTable, folder: string, file: string) {
  await mkdir(folder, { recursive: true });
  const scratch = await store.exportTableParquet(run.id, table);
  const hidden = join(folder, `.${file}.tmp`);
  try {
    await copyFile(scratch, hidden);
    await rename(hidden, join(folder, file));
  } finally {
    await store.removeScratch(scratch);
    await rm(hidden, { force: true });
  }
}

/** Writes the store's runs that are new or grew into the lake at `dir`. */
export async function exportLake(store: Store, dir: string): Promise<LakeExportResult> {
  const result: LakeExportResult = { written: [], runs: 0, unchanged: 0 };
  for await (const run of allRuns(store)) {
    if (run.operations === 0) continue;
    const { partition, prefix, file } = lakePath(run);
    const folder = (table: LakeTable) => join(dir, table, partition);
    const present = await readdir(folder('runs')).catch(() => [] as string[]);
    if (present.includes(file)) {
      result.unchanged++;
      continue;
    }
    result.runs++;
    for (const table of LAKE_TABLES) {
      if (!hasRows(run, table)) continue;
      await writeFile(store, run, table, folder(table), file);
      result.written.push(join(table, partition, file));
    }
    // The old header first: a reader that lists the headers after this sees only the new version.
    for (const table of [...LAKE_TABLES].reverse()) {
      for (const old of await olderFiles(folder(table), prefix, file))
        await rm(join(folder(table), old), { force: true });
    }
  }
  return result;
}
