/**
 * Values that broke SQL text when they were spliced into it (quotes, NUL bytes, backslashes) and
 * values the schema refuses (control characters in ids, huge names, deep nesting, empty ids):
 * every read and write answers, a 4xx names the rule, and the store stays usable.
 */
import { join } from 'node:path';
import type { HistoryResponse, RunsResponse } from '@llmmon/core/schema';
import { json, metricsFile, tempDir } from '@llmmon/testkit';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Store } from '../store/store.js';
import { createApp, type LlmmonApp } from './app.js';

let tmp: ReturnType<typeof tempDir>;
let store: Store;
let app: LlmmonApp;

beforeEach(async () => {
  tmp = tempDir();
  store = await Store.open(join(tmp.dir, 'hostile.duckdb'));
  app = createApp({ store, dashboardDir: null });
});
afterEach(async () => {
  app.shutdown();
  await store.close();
  tmp.remove();
});

const post = (path: string, body: unknown) =>
  app.request(path, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });

/** Text that ends a SQL string literal early, or that the parser cannot take inside one. */
const HOSTILE = ["o'brien", "x\u0000y'); DROP TABLE runs; --", 'back\\slash', '日本\u{1F600}', "''"];

describe('values never spliced into SQL', () => {
  it('stores, reads, compares and deletes runs whose ids and model names break quoting', async () => {
    const ids = ["run'1", 'run\\2', "run'';3"];
    for (const [i, id] of ids.entries()) {
      const file = metricsFile(id, 6, () => ({ model_name: HOSTILE[i % HOSTILE.length]! }));
      const res = await post('/api/runs', file);
      expect(res.status, JSON.stringify(await json(res.clone()))).toBe(201);
    }
    const runs = (await json(await app.request('/api/runs'))) as RunsResponse;
    expect(runs.runs.map((r) => r.id).sort()).toEqual([...ids].sort());
    for (const id of ids) expect((await app.request(`/api/runs/${encodeURIComponent(id)}`)).status).toBe(200);
    const compare = await app.request(`/api/compare?runs=${ids.map(encodeURIComponent).join(',')}`);
    expect(compare.status).toBe(200);
    for (const format of ['csv', 'parquet', 'json']) {
      const res = await app.request(`/api/runs/${encodeURIComponent(ids[0]!)}/export.${format}`);
      expect(res.status).toBe(200);
      await res.arrayBuffer();
    }

    // A model name with a NUL byte and a quote; an excluded operation kind with both.
    const model = HOSTILE[1]!;
    const history = await app.request(
      `/api/models/${encodeURIComponent(model)}/history?exclude_operations=${encodeURIComponent(HOSTILE[1]!)}`,
    );
    expect(history.status).toBe(200);
    expect(((await json(history)) as HistoryResponse).points).toHaveLength(1);

    const del = await app.request(`/api/runs/${encodeURIComponent(ids[1]!)}`, { method: 'DELETE' });
    expect(del.status).toBe(200);
    expect(((await json(await app.request('/api/runs'))) as RunsResponse).runs).toHaveLength(2);
  });

  it('binds /api/query params instead of splicing them', async () => {
    await post('/api/runs', metricsFile("it's", 4));
    const res = await post('/api/query', {
      sql: 'SELECT count(*) AS n, $2 AS echoed FROM operations WHERE run_id = $1',
      params: ["it's", HOSTILE[1]],
    });
    const body = await json(res);
    expect(res.status, JSON.stringify(body)).toBe(200);
    expect(body.rows).toEqual([[4, HOSTILE[1]]]);
    const refused = await post('/api/query', { sql: 'SELECT $1', params: [{ a: 1 }] });
    expect(refused.status).toBe(400);
    // More values than placeholders (fast-check's counterexample; it was a 500), and fewer.
    for (const [sql, params] of [
      ['SELECT range(10)', [false]],
      ['SELECT $1, $2', [1]],
    ] as const) {
      const wrong = await post('/api/query', { sql, params, format: 'json' });
      expect(wrong.status, sql).toBe(400);
      expect((await json(wrong)).error).toMatch(/placeholder/);
    }
  });
});

describe('values the schema refuses, at every write endpoint and in URLs', () => {
  const cases: [string, (file: ReturnType<typeof metricsFile>) => void, RegExp][] = [
    [
      'a NUL byte in the run id',
      (f) => {
        f.run.id = 'p-nul\u0000id';
      },
      /run\.id/,
    ],
    [
      'an empty run id',
      (f) => {
        f.run.id = '';
      },
      /run\.id/,
    ],
    [
      'a 10 MB model name',
      (f) => {
        f.operations[0]!.model_name = 'm'.repeat(10_000_000);
      },
      /model_name/,
    ],
    [
      'metadata nested 8000 deep',
      (f) => {
        f.operations[0]!.metadata = {};
      },
      /metadata|deep/,
    ],
    [
      'a negative duration',
      (f) => {
        f.operations[0]!.duration_seconds = -1;
      },
      /duration_seconds/,
    ],
  ];
  for (const [what, spoil, field] of cases) {
    it(`refuses ${what} with a 4xx naming the field, and stores nothing`, async () => {
      const file = metricsFile('r1', 3);
      spoil(file);
      const text = (value: unknown) =>
        JSON.stringify(value, (k, v: unknown) =>
          k === 'metadata' && what.startsWith('metadata') ? '@DEEP@' : v,
        ).replace('"@DEEP@"', `${'{"a":'.repeat(8000)}1${'}'.repeat(8000)}`);
      const res = await post('/api/runs', text(file));
      expect(res.status).toBeGreaterThanOrEqual(400);
      expect(res.status).toBeLessThan(500);
      expect((await json(res)).error).toMatch(field);
      // Live batches of the same run id.
      const batch = await post(
        `/api/runs/${encodeURIComponent(file.run.id) || '%20'}/operations`,
        text({ run: file.run, operations: file.operations }),
      );
      expect(batch.status).toBeGreaterThanOrEqual(400);
      expect(batch.status).toBeLessThan(500);
      expect(((await json(await app.request('/api/runs'))) as RunsResponse).runs).toEqual([]);
    });
  }

  it('answers URL ids with %00 or over the length limit with 4xx, not 500', async () => {
    for (const id of ['a%00b', 'x'.repeat(5000), '%7F']) {
      for (const [method, path] of [
        ['GET', `/api/runs/${id}`],
        ['HEAD', `/api/runs/${id}`],
        ['DELETE', `/api/runs/${id}`],
        ['GET', `/api/runs/${id}/operations`],
        ['GET', `/api/runs/${id}/export.csv`],
        ['GET', `/api/compare?runs=${id},b`],
        ['GET', `/api/models/${id}/history`],
      ] as const) {
        const res = await app.request(path, { method });
        expect(res.status, `${method} ${path.slice(0, 60)}`).toBeGreaterThanOrEqual(400);
        expect(res.status, `${method} ${path.slice(0, 60)}`).toBeLessThan(500);
      }
    }
  });
});

describe('wrong methods', () => {
  it('answer 405 with Allow; unknown paths stay 404', async () => {
    for (const [method, path, allow] of [
      ['PUT', '/api/runs', 'POST, GET, HEAD'],
      ['DELETE', '/api/health', 'GET, HEAD'],
      ['GET', '/api/query', 'POST'],
      ['POST', '/metrics', 'GET, HEAD'],
      ['PATCH', '/api/runs/r1', 'GET, HEAD, DELETE'],
      ['POST', '/api/runs/r1/export.csv', 'GET, HEAD'],
    ] as const) {
      const res = await app.request(path, { method });
      expect(res.status, `${method} ${path}`).toBe(405);
      expect(res.headers.get('allow'), `${method} ${path}`).toBe(allow);
      expect((await json(res)).error).toMatch(/not allowed/);
    }
    expect((await app.request('/api/nothing', { method: 'PUT' })).status).toBe(404);
    expect((await app.request('/api/nothing')).status).toBe(404);
  });
});
