import { join } from 'node:path';
import { type CompareResponse, MetricsFileSchema, type RunsResponse } from '@llmmon/core/schema';
import { metricsFile, runHeader, tempDir } from '@llmmon/testkit';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { exportLake } from '../lake/export.js';
import { Store } from '../store/store.js';
import { type RunningServer, startServer } from './server.js';

let tmp: ReturnType<typeof tempDir>;
let server: RunningServer;

const run = (id: string, host: string, day: string) => {
  const file = metricsFile(id, 30, (seq) => ({ duration_seconds: 0.2 + (seq % 7) / 10 }));
  file.run = runHeader(id, {
    started_at: `${day}T08:00:00.000Z`,
    host: { ...runHeader(id).host, hostname: host },
  });
  return MetricsFileSchema.parse(file);
};

beforeAll(async () => {
  tmp = tempDir();
  const lake = join(tmp.dir, 'lake');
  const other = await Store.open(join(tmp.dir, 'other.duckdb'));
  await other.ingest(run('far-1', 'far-box', '2026-12-01'));
  await exportLake(other, lake);
  await other.close();
  const here = await Store.open(join(tmp.dir, 'here.duckdb'));
  await here.ingest(run('near-1', 'near-box', '2026-12-02'));
  await here.close();
  server = await startServer({ db: join(tmp.dir, 'here.duckdb'), lake, port: 0 });
});
afterAll(async () => {
  await server?.close();
  tmp.remove();
});

const get = async <T>(path: string): Promise<T> => {
  const res = await fetch(`${server.url}${path}`);
  expect(res.status, path).toBe(200);
  return (await res.json()) as T;
};

it('serves the lake runs beside the local ones: list, run pages, compare, SQL', async () => {
  const runs = await get<RunsResponse>('/api/runs');
  expect(runs.runs.map((r) => [r.id, r.host.hostname, r.operations])).toEqual([
    ['near-1', 'near-box', 30],
    ['far-1', 'far-box', 30],
  ]);
  const ops = await get<{ total: number }>('/api/runs/far-1/operations?limit=5');
  expect(ops.total).toBe(30);
  const cmp = await get<CompareResponse>('/api/compare?runs=near-1,far-1');
  expect(cmp.runs.map((r) => r.id)).toEqual(['near-1', 'far-1']);
  // The same operations on both machines: no significant change.
  expect(cmp.models.map((m) => m.against_baseline[0]?.verdict)).toEqual(
    cmp.models.map(() => 'no_significant_change'),
  );
  const res = await fetch(`${server.url}/api/query`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ sql: 'SELECT host, count(*)::INTEGER FROM lake.operations GROUP BY host' }),
  });
  expect(((await res.json()) as { rows: unknown[] }).rows).toEqual([['far-box', 30]]);
});
