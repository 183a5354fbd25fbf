/** Where the measurements keep their results: perf/results/<name>-<time>.json. */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Writes `data` as perf/results/<name>-<ISO time>.json, says so on stdout, returns the path. */
export function writeResult(name: string, data: unknown): string {
  const out = fileURLToPath(new URL('../results/', import.meta.url));
  mkdirSync(out, { recursive: true });
  const file = join(out, `${name}-${new Date().toISOString().replace(/[:.]/g, '-')}.json`);
  writeFileSync(file, `${JSON.stringify(data, null, 2)}\n`);
  console.log(`wrote ${file}`);
  return file;
}
