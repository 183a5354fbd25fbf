import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  MetricsFileSchema,
  modelComparison,
  normalizeMetrics,
  type OperationRecord,
} from '@llmmon/core/schema';
import { metricsFile, NO_GPU_SAMPLE, originalRecords, tempDir } from '@llmmon/testkit';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { singlePass } from './bulk.js';
import { Connections } from './connections.js';
import { InputError, NotFoundError } from './errors.js';
import { RowWriter } from './rows.js';
import { Store } from './store.js';

let tmp: ReturnType<typeof tempDir>;
let store: Store;

beforeEach(async () => {
  tmp = tempDir();
  store = await Store.open(join(tmp.dir, 'test.duckdb'));
});
afterEach(async () => {
  await store.close();
  tmp.remove();
});

const parsed = (id: string, n = 20, op?: Parameters<typeof metricsFile>[2]) =>
  MetricsFileSchema.parse(metricsFile(id, n, op));

/** `fn` on a store opened anew on the test's file (after `store` was closed). */
async function reopened<T>(fn: (s: Store) => Promise<T>): Promise<T> {
  const again = await Store.open(join(tmp.dir, 'test.duckdb'));
  try {
    return await fn(again);
  } finally {
    await again.close();
  }
}

describe('Store.ingest', () => {
  it('stores a metrics file and reads it back unchanged', async () => {
    const file = parsed('r1');
    const result = await store.ingest(file);
    expect(result).toMatchObject({
      run_id: 'r1',
      created: true,
      operations: { received: 20, inserted: 20, duplicates: 0 },
      samples: { received: 5, inserted: 5, duplicates: 0 },
      alerts: { received: 1, inserted: 1, duplicates: 0 },
    });
    const back = await store.exportMetricsFile('r1');
    expect(back).toEqual(file);
  });

  it('is idempotent: the same file twice stores nothing new', async () => {
    await store.ingest(parsed('r1'));
    const again = await store.ingest(parsed('r1'));
    expect(again.created).toBe(false);
    expect(again.operations).toEqual({ received: 20, inserted: 0, duplicates: 20 });
    expect(again.samples.inserted).toBe(0);
    expect(again.alerts.inserted).toBe(0);
    expect(await store.counts()).toEqual({ runs: 1, operations: 20 });
  });

  it('adds only the new operations of an overlapping live batch', async () => {
    const file = parsed('r1', 10);
    await store.ingest({ run: file.run, operations: file.operations.slice(0, 6) }, { live: true });
    const second = await store.ingest(
      { run: file.run, operations: file.operations.slice(4) },
      { live: true },
    );
    expect(second.operations).toEqual({ received: 6, inserted: 4, duplicates: 2 });
    expect(second.added.operations.map((o) => o.seq)).toEqual([6, 7, 8, 9]);
    expect((await store.counts()).operations).toBe(10);
  });

  it('keeps microseconds and reads naive timestamps as local time', async () => {
    const file = normalizeMetrics(originalRecords(3), { runId: 'old' });
    await store.ingest(file);
    const { operations } = await store.operations('old', { sort: 'seq', order: 'asc', limit: 10, offset: 0 });
    const expected = new Date(2024, 4, 1, 12, 0, 0, 123).toISOString().replace('Z', '456Z');
    expect(operations[0]!.timestamp).toBe(expected);
  });

  it('refuses an operation of another run and stores nothing', async () => {
    const file = parsed('r1', 5);
    file.operations[3] = { ...file.operations[3]!, run_id: 'other' };
    await expect(store.ingest(file)).rejects.toThrow(
      /^operations\[3\]\.run_id: "other" is not the run's id "r1"/,
    );
    expect(await store.counts()).toEqual({ runs: 0, operations: 0 });
  });

  it('needs seq in live batches', async () => {
    const file = parsed('r1', 3);
    file.operations[1] = { ...file.operations[1]!, seq: null };
    await expect(store.ingest(file, { live: true })).rejects.toBeInstanceOf(InputError);
    await expect(store.ingest(file, { live: true })).rejects.toThrow(/^operations\[1\]\.seq: required/);
  });

  it('rolls back the whole batch when a write fails half way', async () => {
    const file = parsed('r1', 5);
    // A sample with t NaN passes no schema; force it past validation to make the append fail.
    const bad = {
      ...file,
      samples: [
        {
          t: 1,
          cpu_percent: 1,
          cpu_peak_percent: 1,
          rss_mb: 1,
          system_cpu_percent: null,
          ...NO_GPU_SAMPLE,
          tick_interval_ms: null,
        },
        {
          t: Symbol('x') as never,
          cpu_percent: 1,
          cpu_peak_percent: 1,
          rss_mb: 1,
          system_cpu_percent: null,
          ...NO_GPU_SAMPLE,
          tick_interval_ms: null,
        },
      ],
    };
    await expect(store.ingest(bad)).rejects.toThrow();
    expect(await store.counts()).toEqual({ runs: 0, operations: 0 });
  });
});

describe('Store reads', () => {
  it('computes per-model stats in SQL exactly as core computes them', async () => {
    const file = parsed('r1', 40, (seq) => ({
      operation: seq < 4 ? 'warmup' : 'inference',
      status: seq % 9 === 0 ? 'error' : 'ok',
      duration_seconds: 0.1 + ((seq * 7) % 13) / 17,
      peak_memory_mb: seq % 6 === 0 ? null : 300 + seq,
      // GPU, energy and server figures on some operations only (null elsewhere, as without them).
      gpu_util_avg_percent: seq % 3 === 0 ? null : 20 + seq,
      gpu_memory_peak_mb: seq % 4 === 0 ? null : 1000 + ((seq * 31) % 17),
      energy_joules: seq % 5 === 0 ? null : 2 + seq / 8,
      joules_per_output_token: seq % 5 === 0 ? null : (2 + seq / 8) / 64,
      server_cpu_percent: seq % 2 === 0 ? null : 150 + seq,
      server_peak_memory_mb: seq % 2 === 0 ? null : 900 + seq,
    }));
    await store.ingest(file);
    const sql = await store.runModelStats('r1', ['warmup', 'load']);
    expect(sql['tiny-f16']!.avg_server_cpu_percent).not.toBeNull();
    const core = modelComparison(file.operations as OperationRecord[]);
    expect(Object.keys(sql)).toEqual(Object.keys(core));
    for (const [model, stats] of Object.entries(core)) {
      for (const [key, value] of Object.entries(stats)) {
        const got = sql[model]![key as keyof typeof stats];
        if (value === null) expect(got, `${model}.${key}`).toBeNull();
        else expect(got, `${model}.${key}`).toBeCloseTo(value, 9);
      }
    }
    expect(sql['tiny-q8']!.p99_duration_seconds).toBeGreaterThanOrEqual(
      sql['tiny-q8']!.p95_duration_seconds!,
    );
  });

  it('lists runs newest first with summaries', async () => {
    await store.ingest(parsed('r1', 10));
    const second = parsed('r2', 4, (seq) => ({ model_name: 'other', status: seq === 0 ? 'error' : 'ok' }));
    second.run.started_at = '2024-06-01T00:00:00.000Z';
    await store.ingest(second);
    const { total, runs } = await store.listRuns();
    expect(total).toBe(2);
    expect(runs.map((r) => r.id)).toEqual(['r2', 'r1']);
    expect(runs[1]).toMatchObject({
      operations: 10,
      errors: 0,
      models: ['tiny-q8', 'tiny-f16'],
      operation_kinds: ['inference'],
      samples: 5,
      alerts: 1,
      first_operation_at: '2024-05-01T12:00:00.000Z',
    });
    expect(runs[0]!.errors).toBe(1);
    expect((await store.listRuns({ model: 'other' })).runs.map((r) => r.id)).toEqual(['r2']);
  });

  it('filters, sorts and pages operations', async () => {
    await store.ingest(parsed('r1', 20));
    const page = await store.operations('r1', {
      model: 'tiny-q8',
      sort: 'duration_seconds',
      order: 'desc',
      limit: 3,
      offset: 1,
    });
    expect(page.total).toBe(10);
    const all = (await store.exportMetricsFile('r1')).operations
      .filter((o) => o.model_name === 'tiny-q8')
      .sort((a, b) => b.duration_seconds - a.duration_seconds || b.seq! - a.seq!);
    expect(page.operations.map((o) => o.seq)).toEqual(all.slice(1, 4).map((o) => o.seq));
  });

  it('downsamples the timeline', async () => {
    await store.ingest(parsed('r1', 2));
    const thin = await store.samples('r1', 2);
    expect(thin.downsampled).toBe(true);
    // Samples at t = 0, 0.1 … 0.4 (cpu 50…54, rss 280…284) in two buckets of t: [0, 0.2), [0.2, 0.4].
    // Each keeps its last t, the mean CPU, the highest peak CPU and the highest RSS.
    const rest = { system_cpu_percent: 30, ...NO_GPU_SAMPLE, tick_interval_ms: null };
    expect(thin.samples).toEqual([
      { t: 0.1, cpu_percent: 50.5, cpu_peak_percent: null, rss_mb: 281, ...rest },
      { t: 0.4, cpu_percent: 53, cpu_peak_percent: null, rss_mb: 284, ...rest },
    ]);
  });

  it('downsamples GPU peaks to their max and attached processes per pid (mean CPU, highest RSS)', async () => {
    const file = metricsFile('gpu', 1);
    file.samples = [0.1, 0.2, 0.3, 0.4].map((t, i) => ({
      t,
      cpu_percent: 10,
      rss_mb: 1,
      gpu_memory_mb: 100 * (i + 1),
      gpu_power_watts: 50 - i,
      processes: [
        { pid: 7, cpu_percent: 100 * i, rss_mb: 10 + i },
        ...(i === 0 ? [{ pid: 9, cpu_percent: null, rss_mb: null }] : []),
      ],
    }));
    await store.ingest(MetricsFileSchema.parse(file));
    const thin = await store.samples('gpu', 2);
    expect(thin.samples.map((s) => [s.gpu_memory_mb, s.gpu_power_watts])).toEqual([
      [200, 50],
      [400, 48],
    ]);
    expect(thin.samples.map((s) => s.processes)).toEqual([
      [
        { pid: 7, cpu_percent: 50, rss_mb: 11 },
        { pid: 9, cpu_percent: null, rss_mb: null },
      ],
      [{ pid: 7, cpu_percent: 250, rss_mb: 13 }],
    ]);
    // Not downsampled: every point as stored.
    expect((await store.samples('gpu')).samples[0]!.processes).toEqual(file.samples[0]!.processes);
  });

  it('deletes a run and everything stored for it', async () => {
    await store.ingest(parsed('r1', 7));
    await store.ingest(parsed('r2', 3));
    expect(await store.deleteRun('r1')).toEqual({ deleted: 'r1', operations: 7, samples: 5, alerts: 1 });
    expect(await store.counts()).toEqual({ runs: 1, operations: 3 });
    await expect(store.deleteRun('r1')).rejects.toBeInstanceOf(NotFoundError);
  });

  it('never answers from a stale cache: summaries and stats follow every write', async () => {
    const file = parsed('r1', 10);
    await store.ingest({ run: file.run, operations: file.operations.slice(0, 4) }, { live: true });
    expect((await store.runSummary('r1')).operations).toBe(4);
    expect((await store.runModelStats('r1', []))['tiny-q8']!.operations).toBe(2);
    expect((await store.history('tiny-f16', 10, []))!.points[0]!.stats.operations).toBe(2);
    await store.ingest({ run: file.run, operations: file.operations.slice(4) }, { live: true });
    expect((await store.runSummary('r1')).operations).toBe(10);
    expect((await store.runModelStats('r1', []))['tiny-q8']!.operations).toBe(5);
    expect((await store.history('tiny-f16', 10, []))!.points[0]!.stats.operations).toBe(5);
    await store.deleteRun('r1');
    await expect(store.runSummary('r1')).rejects.toBeInstanceOf(NotFoundError);
    expect((await store.listRuns()).runs).toEqual([]);
  });

  it('lists every run when one holds an operation that ends beyond any date (1e308 s)', async () => {
    await store.ingest(parsed('r1', 3));
    await store.ingest(parsed('huge', 3, (seq) => (seq === 1 ? { duration_seconds: 1e308 } : {})));
    const { runs } = await store.listRuns();
    expect(runs.map((r) => [r.id, r.last_operation_end_at])).toEqual([
      ['huge', null],
      ['r1', '2024-05-01T12:00:02.270Z'],
    ]);
    expect((await store.runModelStats('huge', []))['tiny-f16']!.max_duration_seconds).toBe(1e308);
    expect((await store.exportMetricsFile('huge')).operations[1]!.duration_seconds).toBe(1e308);
  });

  it('closes after an export under way has streamed its last piece', async () => {
    await store.ingest(parsed('big', 4500));
    const pieces = (await store.exportJson('big'))[Symbol.asyncIterator]();
    // The header, then the first 2048 operations: the export's connection is open mid-stream.
    let text = `${(await pieces.next()).value}${(await pieces.next()).value}`;
    let closed = false;
    const closing = store.close().then(() => {
      closed = true;
    });
    const closedBefore: boolean[] = []; // per piece: had close() resolved (released the file) already?
    for (let piece = await pieces.next(); !piece.done; piece = await pieces.next()) {
      closedBefore.push(closed);
      text += piece.value;
    }
    await closing;
    expect(closedBefore).toEqual([false, false, false]);
    expect(JSON.parse(text)).toEqual(await reopened((s) => s.exportMetricsFile('big')));
  });

  it('names unknown runs', async () => {
    await expect(store.runSummaries(['nope', 'neither'])).rejects.toThrow(
      'runs not found: "nope", "neither"',
    );
  });
});

describe('Store.ingestFile', () => {
  it('stores the same rows through the bulk reader as through the JS path', async () => {
    const file = metricsFile('r1', 30, (seq) => ({ seq: seq === 5 ? null : seq }));
    const path = join(tmp.dir, 'm.json');
    writeFileSync(path, JSON.stringify(file, null, 1));
    const bulk = await store.ingestFile(path, { bulkThresholdBytes: 0 });
    expect(bulk.operations).toEqual({ received: 30, inserted: 30, duplicates: 0 });
    const viaBulk = await store.exportMetricsFile('r1');
    await store.deleteRun('r1');
    await store.ingestFile(path);
    expect(await store.exportMetricsFile('r1')).toEqual(viaBulk);
    const again = await store.ingestFile(path, { bulkThresholdBytes: 0 });
    expect(again.operations).toEqual({ received: 30, inserted: 0, duplicates: 30 });
  });

  it('takes the one-pass path for llmmon files and stores what the JS path stores', async () => {
    const file = metricsFile('r1', 25);
    const scratch = store.scratchPath('json');
    // The records array alone, as bulkIngestFile hands it to DuckDB.
    writeFileSync(scratch, JSON.stringify(file.operations));
    const parsed = MetricsFileSchema.parse(file);
    // The bulk path's own parts, on the store's file (one DuckDB instance per file and process).
    const connections = await Connections.open(store.path);
    try {
      const rows = await connections.exclusive((c) => RowWriter.load(c));
      const onePass = () =>
        connections.exclusive((c) => singlePass(rows, () => {}, c, scratch, parsed.run, parsed));
      expect(await onePass()).toMatchObject({ created: true, received: 25, inserted: 25 });
      // Again: the run exists, nothing new, still the one-pass path.
      expect(await onePass()).toMatchObject({ created: false, received: 25, inserted: 0 });
      const viaFast = await store.exportMetricsFile('r1');
      await store.deleteRun('r1');
      await store.ingest(parsed);
      expect(await store.exportMetricsFile('r1')).toEqual(viaFast);
      // A bad value makes it step aside (null) and store nothing.
      writeFileSync(scratch, JSON.stringify([{ ...file.operations[0], status: 'fine' }]));
      await store.deleteRun('r1');
      expect(await onePass()).toBeNull();
      expect(await store.counts()).toEqual({ runs: 0, operations: 0 });
    } finally {
      await connections.close();
    }
  });

  it('is not fooled by a record separator pattern inside nested metadata', async () => {
    // `},{"timestamp":` inside metadata: the line split guesses wrong, DuckDB refuses the lines,
    // and the array path stores the records as they are.
    const nested = { events: [{ timestamp: 'a' }, { timestamp: 'b' }] };
    const file = metricsFile('r1', 8, (seq) => (seq === 3 ? { metadata: nested } : {}));
    const path = join(tmp.dir, 'nested.json');
    writeFileSync(path, JSON.stringify(file));
    expect(readFileSync(path, 'utf8')).toContain('},{"timestamp":"b"}');
    const bulk = await store.ingestFile(path, { bulkThresholdBytes: 0 });
    expect(bulk.operations.inserted).toBe(8);
    const viaBulk = await store.exportMetricsFile('r1');
    expect(viaBulk.operations[3]!.metadata).toEqual(nested);
    await store.deleteRun('r1');
    await store.ingestFile(path);
    expect(await store.exportMetricsFile('r1')).toEqual(viaBulk);
  });

  it('keeps the first of two records with the same seq, as the JS path does', async () => {
    const file = metricsFile('r1', 6, (seq) => (seq === 4 ? { seq: 1, duration_seconds: 9 } : {}));
    const path = join(tmp.dir, 'dupes.json');
    writeFileSync(path, JSON.stringify(file));
    const bulk = await store.ingestFile(path, { bulkThresholdBytes: 0 });
    expect(bulk.operations).toEqual({ received: 6, inserted: 5, duplicates: 1 });
    const viaBulk = await store.exportMetricsFile('r1');
    expect(viaBulk.operations.find((o) => o.seq === 1)!.duration_seconds).not.toBe(9);
    await store.deleteRun('r1');
    await store.ingestFile(path);
    expect(await store.exportMetricsFile('r1')).toEqual(viaBulk);
  });

  it('refuses an original file without records on both paths, and stores nothing', async () => {
    const path = join(tmp.dir, 'empty.json');
    writeFileSync(path, JSON.stringify({ metrics: [] }));
    for (const bulkThresholdBytes of [0, Number.POSITIVE_INFINITY]) {
      await expect(store.ingestFile(path, { bulkThresholdBytes })).rejects.toThrow(
        /^metrics: no operation records /,
      );
    }
    expect((await store.listRuns()).total).toBe(0);
  });

  it('reads original monitor files through the bulk reader as normalizeMetrics does', async () => {
    const path = join(tmp.dir, 'old.json');
    writeFileSync(path, JSON.stringify({ metrics: originalRecords(6) }));
    const r = await store.ingestFile(path, { bulkThresholdBytes: 0, runName: 'old.json' });
    const expected = normalizeMetrics({ metrics: originalRecords(6) }, { runName: 'old.json' });
    expect(r.run_id).toBe(expected.run.id);
    const back = await store.exportMetricsFile(r.run_id);
    expect(back.run).toEqual({
      ...expected.run,
      started_at: back.run.started_at,
      ended_at: back.run.ended_at,
    });
    expect(back.operations.map((o) => o.duration_seconds)).toEqual(
      expected.operations.map((o) => o.duration_seconds),
    );
    expect(Date.parse(back.run.started_at)).toBe(Date.parse(expected.run.started_at));
  });

  it.each([
    [{ status: 'fine' }, 'operations[2].status: expected one of "ok" | "error"'],
    [{ text_length: 1.5 }, 'operations[2].text_length: expected an integer'],
    [{ timestamp: 'yesterday' }, 'operations[2].timestamp: invalid ISO 8601 datetime'],
    [{ model_name: null }, 'operations[2].model_name: required (missing or null)'],
    [{ metadata: [1, 2] }, 'operations[2].metadata: expected an object'],
    [
      {
        threads: [
          { tid: 1, name: 'a', cpu_seconds: 1 },
          { tid: 2.5, name: 'b', cpu_seconds: 1 },
        ],
      },
      'operations[2].threads[1].tid: expected an integer',
    ],
    [{ duration_seconds: 'fast' }, /^operations\[2\]: .*fast/],
  ])('refuses a bad record (%j) naming it, and stores nothing', async (bad, message) => {
    const file = metricsFile('r1', 5, (seq) => (seq === 2 ? (bad as object) : {}));
    const path = join(tmp.dir, 'bad.json');
    writeFileSync(path, JSON.stringify(file));
    const error = await store.ingestFile(path, { bulkThresholdBytes: 0 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InputError);
    if (typeof message === 'string') expect((error as Error).message).toBe(message);
    else expect((error as Error).message).toMatch(message);
    expect(await store.counts()).toEqual({ runs: 0, operations: 0 });
  });
});
