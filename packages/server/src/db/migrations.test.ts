import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { MetricsFileSchema, OPERATION_COLUMNS } from '@llmmon/core/schema';
import { metricsFile, tempDir } from '@llmmon/testkit';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Store } from '../store/store.js';
import { SCHEMA_VERSION, storedColumns } from './migrations.js';

let tmp: ReturnType<typeof tempDir>;
let path: string;

beforeEach(() => {
  tmp = tempDir();
  path = join(tmp.dir, 'm.duckdb');
});
afterEach(() => tmp.remove());

/** Runs SQL on the file with a plain DuckDB instance (no store holding it). */
async function tamper(...sql: string[]) {
  const db = await DuckDBInstance.create(path);
  const c = await db.connect();
  for (const s of sql) await c.run(s);
  c.closeSync();
  db.closeSync();
}

describe('schema versions', () => {
  it('records the migrations applied and creates the tables from the field specs', async () => {
    const store = await Store.open(path);
    expect(store.schemaVersion).toBe(SCHEMA_VERSION);
    await store.close();
    const db = await DuckDBInstance.create(path);
    const c = await db.connect();
    const versions = await c.runAndReadAll('SELECT version, description FROM llmmon_schema_version');
    expect(versions.getRowsJS().map((r) => Number(r[0]))).toEqual([1, 2]);
    expect(await storedColumns(c, 'operations')).toEqual(OPERATION_COLUMNS);
    c.closeSync();
    db.closeSync();
  });

  it('adds a column the schema gained since the file was written, and keeps storing', async () => {
    const first = await Store.open(path);
    await first.ingest(MetricsFileSchema.parse(metricsFile('old', 3)));
    await first.close();
    // A file from before `sampler` existed.
    await tamper('ALTER TABLE operations DROP COLUMN sampler');
    const store = await Store.open(path);
    await store.ingest(MetricsFileSchema.parse(metricsFile('new', 3)));
    const old = await store.exportMetricsFile('old');
    const fresh = await store.exportMetricsFile('new');
    expect(old.operations.map((o) => o.sampler)).toEqual([null, null, null]);
    expect(fresh.operations.map((o) => o.sampler)).toEqual(['native', 'native', 'native']);
    await store.close();
  });

  it('widens struct columns whose fields grew: old runs keep their values, new ones store all', async () => {
    const first = await Store.open(path);
    await first.ingest(MetricsFileSchema.parse(metricsFile('old', 1)));
    await first.close();
    // As a file from before host.gpus had driver_version (and the sampler its GPU interval).
    await tamper(
      'ALTER TABLE runs ALTER COLUMN host TYPE STRUCT(hostname VARCHAR, platform VARCHAR, arch VARCHAR, cpu_model VARCHAR, cpu_count BIGINT, total_memory_mb DOUBLE, node_version VARCHAR, gpus STRUCT("index" BIGINT, "name" VARCHAR, vendor VARCHAR, memory_total_mb DOUBLE)[])',
      'ALTER TABLE runs ALTER COLUMN sampler TYPE STRUCT(kind VARCHAR, interval_ms DOUBLE, gpu_backend VARCHAR, reason VARCHAR)',
    );
    const store = await Store.open(path);
    const gpu = { index: 0, id: '0000:01:00.0', name: 'Stub GPU', vendor: 'nvidia', memory_total_mb: 8192 };
    const file = metricsFile('new', 1);
    file.run.host.gpus = [{ ...gpu, driver_version: '550.1', core_count: null }];
    file.run.sampler = { ...file.run.sampler, gpu_backend: 'nvml', gpu_interval_ms: 100 };
    await store.ingest(MetricsFileSchema.parse(file));
    const old = await store.exportMetricsFile('old');
    const fresh = await store.exportMetricsFile('new');
    expect(old.run.host.hostname).toBe('box');
    expect(old.run.sampler).toMatchObject({ kind: 'native', gpu_interval_ms: null });
    expect(fresh.run.host.gpus).toEqual([{ ...gpu, driver_version: '550.1', core_count: null }]);
    expect(fresh.run.sampler).toMatchObject({
      gpu_backend: 'nvml',
      gpu_interval_ms: 100,
      energy_source: 'none',
    });
    await store.close();
  });

  it('version 2: a file from version 1 takes samples without a CPU figure after the upgrade', async () => {
    const first = await Store.open(path);
    await first.close();
    // As version 1 wrote it: cpu_percent NOT NULL, no cpu_peak_percent.
    await tamper(
      'DELETE FROM llmmon_schema_version WHERE version = 2',
      'ALTER TABLE samples ALTER COLUMN cpu_percent SET NOT NULL',
      'ALTER TABLE samples DROP COLUMN cpu_peak_percent',
    );
    const store = await Store.open(path);
    expect(store.schemaVersion).toBe(SCHEMA_VERSION);
    const file = metricsFile('gap', 2);
    file.samples = [
      {
        t: 0.05,
        cpu_percent: 100,
        cpu_peak_percent: 120,
        rss_mb: 1,
        system_cpu_percent: null,
        gpu_util_percent: null,
      },
      {
        t: 0.1,
        cpu_percent: null,
        cpu_peak_percent: null,
        rss_mb: 1,
        system_cpu_percent: null,
        gpu_util_percent: null,
      },
    ];
    await store.ingest(MetricsFileSchema.parse(file));
    const { samples } = await store.samples('gap');
    expect(samples.map((x) => [x.cpu_percent, x.cpu_peak_percent])).toEqual([
      [100, 120],
      [null, null],
    ]);
    await store.close();
  });

  it('refuses a file written by a newer llmmon', async () => {
    const store = await Store.open(path);
    await store.close();
    await tamper(
      `INSERT INTO llmmon_schema_version (version, description) VALUES (${SCHEMA_VERSION + 1}, 'future')`,
    );
    await expect(Store.open(path)).rejects.toThrow(/newer than this llmmon/);
  });
});
