/**
 * A fleet's lake, queried (`pnpm perf` in packages/server; the root `pnpm bench` runs it too):
 * `LLMMON_PERF_LAKE_HOSTS` hosts (default 100) each with one run of `LLMMON_PERF_LAKE_OPS`
 * operations (default 100,000). `LLMMON_PERF_LAKE_DISTINCT` of them (default 10) are generated
 * with testkit's `writeMetricsFile` (full records, a seed per host), ingested and written by
 * `exportLake` as `llmmon export --lake` writes them; the other hosts' files are those files
 * again under the host's own run id, host name and partition, with every duration scaled by a
 * seeded factor of the host (0.5 to 1.5): the same rows, columns, compression and layout at a
 * tenth of the generation time (generating 10 million full records takes an hour on a loaded
 * 2-core machine; the query does not see the difference). Then a store opened
 * on an empty file with that lake (as `llmmon serve --lake` opens it) answers the p95 duration
 * per host per model through its user SQL sandbox, `LLMMON_PERF_LAKE_REPEAT` times (default 5);
 * the answer must count every operation written.
 * Results go to perf/results/fleet-lake-<time>.json and stdout, with the load average.
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { mulberry32 } from '@llmmon/core/random';
import type { RunSummary } from '@llmmon/core/schema';
import { exportLake, lakePath, Store } from '@llmmon/server';
import { writeMetricsFile } from '@llmmon/testkit';
import { writeResult } from './results.js';

const HOSTS = Number(process.env.LLMMON_PERF_LAKE_HOSTS ?? 100);
const OPS = Number(process.env.LLMMON_PERF_LAKE_OPS ?? 100_000);
const REPEAT = Number(process.env.LLMMON_PERF_LAKE_REPEAT ?? 5);
const DISTINCT = Math.min(HOSTS, Number(process.env.LLMMON_PERF_LAKE_DISTINCT ?? 10));
const BUDGET_SECONDS = 1;

const P95_SQL = `SELECT host, model_name, count(*) AS operations, quantile_cont(duration_seconds, 0.95) AS p95_seconds
FROM lake.operations GROUP BY host, model_name ORDER BY host, model_name`;

const dir = mkdtempSync(join(process.env.LLMMON_PERF_DIR ?? '/tmp', 'llmmon-perf-lake-'));
const lake = join(dir, 'lake');
mkdirSync(lake);
const t0 = performance.now();
const hostName = (h: number) => `host-${String(h).padStart(3, '0')}`;
const source = await Store.open(join(dir, 'fleet.duckdb'));
const generated: RunSummary[] = [];
for (let h = 0; h < DISTINCT; h++) {
  // One host at a time: its run goes in, out to the lake, and away again (the file stays small).
  const file = join(dir, 'host.json');
  const id = `fleet-run-${h}`;
  await writeMetricsFile(file, id, OPS, { hostname: hostName(h), seed: h + 1 });
  await source.ingestFile(file);
  generated.push(await source.runSummary(id));
  await exportLake(source, lake);
  await source.deleteRun(id);
  rmSync(file);
  process.stderr.write(`lake: ${h + 1}/${DISTINCT} hosts generated\n`);
}
await source.close();
// The other hosts: a generated host's files under another host's run id, name and partition.
const copier = await (await DuckDBInstance.create(':memory:')).connect();
const random = mulberry32(42);
for (let h = DISTINCT; h < HOSTS; h++) {
  const template = generated[h % DISTINCT]!;
  const from = lakePath(template);
  const run = { ...template, id: `fleet-run-${h}`, host: { ...template.host, hostname: hostName(h) } };
  const to = lakePath(run);
  const factor = 0.5 + random();
  // Each table's columns that name the host's run, with their values; then source and target.
  const replace: Record<string, [string, unknown[]]> = {
    operations: [
      'REPLACE ($1::VARCHAR AS run_id, duration_seconds * $2::DOUBLE AS duration_seconds)',
      [run.id, factor],
    ],
    samples: ['REPLACE ($1::VARCHAR AS run_id)', [run.id]],
    runs: [
      'REPLACE ($1::VARCHAR AS id, struct_update(host, hostname := $2::VARCHAR) AS host)',
      [run.id, hostName(h)],
    ],
  };
  // (The generated runs have no alerts.) The header last, as the exporter writes it.
  for (const [table, [sql, values]] of Object.entries(replace)) {
    const target = join(lake, table, to.partition);
    mkdirSync(target, { recursive: true });
    const n = values.length;
    await copier.run(
      `COPY (SELECT * ${sql} FROM read_parquet($${n + 1}, hive_partitioning = false)) TO $${n + 2} (FORMAT parquet, COMPRESSION zstd)`,
      [...values, join(lake, table, from.partition, from.file), join(target, to.file)] as never,
    );
  }
  if ((h + 1) % 10 === 0) process.stderr.write(`lake: ${h + 1}/${HOSTS} hosts written\n`);
}
copier.closeSync();
const buildSeconds = (performance.now() - t0) / 1000;

const reader = await Store.open(join(dir, 'reader.duckdb'), { lake });
const times: number[] = [];
let rows: unknown[][] = [];
for (let i = 0; i < REPEAT; i++) {
  const s = performance.now();
  const r = await reader.query(P95_SQL, { maxRows: 100_000, timeoutMs: 600_000 });
  times.push((performance.now() - s) / 1000);
  rows = r.rows;
}
const total = rows.reduce((n, row) => n + Number(row[2]), 0);
await reader.close();
// LLMMON_PERF_LAKE_KEEP=1 leaves the lake for other readers (its path is printed).
if (process.env.LLMMON_PERF_LAKE_KEEP) process.stderr.write(`lake kept at ${lake}\n`);
else rmSync(dir, { recursive: true, force: true });

times.sort((a, b) => a - b);
const median = times[Math.floor(times.length / 2)]!;
const result = {
  hosts: HOSTS,
  hosts_generated: DISTINCT,
  operations_per_host: OPS,
  operations: total,
  groups: rows.length,
  build_seconds: buildSeconds,
  query_seconds: { min: times[0], median, max: times.at(-1) },
  budget_seconds: BUDGET_SECONDS,
  machine: { cpus: cpus().length, load_average: loadavg(), node: process.version },
};
const complete = total === HOSTS * OPS;
console.log(
  `fleet lake, ${HOSTS} hosts x ${OPS} operations (${total} read, ${rows.length} host x model groups): ` +
    `p95 per host per model in ${median.toFixed(2)} s median (min ${times[0]!.toFixed(2)} s) of ${REPEAT}; ` +
    `budget ${BUDGET_SECONDS} s; load average ${loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')}` +
    (complete ? '' : ' — OPERATIONS MISSING'),
);
writeResult('fleet-lake', result);
if (!complete) process.exitCode = 1;
