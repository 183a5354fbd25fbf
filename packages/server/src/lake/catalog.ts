/**
 * What a reader of the lake sees at one moment: per run, the newest version whose header file is
 * there, and that version's files of each table. Files the writer did not make (other names,
 * hidden `.tmp` files, other folders) are left out, so every path a view names matches
 * layout.ts's patterns.
 */
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import {
  DATE_DIR,
  FILE_NAME,
  HOST_DIR,
  LAKE_TABLES,
  type LakeTable,
  type LakeVersion,
  newer,
} from './layout.js';

export type LakeFiles = Record<LakeTable, string[]>;

const names = (dir: string) => readdir(dir).catch(() => [] as string[]);

/** The partition folders of a table that the writer could have made, relative to its folder. */
async function partitions(tableDir: string): Promise<string[]> {
  const out: string[] = [];
  for (const host of (await names(tableDir)).filter((n) => HOST_DIR.test(n))) {
    for (const date of (await names(join(tableDir, host))).filter((n) => DATE_DIR.test(n))) {
      out.push(join(host, date));
    }
  }
  return out;
}

/**
 * The lake's files at `dir` (absolute paths), each table's sorted. A run whose operations file
 * of its newest header's version is gone (a writer replaced it meanwhile) is left out.
 */
export async function scanLake(dir: string): Promise<LakeFiles> {
  const newest = new Map<string, { version: LakeVersion; partition: string; file: string }>();
  for (const partition of await partitions(join(dir, 'runs'))) {
    for (const file of await names(join(dir, 'runs', partition))) {
      const m = FILE_NAME.exec(file);
      if (!m) continue;
      const version = [Number(m[2]), Number(m[3]), Number(m[4])] as const;
      const known = newest.get(m[1]!);
      if (!known || newer(version, known.version)) newest.set(m[1]!, { version, partition, file });
    }
  }
  const present = new Map<LakeTable, Set<string>>();
  for (const table of LAKE_TABLES) {
    const set = new Set<string>();
    const parts = table === 'runs' ? [] : await partitions(join(dir, table));
    for (const partition of parts) {
      for (const file of await names(join(dir, table, partition))) set.add(join(partition, file));
    }
    present.set(table, set);
  }
  const files: LakeFiles = { operations: [], samples: [], alerts: [], runs: [] };
  for (const { partition, file } of newest.values()) {
    const path = join(partition, file);
    if (!present.get('operations')!.has(path)) continue;
    files.runs.push(join(dir, 'runs', path));
    for (const table of ['operations', 'samples', 'alerts'] as const) {
      if (present.get(table)!.has(path)) files[table].push(join(dir, table, path));
    }
  }
  for (const table of LAKE_TABLES) files[table].sort();
  return files;
}
