/**
 * The JSON-files comparator: what the original monitor's users did to compare runs — keep one
 * metrics JSON file per run and scan them in a script. Writing a run = JSON.stringify + write;
 * the query reads and parses every file, groups durations by model and takes the p95 (type 7,
 * core's `quantileSorted`, the same definition as DuckDB's `quantile_cont`).
 */
import { readdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { quantileSorted } from '@llmmon/core/schema';
import type { OriginalRecord } from '@llmmon/testkit';

export async function writeRunFile(
  dir: string,
  runId: string,
  original: readonly OriginalRecord[],
): Promise<void> {
  await writeFile(path.join(dir, `metrics_${runId}.json`), JSON.stringify(original));
}

/** p95 of duration per (run, model) over every metrics_*.json in `dir`. */
export async function jsonP95(dir: string): Promise<{ run_id: string; model_name: string; p95: number }[]> {
  const files = (await readdir(dir)).filter((f) => /^metrics_.*\.json$/.test(f)).sort();
  const out: { run_id: string; model_name: string; p95: number }[] = [];
  for (const file of files) {
    const runId = file.slice('metrics_'.length, -'.json'.length);
    const records = JSON.parse(await readFile(path.join(dir, file), 'utf8')) as OriginalRecord[];
    const byModel = new Map<string, number[]>();
    for (const r of records) {
      const list = byModel.get(r.model_name);
      if (list) list.push(r.duration_seconds);
      else byModel.set(r.model_name, [r.duration_seconds]);
    }
    for (const [model, durations] of [...byModel].sort(([a], [b]) => (a < b ? -1 : 1))) {
      durations.sort((a, b) => a - b);
      out.push({ run_id: runId, model_name: model, p95: quantileSorted(durations, 0.95)! });
    }
  }
  return out;
}
