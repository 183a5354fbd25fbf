/**
 * Live ingest under concurrency (`pnpm perf` in packages/server; the root `pnpm bench` runs it
 * too): `LLMMON_PERF_CLIENTS` clients (default 20) each post batches of `LLMMON_PERF_BATCH`
 * operations (default 50) to one run on a real listening server for `LLMMON_PERF_SECONDS`
 * (default 20), each client one request at a time, as core's live push does. Reports
 * operations/s, batch latency percentiles, and whether every acknowledged operation is stored
 * exactly once. Results go to perf/results/live-ingest-<time>.json and stdout.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { mulberry32 } from '@llmmon/core/random';
import { startServer } from '@llmmon/server';
import { randomOperation, runHeader } from '@llmmon/testkit';

const CLIENTS = Number(process.env.LLMMON_PERF_CLIENTS ?? 20);
const BATCH = Number(process.env.LLMMON_PERF_BATCH ?? 50);
const SECONDS = Number(process.env.LLMMON_PERF_SECONDS ?? 20);
const RUN = 'live-perf';

const quantile = (sorted: number[], q: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;

const dir = mkdtempSync(join(tmpdir(), 'llmmon-perf-live-'));
const server = await startServer({ db: join(dir, 'live.duckdb'), port: 0, dashboardDir: null });
const run = runHeader(RUN);
let seq = 0;
const latencies: number[] = [];
let acknowledged = 0;
let failures = 0;
const rnd = mulberry32(7);
const end = performance.now() + SECONDS * 1000;
const started = performance.now();
await Promise.all(
  Array.from({ length: CLIENTS }, async () => {
    while (performance.now() < end) {
      const operations = Array.from({ length: BATCH }, () => randomOperation(RUN, seq++, rnd));
      const t0 = performance.now();
      const res = await fetch(`${server.url}/api/runs/${RUN}/operations`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ run, operations }),
      });
      await res.arrayBuffer();
      latencies.push(performance.now() - t0);
      if (res.status < 300) acknowledged += BATCH;
      else failures++;
    }
  }),
);
const seconds = (performance.now() - started) / 1000;
const stored = await server.store.query(
  'SELECT count(*) AS n, count(DISTINCT seq) AS d FROM operations WHERE run_id = $1',
  { maxRows: 1, timeoutMs: 60_000, params: [RUN] },
);
const [n, distinct] = stored.rows[0] as [number, number];
await server.close();
rmSync(dir, { recursive: true, force: true });

latencies.sort((a, b) => a - b);
const result = {
  clients: CLIENTS,
  batch_operations: BATCH,
  seconds,
  operations_acknowledged: acknowledged,
  operations_stored: n,
  operations_distinct: distinct,
  failed_batches: failures,
  operations_per_second: Math.round(acknowledged / seconds),
  latency_ms: {
    p50: quantile(latencies, 0.5),
    p95: quantile(latencies, 0.95),
    p99: quantile(latencies, 0.99),
    max: latencies.at(-1),
  },
  machine: { cpus: cpus().length, load_average_at_end: loadavg()[0], node: process.version },
};
const lost = n !== acknowledged || distinct !== n || failures > 0;
console.log(
  `live ingest, ${CLIENTS} clients x ${BATCH}-operation batches for ${seconds.toFixed(1)} s: ` +
    `${result.operations_per_second} ops/s, p50 ${result.latency_ms.p50.toFixed(0)} ms, ` +
    `p99 ${result.latency_ms.p99.toFixed(0)} ms; ${acknowledged} acknowledged, ${n} stored` +
    (lost ? ' — MISMATCH' : ', none lost'),
);
const out = fileURLToPath(new URL('../results/', import.meta.url));
mkdirSync(out, { recursive: true });
const file = join(out, `live-ingest-${new Date().toISOString().replace(/[:.]/g, '-')}.json`);
writeFileSync(file, `${JSON.stringify(result, null, 2)}\n`);
console.log(`wrote ${file}`);
if (lost) process.exitCode = 1;
