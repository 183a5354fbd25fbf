import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { MetricsFileSchema } from '@llmmon/core/schema';
import { metricsFile, tempDir } from '@llmmon/testkit';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CACHE_TABLE } from './persisted-cache.js';
import { Store } from './store.js';

let tmp: ReturnType<typeof tempDir>;
let path: string;

beforeEach(() => {
  tmp = tempDir();
  path = join(tmp.dir, 'cache.duckdb');
});
afterEach(() => tmp.remove());

const parsed = (id: string, n = 20) => MetricsFileSchema.parse(metricsFile(id, n));

/** SQL on the file through a plain DuckDB instance (no store holding it): another process. */
async function sql(...statements: string[]): Promise<unknown[][]> {
  const db = await DuckDBInstance.create(path);
  const c = await db.connect();
  let rows: unknown[][] = [];
  for (const s of statements) rows = (await c.runAndReadAll(s)).getRowsJS();
  c.closeSync();
  db.closeSync();
  return rows;
}

/** Opens a store, runs `fn`, closes it (what one CLI command does). */
async function withStore<T>(fn: (store: Store) => Promise<T>): Promise<T> {
  const store = await Store.open(path);
  try {
    return await fn(store);
  } finally {
    await store.close();
  }
}

const read = async (store: Store) =>
  [
    await store.runSummaries(['r1', 'r2']),
    await store.modelStats(['r1', 'r2'], ['warmup', 'load']),
    await store.history('tiny-q8', 10, ['warmup', 'load']),
  ] as const;

describe('statistics kept in the file', () => {
  it('are what a new process reads instead of scanning again, and equal a fresh computation', async () => {
    await withStore(async (s) => {
      await s.ingest(parsed('r1'));
      await s.ingest(parsed('r2', 12));
    });
    const first = await withStore(read);
    const entries = await sql(`SELECT run_id, entry FROM ${CACHE_TABLE} ORDER BY run_id, entry`);
    expect(entries).toEqual([
      ['r1', 'stats ["load","warmup"]'],
      ['r1', 'summary'],
      ['r2', 'stats ["load","warmup"]'],
      ['r2', 'summary'],
    ]);
    // Proof that the next process reads them: an entry changed behind its back is what it answers.
    await sql(
      `UPDATE ${CACHE_TABLE} SET value = replace(value, '"operations":20', '"operations":21') WHERE run_id = 'r1' AND entry = 'summary'`,
    );
    const [summaries] = await withStore(read);
    expect(summaries[0]!.operations).toBe(21);
    // Without the file's entries (another format), the answer is computed again: the same as at first.
    await sql(`UPDATE ${CACHE_TABLE} SET format = 'other'`);
    expect(await withStore(read)).toEqual(first);
  });

  it('are not used once the run changed, whoever wrote it', async () => {
    await withStore(async (s) => {
      await s.ingest(parsed('r1'));
      await s.ingest(parsed('r2', 12));
      await read(s);
    });
    // Another DuckDB client appends an operation (a copy of seq 0 as seq 100).
    await sql(
      `INSERT INTO operations BY NAME SELECT * REPLACE (100 AS seq) FROM operations WHERE run_id = 'r1' AND seq = 0`,
    );
    const [summaries, stats, history] = await withStore(read);
    expect(summaries[0]!.operations).toBe(21);
    expect(stats.find((r) => r.run_id === 'r1' && r.model_name === 'tiny-q8')!.stats.operations).toBe(11);
    expect(history!.points.find((p) => p.run.id === 'r1')!.stats.operations).toBe(11);
    // llmmon's own writes in a later process: a live batch adds two operations.
    const more = metricsFile('r1', 2).operations.map((o, i) => ({ ...o, seq: 200 + i }));
    await withStore((s) => s.ingest(MetricsFileSchema.parse({ ...metricsFile('r1', 0), operations: more })));
    expect((await withStore(read))[0][0]!.operations).toBe(23);
  });

  it("keep a model's history on its own when no compare computed every model", async () => {
    await withStore(async (s) => {
      await s.ingest(parsed('r1'));
      await s.ingest(parsed('r2', 12));
    });
    await sql(`DELETE FROM ${CACHE_TABLE}`); // what the background warm-up after ingest kept
    const history = () => withStore((s) => s.history('tiny-q8', 10, []));
    const first = await history();
    expect(await sql(`SELECT DISTINCT entry FROM ${CACHE_TABLE}`)).toEqual([['stats [] "tiny-q8"']]);
    await sql(`UPDATE ${CACHE_TABLE} SET value = replace(value, '"operations":10', '"operations":99')`);
    expect((await history())!.points.map((p) => p.stats.operations)).toEqual([6, 99]);
    await sql(`DELETE FROM ${CACHE_TABLE}`);
    expect(await history()).toEqual(first);
  });

  it('go with their run when it is deleted', async () => {
    await withStore(async (s) => {
      await s.ingest(parsed('r1'));
      await s.ingest(parsed('r2', 12));
      await read(s);
      await s.deleteRun('r1');
    });
    expect(await sql(`SELECT DISTINCT run_id FROM ${CACHE_TABLE}`)).toEqual([['r2']]);
  });
});
