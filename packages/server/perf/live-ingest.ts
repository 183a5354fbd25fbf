/**
 * Live ingest under concurrency (`pnpm perf` in packages/server; the root `pnpm bench` runs it
 * too): `LLMMON_PERF_CLIENTS` clients (default 20) each post batches of `LLMMON_PERF_BATCH`
 * operations (default 50) to one run on a real listening server for `LLMMON_PERF_SECONDS`
 * (default 20), each client one request at a time, as core's live push does. The clients run in
 * a worker thread (live-clients.ts), so the server's event loop is the server's alone.
 *
 * Reports operations/s, batch latency percentiles, the server event loop's utilisation, the load
 * average before and after (a loaded machine skews every figure), and whether every acknowledged
 * operation is stored exactly once. Results go to perf/results/live-ingest-<time>.json and
 * stdout; the exit code is 1 when anything was lost or refused.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { quantileSorted } from '@llmmon/core/schema';
import { startServer } from '@llmmon/server';
import type { ClientsJob, ClientsResult } from './live-clients.js';
import { processCpuSeconds, threadCpuSeconds } from './thread-cpu.js';

const job = {
  runId: 'live-perf',
  clients: Number(process.env.LLMMON_PERF_CLIENTS ?? 20),
  batch: Number(process.env.LLMMON_PERF_BATCH ?? 50),
  seconds: Number(process.env.LLMMON_PERF_SECONDS ?? 20),
};

const loadBefore = loadavg()[0]!;
const dir = mkdtempSync(join(tmpdir(), 'llmmon-perf-live-'));
const server = await startServer({ db: join(dir, 'live.duckdb'), port: 0, dashboardDir: null });
const elu0 = performance.eventLoopUtilization();
const mainCpu0 = threadCpuSeconds();
const processCpu0 = processCpuSeconds();
const clients = await new Promise<ClientsResult>((resolve, reject) => {
  const worker = new Worker(new URL('./live-clients.js', import.meta.url), {
    workerData: { ...job, url: server.url } satisfies ClientsJob,
  });
  worker.once('message', resolve);
  worker.once('error', reject);
  worker.once('exit', (code) => reject(new Error(`clients' worker exited with ${code}`)));
});
const elu = performance.eventLoopUtilization(elu0);
const mainCpu1 = threadCpuSeconds();
const processCpu = processCpuSeconds() - processCpu0;
const stored = await server.store.query(
  'SELECT count(*) AS n, count(DISTINCT seq) AS d FROM operations WHERE run_id = $1',
  { maxRows: 1, timeoutMs: 60_000, params: [job.runId] },
);
const [n, distinct] = stored.rows[0] as [number, number];
await server.close();
rmSync(dir, { recursive: true, force: true });

const latencies = clients.latenciesMs.sort((a, b) => a - b);
const { acknowledged } = clients;
const lost = acknowledged - n;
const result = {
  clients: job.clients,
  batch_operations: job.batch,
  seconds: clients.seconds,
  operations_acknowledged: acknowledged,
  operations_stored: n,
  operations_distinct: distinct,
  operations_lost: lost,
  failed_batches: clients.failedBatches,
  failures: clients.failures,
  operations_per_second: Math.round(acknowledged / clients.seconds),
  latency_ms: {
    p50: quantileSorted(latencies, 0.5),
    p95: quantileSorted(latencies, 0.95),
    p99: quantileSorted(latencies, 0.99),
    max: latencies.at(-1),
  },
  server_event_loop_utilization: elu.utilization,
  /**
   * CPU per acknowledged operation, in µs: the server's main thread (HTTP, parsing, validation,
   * the appender's conversion), and the whole server (the process less the clients' thread:
   * DuckDB's threads and V8's shared garbage-collector threads, which the clients use a little
   * too). Load stretches the wall-clock figures above far more than these; they are not immune
   * to it either (a shared core's caches), so compare them at similar load.
   */
  cpu_us_per_operation: {
    server_main_thread:
      mainCpu0 === null || mainCpu1 === null ? null : ((mainCpu1 - mainCpu0) / acknowledged) * 1e6,
    server_all_threads:
      clients.cpuSeconds === null ? null : ((processCpu - clients.cpuSeconds) / acknowledged) * 1e6,
    clients: clients.cpuSeconds === null ? null : (clients.cpuSeconds / acknowledged) * 1e6,
  },
  machine: {
    cpus: cpus().length,
    load_average_before: loadBefore,
    load_average_at_end: loadavg()[0],
    node: process.version,
  },
};
const us = (v: number | null) => (v === null ? 'unknown' : `${v.toFixed(0)} µs`);
const bad = lost !== 0 || distinct !== n || clients.failedBatches > 0;
console.log(
  `live ingest, ${job.clients} clients x ${job.batch}-operation batches for ${clients.seconds.toFixed(1)} s: ` +
    `${result.operations_per_second} ops/s, p50 ${(result.latency_ms.p50 ?? Number.NaN).toFixed(0)} ms, ` +
    `p99 ${(result.latency_ms.p99 ?? Number.NaN).toFixed(0)} ms; ${acknowledged} acknowledged, ${n} stored, ${lost} lost, ` +
    `${clients.failedBatches} batches refused${bad ? ' — MISMATCH' : ''}; server event loop ` +
    `${(elu.utilization * 100).toFixed(0)} % busy, ${us(result.cpu_us_per_operation.server_main_thread)} ` +
    `CPU per operation on it, ${us(result.cpu_us_per_operation.server_all_threads)} in all its threads; load average ${loadBefore.toFixed(2)} before, ` +
    `${result.machine.load_average_at_end!.toFixed(2)} after (${cpus().length} CPUs)`,
);
for (const f of clients.failures) console.log(`  refused: ${f}`);
const out = fileURLToPath(new URL('../results/', import.meta.url));
mkdirSync(out, { recursive: true });
const file = join(out, `live-ingest-${new Date().toISOString().replace(/[:.]/g, '-')}.json`);
writeFileSync(file, `${JSON.stringify(result, null, 2)}\n`);
console.log(`wrote ${file}`);
if (bad) process.exitCode = 1;
