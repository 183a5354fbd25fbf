/**
 * The lake's layout, shared by its writer (export.ts) and its reader (catalog.ts):
 *
 *     DIR/<table>/host=<host name>/date=<YYYY-MM-DD of the run's start, UTC>/<run id>__<version>.parquet
 *
 * for the tables `runs` (the header: one row), `operations`, `samples` and `alerts` (a run's rows;
 * no file where it has none). `version` is `<operations>-<samples>-<alerts>`, the run's row
 * counts: a run only grows, so a higher version is a newer one. Partition values and run ids
 * escape every character outside `[A-Za-z0-9._-]` as `%XX`, as Hive and Spark do.
 */
import { join } from 'node:path';
import type { RunSummary } from '@llmmon/core/schema';

/** The tables of the lake; `runs` last: a run is in the lake once its header file is. */
export const LAKE_TABLES = ['operations', 'samples', 'alerts', 'runs'] as const;
export type LakeTable = (typeof LAKE_TABLES)[number];

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

/** An escaped value: what the writer makes, and all the reader accepts. */
const ESCAPED = '[A-Za-z0-9_%-][A-Za-z0-9._%-]*';
export const HOST_DIR = new RegExp(`^host=${ESCAPED}$`);
export const DATE_DIR = /^date=\d{4}-\d{2}-\d{2}$/;
export const FILE_NAME = new RegExp(`^(${ESCAPED})__(\\d+)-(\\d+)-(\\d+)\\.parquet$`);

/** A run's version: its row counts (operations, samples, alerts). */
export type LakeVersion = readonly [number, number, number];

export const versionText = (v: LakeVersion) => v.join('-');

/** Whether version `a` is newer than `b` (a run's counts only grow). */
export const newer = (a: LakeVersion, b: LakeVersion) =>
  a[0] !== b[0] ? a[0] > b[0] : a[1] !== b[1] ? a[1] > b[1] : a[2] > b[2];

/** The partition (relative to the lake, below the table's folder) and file name of a run. */
export function lakePath(
  run: Pick<RunSummary, 'id' | 'started_at' | 'host' | 'operations' | 'samples' | 'alerts'>,
): { partition: string; prefix: string; file: string } {
  const host = escapePathValue(run.host.hostname ?? 'unknown');
  const date = new Date(run.started_at).toISOString().slice(0, 10);
  const prefix = `${escapePathValue(run.id)}__`;
  return {
    partition: join(`host=${host}`, `date=${date}`),
    prefix,
    file: `${prefix}${versionText([run.operations, run.samples, run.alerts])}.parquet`,
  };
}
