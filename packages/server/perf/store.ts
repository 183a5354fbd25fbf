/**
 * Store performance (`pnpm perf` in packages/server; the root `pnpm bench` runs it too): ingest rate of a 1,000,000-operation
 * metrics file, live-batch ingest rate over HTTP, and compare / model-history / run-list latency
 * over 10 million stored operations. Data is synthetic (seeded), from `@llmmon/testkit`. Results go to
 * perf/results/store-<time>.json and stdout.
 *
 * Options (environment): LLMMON_PERF_OPS (default 1000000), LLMMON_PERF_ROWS (default
 * 10000000), LLMMON_PERF_DIR (scratch folder; default a temporary one, removed afterwards).
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { DuckDBConnection } from '@duckdb/node-api';
import { mulberry32 } from '@llmmon/core/random';
import { createApp, type Database, openDatabase, Store } from '@llmmon/server';
import { RANDOM_MODEL_COUNT as MODELS, randomOperation, writeMetricsFile } from '@llmmon/testkit';

const OPS = Number(process.env.LLMMON_PERF_OPS ?? 1_000_000);
const ROWS = Number(process.env.LLMMON_PERF_ROWS ?? 10_000_000);
const RUNS = 10;
const REPEAT = 5;

/** CPU seconds this process used (all threads, DuckDB's included). */
const cpuSeconds = () => {
  const r = process.resourceUsage();
  return (r.userCPUTime + r.systemCPUTime) / 1e6;
};

let lastCpu = 0;

/** Wall seconds of `fn`; `lastCpu` gets its CPU seconds (a figure the machine's load skews less). */
async function timed<T>(fn: () => Promise<T>): Promise<[T, number]> {
  const c0 = cpuSeconds();
  const t0 = performance.now();
  const value = await fn();
  lastCpu = cpuSeconds() - c0;
  return [value, (performance.now() - t0) / 1000];
}

/** Medians of REPEAT timed calls of `fn`, each after an untimed `before`. */
async function repeat(fn: () => Promise<unknown>, before?: () => Promise<unknown>) {
  const times: number[] = [];
  const cpu: number[] = [];
  for (let i = 0; i < REPEAT; i++) {
    await before?.();
    times.push((await timed(fn))[1] * 1000);
    cpu.push(lastCpu * 1000);
  }
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
  return {
    median_ms: median(times),
    min_ms: Math.min(...times),
    max_ms: Math.max(...times),
    median_cpu_ms: median(cpu),
    runs: REPEAT,
  };
}

/** The table where the store keeps per-run summaries and statistics (any client may empty it). */
const CACHE_TABLE = 'llmmon_run_cache';

/** SQL on the store's file through a handle of its own (the same DuckDB instance, as a store's). */
async function onFile<T>(db: Database, fn: (c: DuckDBConnection) => Promise<T>): Promise<T> {
  const c = await db.connect();
  try {
    return await fn(c);
  } finally {
    c.closeSync();
  }
}

/**
 * 10M rows in SQL: RUNS runs × MODELS models, durations differing slightly per run. Written
 * beside the store (just opened, idle), not through it: these rows are the setup, not a figure.
 */
async function fillRows(path: string, rows: number) {
  const perRun = Math.floor(rows / RUNS);
  const db = await openDatabase(path);
  await onFile(db, async (c) => {
    await c.run('SELECT setseed(0.42)');
    for (let r = 0; r < RUNS; r++) {
      const id = `hist-${r}`;
      await c.run(
        `INSERT INTO runs (id, name, started_at, ended_at, tags, host, sampler, ingested_at, updated_at)
         VALUES ('${id}', 'history ${r}', TIMESTAMPTZ '2024-01-01 00:00:00+00' + INTERVAL ${r} DAY, NULL, NULL,
                 {'hostname': 'perf', 'platform': 'linux', 'arch': 'x64', 'cpu_model': NULL, 'cpu_count': 2, 'total_memory_mb': NULL, 'node_version': NULL, 'gpus': NULL},
                 {'kind': 'native', 'interval_ms': 1, 'gpu_backend': 'none', 'reason': NULL}, now(), now())`,
      );
      await c.run(
        `INSERT INTO operations BY NAME
         SELECT TIMESTAMPTZ '2024-01-01 00:00:00+00' + INTERVAL ${r} DAY + to_microseconds(i * 300000) AS "timestamp",
                'model-' || (i % ${MODELS}) AS model_name,
                CASE WHEN i % 100 = 0 THEN 'warmup' ELSE 'inference' END AS operation,
                (64 + i % 512)::BIGINT AS text_length,
                0.05 + random() * 0.5 + ${r} * 0.002 AS duration_seconds,
                NULL AS throughput_chars_per_sec,
                80 + random() * 40 AS cpu_delta_percent,
                0.1 AS memory_delta_mb,
                250 + random() * 60 AS peak_memory_mb,
                100 + random() * 100 AS peak_cpu_percent,
                50.0 AS system_cpu_percent, 40.0 AS system_memory_percent, false AS gpu_available,
                '${id}' AS run_id, i AS seq,
                CASE WHEN i % 997 = 0 THEN 'error' ELSE 'ok' END AS status,
                0.1 AS cpu_time_seconds,
                64 / (0.05 + random() * 0.5) AS tokens_per_sec,
                0.01 + random() * 0.02 AS time_to_first_token_seconds,
                'native' AS sampler
         FROM range(${perRun}) t(i)`,
      );
    }
    await c.run('CHECKPOINT');
  }).finally(() => db.close());
  return perRun * RUNS;
}

async function main() {
  const keep = Boolean(process.env.LLMMON_PERF_DIR);
  const dir = process.env.LLMMON_PERF_DIR ?? mkdtempSync(join(tmpdir(), 'llmmon-perf-'));
  mkdirSync(dir, { recursive: true });
  const results: Record<string, unknown> = {
    perf: 'store',
    date: new Date().toISOString(),
    machine: {
      cpus: cpus().length,
      cpu_model: cpus()[0]?.model ?? null,
      total_memory_mb: Math.round(totalmem() / 2 ** 20),
      node: process.version,
    },
    load_average_at_start: loadavg(),
  };
  console.log(
    `load average ${loadavg()
      .map((l) => l.toFixed(2))
      .join(
        ' ',
      )} (${cpus().length} cores: above ${cpus().length} the machine is shared and the numbers below slow down)`,
  );
  try {
    // 1. Ingest of a 1M-operation metrics file through the bulk reader.
    const file = join(dir, 'metrics_1M.json');
    const [bytes, genSeconds] = await timed(() => writeMetricsFile(file, 'bulk-1', OPS));
    console.log(
      `generated ${OPS} operations (${(bytes / 2 ** 20).toFixed(0)} MB) in ${genSeconds.toFixed(1)} s`,
    );
    rmSync(join(dir, 'ingest.duckdb'), { force: true });
    const store = await Store.open(join(dir, 'ingest.duckdb'));
    const [first, ingestSeconds] = await timed(() => store.ingestFile(file));
    const ingestCpu = lastCpu;
    if (first.operations.inserted !== OPS) throw new Error(`stored ${first.operations.inserted} of ${OPS}`);
    const [again, reSeconds] = await timed(() => store.ingestFile(file));
    if (again.operations.inserted !== 0) throw new Error('re-ingest stored duplicates');
    results.ingest_file = {
      operations: OPS,
      file_mb: Math.round(bytes / 2 ** 20),
      seconds: ingestSeconds,
      cpu_seconds: ingestCpu,
      operations_per_second: Math.round(OPS / ingestSeconds),
      reingest_seconds: reSeconds,
      reingest_operations_per_second: Math.round(OPS / reSeconds),
      target_operations_per_second: 200_000,
    };
    console.log(
      `ingest file: ${OPS} operations in ${ingestSeconds.toFixed(2)} s = ${Math.round(OPS / ingestSeconds)} ops/s (again, idempotent: ${reSeconds.toFixed(2)} s)`,
    );

    // 2. Live batches over the HTTP API (JSON parse + zod + appender), 1000 operations each.
    const app = createApp({ store, dashboardDir: null });
    const liveOps = Math.min(OPS, 100_000);
    const rnd = mulberry32(2);
    const run = {
      id: 'live-1',
      name: 'live',
      started_at: '2024-05-01T00:00:00.000Z',
      ended_at: null,
      tags: null,
      host: {},
      sampler: {},
    };
    const bodies: string[] = [];
    for (let b = 0; b < liveOps / 1000; b++) {
      const operations = Array.from({ length: 1000 }, (_, i) => randomOperation('live-1', b * 1000 + i, rnd));
      bodies.push(JSON.stringify({ run, operations }));
    }
    const [, liveSeconds] = await timed(async () => {
      for (const body of bodies) {
        const res = await app.request('/api/runs/live-1/operations', {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body,
        });
        if (res.status >= 300) throw new Error(`live batch: ${res.status} ${await res.text()}`);
      }
    });
    app.shutdown();
    results.ingest_live_http = {
      operations: liveOps,
      batch: 1000,
      seconds: liveSeconds,
      operations_per_second: Math.round(liveOps / liveSeconds),
    };
    console.log(
      `live batches over HTTP: ${liveOps} operations in ${liveSeconds.toFixed(2)} s = ${Math.round(liveOps / liveSeconds)} ops/s`,
    );
    await store.close();
    rmSync(file, { force: true });

    // 3. Compare / history / list over 10M stored operations.
    rmSync(join(dir, 'history.duckdb'), { force: true });
    const histPath = join(dir, 'history.duckdb');
    let hist = await Store.open(histPath);
    const [stored, fillSeconds] = await timed(() => fillRows(histPath, ROWS));
    console.log(`stored ${stored} operations in ${RUNS} runs (SQL) in ${fillSeconds.toFixed(1)} s`);
    const ids = Array.from({ length: RUNS }, (_, r) => `hist-${r}`);
    const exclude = ['warmup', 'load'];
    // Cold: nothing known about the runs, in memory or in the file, before each call (DuckDB's
    // own buffers stay warm, as in a running server): every operation is scanned. It takes a
    // fresh store on the file with the kept statistics emptied, while a second handle on the file
    // keeps DuckDB's instance, and its buffers, alive. New process: a fresh store on the file
    // alone (a CLI command, a restarted server), which reads the summaries and statistics kept in
    // the file by the call before. Warm: from the store's memory.
    let keepAlive: Database | null = null;
    const cold = (fn: () => Promise<unknown>) =>
      repeat(fn, async () => {
        keepAlive ??= await openDatabase(histPath);
        await hist.close();
        await onFile(keepAlive, (c) => c.run(`DELETE FROM ${CACHE_TABLE}`));
        hist = await Store.open(histPath);
      });
    const fresh = (fn: () => Promise<unknown>) =>
      repeat(fn, async () => {
        keepAlive?.close();
        keepAlive = null;
        await fn();
        await hist.close();
        hist = await Store.open(histPath);
      });
    const both = async (fn: () => Promise<unknown>) => ({
      cold: await cold(fn),
      new_process: await fresh(fn),
      warm: await repeat(fn),
    });
    results.query_latency = {
      operations_stored: stored,
      compare_all_runs: {
        operations_scanned: stored,
        ...(await both(() => hist.compare(ids, 0.05, exclude))),
      },
      compare_two_runs: {
        operations_scanned: (2 * stored) / RUNS,
        ...(await both(() => hist.compare(ids.slice(0, 2), 0.05, exclude))),
      },
      model_history: {
        operations_of_model: stored / MODELS,
        ...(await both(() => hist.history('model-1', 100, exclude))),
      },
      list_runs: await both(() => hist.listRuns()),
      target_compare_ms: 1000,
    };
    await hist.close();
    const q = results.query_latency as Record<
      string,
      { cold: { median_ms: number }; new_process: { median_ms: number }; warm: { median_ms: number } }
    >;
    const ms = (k: string) =>
      `${q[k]!.cold.median_ms.toFixed(0)} ms cold / ${q[k]!.new_process.median_ms.toFixed(0)} ms new process / ${q[k]!.warm.median_ms.toFixed(1)} ms warm`;
    console.log(
      `over ${stored} operations (medians of ${REPEAT}): compare ${RUNS} runs ${ms('compare_all_runs')}, compare 2 runs ${ms('compare_two_runs')}, model history ${ms('model_history')}, list runs ${ms('list_runs')}`,
    );
  } finally {
    if (!keep) rmSync(dir, { recursive: true, force: true });
  }
  results.load_average_at_end = loadavg();
  const outDir = fileURLToPath(new URL('../results/', import.meta.url));
  mkdirSync(outDir, { recursive: true });
  const out = join(outDir, `store-${new Date().toISOString().replace(/[:.]/g, '-')}.json`);
  writeFileSync(out, `${JSON.stringify(results, null, 2)}\n`);
  console.log(`results: ${out}`);
}

await main();
