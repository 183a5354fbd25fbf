import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { MetricsFileSchema, type OperationRecord } from '@llmmon/core/schema';
import { metricsFile, operation, runHeader, tempDir } from '@llmmon/testkit';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Store } from '../store/store.js';
import { exportLake } from './export.js';

let tmp: ReturnType<typeof tempDir>;
let store: Store;
beforeEach(async () => {
  tmp = tempDir();
  store = await Store.open(join(tmp.dir, 'lake-source.duckdb'));
});
afterEach(async () => {
  await store.close();
  tmp.remove();
});

/** A run of `n` operations on `host`, started on `day` (durations vary by seq). */
const run = (id: string, host: string, day: string, n: number) => {
  const file = metricsFile(id, n, (seq) => ({ duration_seconds: 0.1 + ((seq * 37) % 100) / 100 }));
  file.run = runHeader(id, {
    started_at: `${day}T08:00:00.000Z`,
    host: { ...runHeader(id).host, hostname: host },
  });
  return MetricsFileSchema.parse(file);
};

const files = (dir: string): string[] =>
  readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((f) => statSync(join(dir, f)).isFile())
    .sort();

/** The p95 of durations, as DuckDB's quantile_cont computes it (linear interpolation). */
function p95(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const h = (s.length - 1) * 0.95;
  return s[Math.floor(h)]! + (h - Math.floor(h)) * (s[Math.ceil(h)]! - s[Math.floor(h)]!);
}

describe('exportLake', () => {
  it('writes Hive partitions by host and date that DuckDB reads as one table', async () => {
    const runs = [
      run('a-1', 'gpu-box', '2026-12-01', 30),
      run('a-2', 'gpu-box', '2026-12-02', 20),
      run('b-1', 'cpu box/2', '2026-12-01', 25),
    ];
    for (const r of runs) await store.ingest(r);
    const lake = join(tmp.dir, 'lake');
    const first = await exportLake(store, lake);
    expect({ ...first, written: [...first.written].sort() }).toEqual({
      // Each run's operations, samples (5), alert (1) and header, named by its row counts.
      written: [
        'host=cpu%20box%2F2/date=2026-12-01/b-1__25-5-1.parquet',
        'host=gpu-box/date=2026-12-02/a-2__20-5-1.parquet',
        'host=gpu-box/date=2026-12-01/a-1__30-5-1.parquet',
      ]
        .flatMap((f) => ['operations', 'samples', 'alerts', 'runs'].map((t) => `${t}/${f}`))
        .sort(),
      runs: 3,
      unchanged: 0,
    });
    // The exact query docs/lake.md gives for DuckDB.
    const db = await DuckDBInstance.create(':memory:');
    const c = await db.connect();
    const rows = (
      await c.runAndReadAll(
        `SELECT host, model_name, count(*) AS operations, quantile_cont(duration_seconds, 0.95) AS p95_seconds
         FROM read_parquet('${lake}/operations/*/*/*.parquet', hive_partitioning = true)
         GROUP BY host, model_name ORDER BY host, model_name`,
      )
    ).getRowObjectsJS();
    c.closeSync();
    const expected = new Map<string, number[]>();
    for (const r of runs) {
      for (const op of r.operations as OperationRecord[]) {
        const key = `${r.run.host.hostname}\u0000${op.model_name}`;
        expected.set(key, [...(expected.get(key) ?? []), op.duration_seconds]);
      }
    }
    const want = [...expected]
      .map(([key, durations]) => {
        const [host, model] = key.split('\u0000') as [string, string];
        return {
          // DuckDB decodes the %XX of partition values: the host name as it was.
          host,
          model_name: model,
          operations: BigInt(durations.length),
          p95_seconds: p95(durations),
        };
      })
      .sort((x, y) => (x.host + x.model_name < y.host + y.model_name ? -1 : 1));
    expect(rows.map((r) => ({ ...r, p95_seconds: Number(r.p95_seconds) }))).toEqual(
      want.map((w) => ({ ...w, p95_seconds: expect.closeTo(w.p95_seconds, 12) })),
    );
  });

  it('writes a run once, again only when it grew, and never leaves a partial file', async () => {
    await store.ingest(run('live-1', 'edge', '2026-12-03', 10));
    const lake = join(tmp.dir, 'lake');
    await exportLake(store, lake);
    const before = files(lake);
    expect(await exportLake(store, lake)).toEqual({ written: [], runs: 0, unchanged: 1 });
    expect(files(lake)).toEqual(before);
    // Five more operations arrive (live push): the run is written again, the old file removed.
    const more = Array.from({ length: 5 }, (_, i) => operation('live-1', 10 + i));
    await store.ingest(
      MetricsFileSchema.parse({
        ...metricsFile('live-1', 0),
        run: run('live-1', 'edge', '2026-12-03', 0).run,
        operations: more,
      }),
    );
    const grown = ['operations', 'samples', 'alerts', 'runs'].map(
      (t) => `${t}/host=edge/date=2026-12-03/live-1__15-5-1.parquet`,
    );
    expect((await exportLake(store, lake)).written).toEqual(grown);
    expect(files(lake)).toEqual([...grown].sort());
    const db = await DuckDBInstance.create(':memory:');
    const c = await db.connect();
    const n = (
      await c.runAndReadAll(`SELECT count(*)::INTEGER FROM read_parquet('${lake}/operations/*/*/*.parquet')`)
    ).getRowsJS();
    c.closeSync();
    expect(n).toEqual([[15]]);
  });
});
