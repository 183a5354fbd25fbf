/**
 * A fleet pushing live to one server (`pnpm perf` in packages/server; the root `pnpm bench` runs
 * it too): `LLMMON_PERF_FLEET_HOSTS` simulated hosts (default 20), each a separate process
 * (fleet-host.ts) with a run of its own, make operations at an even share of a total rate and push
 * them to one server's live batch endpoint every second as core's live push does (a full batch at
 * once), for `LLMMON_PERF_FLEET_SECONDS`
 * (default 10) per step. Steps double the total rate from `LLMMON_PERF_FLEET_FROM` (default 250
 * ops/s) up to `LLMMON_PERF_FLEET_TO` (default 64000) and stop after the first that breaks:
 *
 * - held: the fleet made all its operations and they were acknowledged (>= 95 % of the offered
 *   rate), the server answered 99 % of the pushes within 1 s (an operation's delay, made →
 *   acknowledged, adds up to one push interval to that and is reported beside it), and the server
 *   stored every acknowledged operation exactly once;
 * - broken: otherwise (the highest held rate is the figure).
 *
 * Results go to perf/results/fleet-push-<time>.json and stdout, with the load average.
 */
import { fork } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { quantile } from '@llmmon/core/schema';
import { startServer } from '@llmmon/server';
import { writeResult } from './results.js';

const HOSTS = Number(process.env.LLMMON_PERF_FLEET_HOSTS ?? 20);
const SECONDS = Number(process.env.LLMMON_PERF_FLEET_SECONDS ?? 10);
const FROM = Number(process.env.LLMMON_PERF_FLEET_FROM ?? 250);
const TO = Number(process.env.LLMMON_PERF_FLEET_TO ?? 64_000);
const MAX_BATCH = 1000;
const PUSH_MS = 1000;
const LATENCY_BUDGET_MS = 1000;

interface HostReport {
  made: number;
  acknowledged: number;
  failures: number;
  latencies: number[];
  delays: number[];
}

/** Quantile of the values; NaN (null in the JSON) when there are none. */
const q = (values: number[], p: number) => quantile(values, p) ?? Number.NaN;

/** Starts a host process; resolves when it has loaded, with a `go` that starts it and gives its report. */
function host(
  url: string,
  runId: string,
  hostname: string,
  rate: number,
): Promise<{ go: () => Promise<HostReport> }> {
  const child = fork(
    fileURLToPath(new URL('./fleet-host.js', import.meta.url)),
    [url, runId, hostname, String(rate), String(SECONDS), String(MAX_BATCH), String(PUSH_MS)],
    { stdio: 'inherit' },
  );
  const failed = new Promise<never>((_, reject) =>
    child.once('exit', (code) => code !== 0 && reject(new Error(`host ${hostname} exited with ${code}`))),
  );
  const message = () => Promise.race([new Promise((r) => child.once('message', r)), failed]);
  return message().then(() => ({
    go: () => {
      const report = message() as Promise<HostReport>;
      child.send('go');
      return report;
    },
  }));
}

const dir = mkdtempSync(join(tmpdir(), 'llmmon-perf-fleet-'));
const server = await startServer({ db: join(dir, 'fleet.duckdb'), port: 0, dashboardDir: null });
const steps = [];
for (let rate = FROM, step = 0; rate <= TO; rate *= 2, step++) {
  const hosts = await Promise.all(
    Array.from({ length: HOSTS }, (_, h) =>
      host(server.url, `fleet-${step}-${h}`, `host-${h}`, rate / HOSTS),
    ),
  );
  const load = loadavg()[0]!;
  const started = performance.now();
  const reports = await Promise.all(hosts.map((h) => h.go()));
  const seconds = (performance.now() - started) / 1000;
  const stored = await server.store.query(
    'SELECT count(*), count(DISTINCT (run_id, seq)) FROM operations WHERE starts_with(run_id, $1)',
    { maxRows: 1, timeoutMs: 600_000, params: [`fleet-${step}-`] },
  );
  const [n, distinct] = (stored.rows[0] as number[]).map(Number) as [number, number];
  const made = reports.reduce((s, r) => s + r.made, 0);
  const acknowledged = reports.reduce((s, r) => s + r.acknowledged, 0);
  const delays = reports.flatMap((r) => r.delays);
  const latencies = reports.flatMap((r) => r.latencies);
  const result = {
    offered_ops_per_second: rate,
    made,
    acknowledged,
    stored: n,
    stored_distinct: distinct,
    failed_requests: reports.reduce((s, r) => s + r.failures, 0),
    acknowledged_ops_per_second: Math.round(acknowledged / SECONDS),
    seconds,
    delay_ms: { p50: q(delays, 0.5), p99: q(delays, 0.99), max: Math.max(0, ...delays) },
    batch_latency_ms: { p50: q(latencies, 0.5), p99: q(latencies, 0.99) },
    mean_batch_operations: Math.round(acknowledged / Math.max(1, delays.length)),
    load_average_before: load,
  };
  const lost = n !== acknowledged || distinct !== n;
  const held =
    !lost && acknowledged >= 0.95 * rate * SECONDS && result.batch_latency_ms.p99 <= LATENCY_BUDGET_MS;
  steps.push({ ...result, lost, held });
  console.log(
    `${HOSTS} hosts, ${rate} ops/s offered: ${result.acknowledged_ops_per_second} ops/s acknowledged, ` +
      `delay p50 ${result.delay_ms.p50.toFixed(0)} ms p99 ${result.delay_ms.p99.toFixed(0)} ms, ` +
      `batch p99 ${result.batch_latency_ms.p99.toFixed(0)} ms (~${result.mean_batch_operations} ops), ` +
      `${acknowledged} acknowledged, ${n} stored${lost ? ' — MISMATCH' : ', none lost'}; ` +
      `load ${load.toFixed(2)} → ${held ? 'held' : 'BROKE'}`,
  );
  if (!held) break;
}
await server.close();
rmSync(dir, { recursive: true, force: true });

const best = steps.filter((s) => s.held).at(-1);
const summary = {
  hosts: HOSTS,
  seconds_per_step: SECONDS,
  highest_held_ops_per_second: best?.offered_ops_per_second ?? null,
  steps,
  machine: { cpus: cpus().length, load_average_at_end: loadavg(), node: process.version },
};
console.log(
  `fleet push: ${HOSTS} host processes held ${best?.offered_ops_per_second ?? 'no'} ops/s ` +
    `(p99 push answered <= ${LATENCY_BUDGET_MS} ms, nothing lost); load average ${loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')}`,
);
writeResult('fleet-push', summary);
if (steps.some((s) => s.lost)) process.exitCode = 1;
