import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { DEFAULT_STATS_EXCLUDED_OPERATIONS, MetricsFileSchema, type RunSummary } from '@llmmon/core/schema';
import { metricsFile, runHeader, tempDir } from '@llmmon/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../db/database.js';
import { literal } from '../db/tables.js';
import { exportLake } from '../lake/export.js';
import { QueryRefusedError } from './errors.js';
import { REFRESH_MS } from './lake-source.js';
import { Store } from './store.js';

/** A run of `n` operations on `host`, started at `day` 08:00 UTC (durations vary by seq and `slow`). */
const run = (id: string, host: string, day: string, n: number, slow = 1) => {
  const file = metricsFile(id, n, (seq) => ({ duration_seconds: (0.1 + ((seq * 37) % 100) / 100) * slow }));
  file.run = runHeader(id, {
    started_at: `${day}T08:00:00.000Z`,
    host: { ...runHeader(id).host, hostname: host },
  });
  return MetricsFileSchema.parse(file);
};

const exclude = DEFAULT_STATS_EXCLUDED_OPERATIONS;

/** Summaries without the times each file stored them (the ground truth's are its own). */
const unstamped = <T extends { runs: RunSummary[] }>(x: T) => ({
  ...x,
  runs: x.runs.map(({ ingested_at: _i, updated_at: _u, ...r }) => r),
});
let tmp: ReturnType<typeof tempDir>;
let lake: string;
/** This machine's store, reading the lake beside it. */
let here: Store;
/** Ground truth: every run ingested into one local file. */
let all: Store;

const gpuRuns = [run('a-1', 'gpu-box', '2026-12-01', 30), run('a-2', 'gpu-box', '2026-12-02', 40, 1.3)];
const cpuRuns = [run('b-1', 'cpu box/2', '2026-12-01', 25, 0.8)];
const mine = run('c-1', 'this-box', '2026-12-03', 35);

beforeAll(async () => {
  tmp = tempDir();
  lake = join(tmp.dir, 'lake');
  // Two other machines export their runs into the lake; this machine exports its own too.
  for (const [name, runs] of [
    ['gpu', gpuRuns],
    ['cpu', cpuRuns],
    ['here', [mine]],
  ] as const) {
    const s = await Store.open(join(tmp.dir, `${name}.duckdb`));
    for (const r of runs) await s.ingest(r);
    await exportLake(s, lake);
    await s.close();
  }
  here = await Store.open(join(tmp.dir, 'here.duckdb'), { lake });
  all = await Store.open(join(tmp.dir, 'all.duckdb'));
  for (const r of [...gpuRuns, ...cpuRuns, mine]) await all.ingest(r);
});
afterAll(async () => {
  await here?.close();
  await all?.close();
  tmp.remove();
});

describe('a store reading a lake beside its file', () => {
  it('lists the lake runs with the local ones, each once, as one file holding all of them would', async () => {
    const listed = await here.listRuns();
    expect(unstamped(listed)).toEqual(unstamped(await all.listRuns()));
    expect(listed.runs.map((r) => [r.id, r.host.hostname])).toEqual([
      ['c-1', 'this-box'],
      ['a-2', 'gpu-box'],
      ['a-1', 'gpu-box'],
      ['b-1', 'cpu box/2'],
    ]);
    expect(unstamped(await here.listRuns({ model: 'tiny-q8', limit: 2, offset: 1 }))).toEqual(
      unstamped(await all.listRuns({ model: 'tiny-q8', limit: 2, offset: 1 })),
    );
  });

  it('shows a lake-only run as a local one: header, operations, timeline, alerts, statistics', async () => {
    for (const id of ['a-2', 'b-1']) {
      expect(await here.runHeader(id)).toEqual(await all.runHeader(id));
      expect(await here.exportMetricsFile(id).catch(() => null)).toBeNull(); // exports are of local runs
      const q = { sort: 'duration_seconds', order: 'desc', limit: 7, offset: 3 } as const;
      expect(await here.operations(id, q)).toEqual(await all.operations(id, q));
      expect(await here.samples(id)).toEqual(await all.samples(id));
      expect(await here.samples(id, 2)).toEqual(await all.samples(id, 2));
      expect(await here.alerts(id)).toEqual(await all.alerts(id));
      expect(await here.runModelStats(id, exclude)).toEqual(await all.runModelStats(id, exclude));
    }
    await expect(here.runHeader('nowhere')).rejects.toThrow('run "nowhere" not found');
  });

  it('compares and keeps history across machines', async () => {
    const ids = ['c-1', 'a-2', 'b-1', 'a-1'];
    expect(unstamped(await here.compare(ids, 0.05, exclude))).toEqual(
      unstamped(await all.compare(ids, 0.05, exclude)),
    );
    expect(await here.history('tiny-q8', 3, exclude)).toEqual(await all.history('tiny-q8', 3, exclude));
    expect(await here.history('tiny-q8', 10, exclude)).toEqual(await all.history('tiny-q8', 10, exclude));
    await expect(here.compare(['c-1', 'zz'], 0.05, exclude)).rejects.toThrow('run "zz" not found');
  });

  it('lets user SQL read the lake as lake.* tables, and no file by name', async () => {
    const r = await here.query(
      'SELECT host, count(*)::INTEGER AS n FROM lake.operations GROUP BY host ORDER BY host',
      { maxRows: 10, timeoutMs: 10_000 },
    );
    expect(r.rows).toEqual([
      ['cpu box/2', 25],
      ['gpu-box', 70],
      ['this-box', 35],
    ]);
    const runs = await here.query('SELECT count(*)::INTEGER FROM lake.runs', {
      maxRows: 10,
      timeoutMs: 10_000,
    });
    expect(runs.rows).toEqual([[4]]);
    await expect(
      here.query(`SELECT * FROM read_parquet(${literal(`${lake}/operations/*/*/*.parquet`)})`, {
        maxRows: 10,
        timeoutMs: 10_000,
      }),
    ).rejects.toThrow(QueryRefusedError);
    // The instance may write where it may read; user SQL writes nowhere.
    await expect(
      here.query(`COPY (SELECT 1) TO ${literal(join(lake, 'x.csv'))}`, { maxRows: 1, timeoutMs: 10_000 }),
    ).rejects.toThrow(/only SELECT/);
  });

  it('sees runs exported after it opened', async () => {
    const s = await Store.open(join(tmp.dir, 'late.duckdb'));
    await s.ingest(run('d-1', 'late-box', '2026-12-04', 12));
    await exportLake(s, lake);
    await s.close();
    await new Promise((done) => setTimeout(done, REFRESH_MS + 50));
    const listed = await here.listRuns({ limit: 1 });
    expect(listed.total).toBe(5);
    expect(listed.runs.map((r) => [r.id, r.operations, r.host.hostname])).toEqual([['d-1', 12, 'late-box']]);
  });
});

describe('the sandbox of a store with a lake', () => {
  it('reads Parquet in the lake folder and nowhere else', async () => {
    const outside = join(tmp.dir, 'outside.parquet');
    // A Parquet file outside the lake, written by an instance without a sandbox.
    const writer = await (await DuckDBInstance.create(':memory:')).connect();
    await writer.run(`COPY (SELECT 1 AS x) TO ${literal(outside)} (FORMAT parquet)`);
    expect(
      (await writer.runAndReadAll(`SELECT x FROM read_parquet(${literal(outside)})`)).getRowsJS(),
    ).toEqual([[1]]);
    writer.closeSync();
    const db = await openDatabase(join(tmp.dir, 'sandbox.duckdb'), { lake });
    const c = await db.connect();
    try {
      const inLake = `${lake}/runs/*/*/*.parquet`;
      await c.run(`CREATE VIEW lake.inside AS SELECT * FROM read_parquet(${literal(inLake)})`);
      expect((await c.runAndReadAll('SELECT count(*)::INTEGER FROM lake.inside')).getRowsJS()).toEqual([[5]]);
      await expect(c.run(`SELECT * FROM read_parquet(${literal(outside)})`)).rejects.toThrow(
        /Permission Error/,
      );
      await expect(c.run(`SELECT * FROM read_text('/etc/hostname')`)).rejects.toThrow(/Permission Error/);
    } finally {
      db.close();
    }
  });

  it('refuses a lake folder that does not exist, in one line', async () => {
    await expect(
      Store.open(join(tmp.dir, 'nolake.duckdb'), { lake: join(tmp.dir, 'missing') }),
    ).rejects.toThrow(/^no lake at .*missing: write one with llmmon export --lake/);
  });
});
