import { execFileSync } from 'node:child_process';
import { existsSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import {
  type CompareResponse,
  CSV_COLUMNS,
  type HealthResponse,
  type HistoryResponse,
  type MetricsFile,
  MetricsFileSchema,
  modelComparison,
  normalizeMetrics,
  OPERATION_COLUMNS,
  type OperationRecord,
  type OperationsResponse,
  type QueryResponse,
  type RunDetailResponse,
  type RunsResponse,
  toCsvRow,
} from '@llmmon/core/schema';
import { json, metricsFile, operation, originalRecords, runHeader, tempDir } from '@llmmon/testkit';
import { parse as parseCsv } from 'csv-parse/sync';
import { stringify } from 'csv-stringify/sync';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SCHEMA_VERSION } from '../db/migrations.js';
import { welchTest } from '../stats/welch.js';
import { jsonSize } from '../store/query.js';
import { Store } from '../store/store.js';
import { createApp, type LlmmonApp } from './app.js';
import { MAX_LABEL_LENGTH } from './prometheus.js';

let tmp: ReturnType<typeof tempDir>;
let store: Store;
let app: LlmmonApp;

beforeEach(async () => {
  tmp = tempDir();
  store = await Store.open(join(tmp.dir, 'api.duckdb'));
  app = createApp({ store, dashboardDir: null });
});
afterEach(async () => {
  app.shutdown();
  await store.close();
  tmp.remove();
});

const post = (path: string, body: unknown, headers: Record<string, string> = {}) =>
  app.request(path, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
const getJson = async <T>(path: string, status = 200): Promise<T> => {
  const res = await app.request(path);
  const body = await json(res);
  expect(res.status, JSON.stringify(body)).toBe(status);
  return body as T;
};
/** Everything stored, to check that a refused request changed nothing. */
const snapshot = async () => {
  const { runs } = await store.listRuns({ limit: 1000 });
  return Promise.all(runs.map((r) => store.exportMetricsFile(r.id)));
};

/** Durations with a known mean and spread; `shift` moves every value. */
const timedFile = (id: string, shift: number, n = 30) =>
  metricsFile(id, n, (seq) => ({
    model_name: 'm',
    duration_seconds: 0.5 + shift + ((seq * 7) % 11) / 100,
    started_at: undefined,
  }));

describe('ingest and read back', () => {
  it('answers health', async () => {
    const h = await getJson<HealthResponse>('/api/health');
    expect(h).toMatchObject({
      status: 'ok',
      runs: 0,
      operations: 0,
      auth: false,
      schema_version: SCHEMA_VERSION,
    });
    expect(h.db).toBe(store.path);
  });

  it('stores a metrics file (201), then again without duplicates (200)', async () => {
    const file = metricsFile('r1', 12);
    const first = await post('/api/runs', file);
    expect(first.status).toBe(201);
    expect(await json(first)).toEqual({
      run_id: 'r1',
      created: true,
      operations: { received: 12, inserted: 12, duplicates: 0 },
      samples: { received: 5, inserted: 5, duplicates: 0 },
      alerts: { received: 1, inserted: 1, duplicates: 0 },
    });
    const second = await post('/api/runs', file);
    expect(second.status).toBe(200);
    expect((await json(second)).operations).toEqual({ received: 12, inserted: 0, duplicates: 12 });
    const { runs } = await getJson<RunsResponse>('/api/runs');
    expect(runs).toHaveLength(1);
    expect(runs[0]!.operations).toBe(12);
  });

  it("reads the original monitor's format with a given run id and name", async () => {
    const res = await post('/api/runs?run_id=old-1&name=metrics_old.json', { metrics: originalRecords(4) });
    expect(res.status).toBe(201);
    const detail = await getJson<RunDetailResponse>('/api/runs/old-1');
    expect(detail.run.name).toBe('metrics_old.json');
    expect(Object.keys(detail.models)).toEqual(['distilgpt2', 'gpt2']);
  });

  it('refuses an original-format body without records, with one line, and stores no run', async () => {
    const res = await post('/api/runs', []);
    expect(res.status).toBe(400);
    expect((await json(res)).error).toMatch(/^records: no operation records /);
    expect((await getJson<{ total: number }>('/api/runs')).total).toBe(0);
  });

  it('gives per-model stats equal to core modelStats, plus p99', async () => {
    // A third model fails every time: its statistics come from failed operations only.
    const file = metricsFile('r1', 40, (seq) => ({
      operation: seq < 2 ? 'load' : 'inference',
      duration_seconds: 0.2 + ((seq * 13) % 17) / 50,
      // Streamed figures on most operations, so medians, the margin of error and sums are compared.
      time_to_first_token_seconds: seq % 7 === 0 ? null : 0.01 + ((seq * 7) % 11) / 1000,
      inter_token_latency_seconds: seq % 7 === 0 ? null : 0.002 + ((seq * 5) % 13) / 10000,
      tokens_per_sec: seq % 7 === 0 ? null : 90 + ((seq * 11) % 19),
      output_tokens: seq % 7 === 0 ? null : 32 + (seq % 5),
      status: seq === 9 || seq % 10 === 5 ? 'error' : 'ok',
      ...(seq % 10 === 5 ? { model_name: 'broken' } : {}),
    }));
    await post('/api/runs', file);
    const detail = await getJson<RunDetailResponse>('/api/runs/r1');
    const core = modelComparison(MetricsFileSchema.parse(file).operations as OperationRecord[]);
    for (const [model, stats] of Object.entries(core)) {
      for (const [k, v] of Object.entries(stats)) {
        if (v === null) expect(detail.models[model]![k as keyof typeof stats]).toBeNull();
        else expect(detail.models[model]![k as keyof typeof stats], `${model}.${k}`).toBeCloseTo(v, 9);
      }
    }
    expect(Object.keys(detail.models)).toEqual(['tiny-q8', 'tiny-f16', 'broken']);
    expect(detail.models.broken).toMatchObject({ operations: 4, errors: 4, avg_duration_seconds: null });
    expect(detail.models['tiny-f16']!.errors).toBe(1);
    expect(detail.excluded_operations).toEqual(['warmup', 'load', 'load-level']);
    expect(detail.alerts).toHaveLength(1);
    const all = await getJson<RunDetailResponse>('/api/runs/r1?exclude_operations=');
    expect(all.models['tiny-q8']!.operations).toBe(20);
    expect(all.models['tiny-f16']!.operations).toBe(16);
    expect(detail.models['tiny-q8']!.operations).toBe(19);
  });

  it('pages, filters and sorts operations', async () => {
    await post(
      '/api/runs',
      metricsFile('r1', 30, (seq) => ({ status: seq % 10 === 3 ? 'error' : 'ok' })),
    );
    const page = await getJson<OperationsResponse>(
      '/api/runs/r1/operations?status=error&sort=seq&order=desc&limit=2',
    );
    expect(page.total).toBe(3);
    expect(page.operations.map((o) => o.seq)).toEqual([23, 13]);
    expect(Object.keys(page.operations[0]!)).toEqual(OPERATION_COLUMNS);
  });
});

describe('compare and history', () => {
  it('finds a slower run with Welch’s t-test and says so per metric', async () => {
    await post('/api/runs', timedFile('base', 0));
    await post('/api/runs', timedFile('slow', 0.05));
    await post('/api/runs', timedFile('same', 0));
    const cmp = await getJson<CompareResponse>('/api/compare?runs=base,slow,same');
    expect(cmp.baseline).toBe('base');
    expect(cmp.runs.map((r) => r.id)).toEqual(['base', 'slow', 'same']);
    const [slow, same] = cmp.models[0]!.against_baseline;
    expect(slow!.verdict).toBe('slower');
    expect(slow!.metrics.avg_duration_seconds).toMatchObject({ verdict: 'slower', regression: true });
    expect(slow!.metrics.avg_duration_seconds.delta).toBeCloseTo(0.05, 12);
    expect(slow!.metrics.peak_memory_mb.verdict).toBeNull();
    expect(same!.verdict).toBe('no_significant_change');
    // The p-value is Welch's on the raw durations.
    const durations = (f: ReturnType<typeof timedFile>) => f.operations.map((o) => o.duration_seconds);
    const summary = (xs: number[]) => {
      const mean = xs.reduce((a, b) => a + b, 0) / xs.length;
      return { n: xs.length, mean, variance: xs.reduce((a, x) => a + (x - mean) ** 2, 0) / (xs.length - 1) };
    };
    const expected = welchTest(
      'duration_seconds',
      summary(durations(timedFile('base', 0))),
      summary(durations(timedFile('slow', 0.05))),
      0.05,
    );
    expect(slow!.tests.duration_seconds!.p_value).toBeCloseTo(expected.p_value!, 12);
  });

  it('names unknown runs and bad parameters', async () => {
    await post('/api/runs', timedFile('base', 0));
    expect((await getJson<{ error: string }>('/api/compare?runs=base,nope', 404)).error).toBe(
      'run "nope" not found',
    );
    expect((await getJson<{ error: string }>('/api/compare?runs=base', 400)).error).toMatch(/^runs: /);
    expect((await getJson<{ error: string }>('/api/compare?runs=a,b&alpha=2', 400)).error).toMatch(
      /^alpha: /,
    );
  });

  it("gives a model's history oldest run first", async () => {
    const a = timedFile('a', 0);
    const b = { ...timedFile('b', 0.1), run: runHeader('b', { started_at: '2024-06-01T00:00:00.000Z' }) };
    await post('/api/runs', b);
    await post('/api/runs', a);
    const h = await getJson<HistoryResponse>('/api/models/m/history');
    expect(h.points.map((p) => p.run.id)).toEqual(['a', 'b']);
    expect(h.points[1]!.stats.avg_duration_seconds! - h.points[0]!.stats.avg_duration_seconds!).toBeCloseTo(
      0.1,
      12,
    );
    await getJson('/api/models/unknown/history', 404);
  });
});

describe('exports', () => {
  it('CSV parses back to the same numbers', async () => {
    const file = metricsFile('r1', 15);
    await post('/api/runs', file);
    const res = await app.request('/api/runs/r1/export.csv');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/csv/);
    const rows = parseCsv(await res.text(), { columns: true }) as Record<string, string>[];
    expect(Object.keys(rows[0]!)).toEqual(OPERATION_COLUMNS);
    const ops = MetricsFileSchema.parse(file).operations;
    rows.forEach((row, i) => {
      const op = ops[i]!;
      expect(Number(row.duration_seconds)).toBe(op.duration_seconds);
      expect(Number(row.throughput_chars_per_sec)).toBe(op.throughput_chars_per_sec);
      expect(Number(row.text_length)).toBe(op.text_length);
      expect(row.timestamp).toBe(op.timestamp);
      expect(row.gpu_util_avg_percent).toBe('');
      expect(JSON.parse(row.threads!)).toEqual(op.threads);
      expect(JSON.parse(row.metadata!)).toEqual(op.metadata);
    });
  });

  it('CSV is the text core writes for the same records, formula-like text neutralized (Monitor.exportCsv, the dashboard)', async () => {
    const tricky = [1, 100, 0.1 + 0.2, 1e-7, 2.5e-5, 36603106063140140, 1e21, 0.5];
    const names = ['llama, "q8"', 'tiny', '=HYPERLINK("http://x")', "+cmd|' /C calc'!A0", "'-already"];
    const file = metricsFile('r1', 16, (seq) => ({
      duration_seconds: tricky[seq % tricky.length]! + (seq < 8 ? 0 : 1),
      peak_memory_mb: tricky[(seq + 3) % tricky.length]!,
      memory_delta_mb: -tricky[(seq + 5) % tricky.length]!, // a negative number stays a number
      model_name: names[seq % names.length]!,
      status: seq % 4 === 1 ? 'error' : 'ok',
      error: seq % 4 === 1 ? (seq === 5 ? '' : seq === 9 ? '@evil\tcell' : 'line one\nline "two"') : null,
      threads: [
        { tid: 7, name: 'a "b", c', cpu_seconds: tricky[seq % tricky.length]! },
        { tid: null, name: '(exited threads)', cpu_seconds: 0 },
      ],
      metadata: { quantization: 'q8_0', nested: { list: [1, 2.5, null] } },
    }));
    await post('/api/runs', file);
    const res = await app.request('/api/runs/r1/export.csv');
    const core = stringify(
      [CSV_COLUMNS as string[], ...MetricsFileSchema.parse(file).operations.map(toCsvRow)],
      {
        record_delimiter: '\r\n',
      },
    );
    const text = await res.text();
    expect(text).toBe(core);
    expect(text).toContain(`'=HYPERLINK(""http://x"")`);
    expect(text).toContain(',-100,');
  });

  it('Parquet reads back with DuckDB', async () => {
    await post('/api/runs', metricsFile('r1', 15));
    const res = await app.request('/api/runs/r1/export.parquet');
    expect(res.status).toBe(200);
    const path = join(tmp.dir, 'r1.parquet');
    writeFileSync(path, Buffer.from(await res.arrayBuffer()));
    const db = await DuckDBInstance.create(':memory:');
    const c = await db.connect();
    const r = await c.runAndReadAll(
      `SELECT count(*), sum(duration_seconds), max(seq), typeof(any_value("timestamp")) FROM read_parquet('${path}')`,
    );
    const [n, sum, maxSeq, type] = r.getRowsJS()[0]!;
    const ops = MetricsFileSchema.parse(metricsFile('r1', 15)).operations;
    expect(Number(n)).toBe(15);
    expect(sum).toBeCloseTo(
      ops.reduce((a, o) => a + o.duration_seconds, 0),
      12,
    );
    expect(Number(maxSeq)).toBe(14);
    expect(type).toBe('TIMESTAMP WITH TIME ZONE');
    c.closeSync();
    db.closeSync();
  });

  it('JSON export is the metrics file again', async () => {
    const file = metricsFile('r1', 9);
    await post('/api/runs', file);
    const res = await app.request('/api/runs/r1/export.json');
    expect(normalizeMetrics(await json(res))).toEqual(MetricsFileSchema.parse(file) as MetricsFile);
  });
});

describe('bad input changes nothing', () => {
  beforeEach(async () => {
    await post('/api/runs', metricsFile('r1', 5));
  });

  it.each([
    [
      'malformed JSON',
      () => post('/api/runs', '{"format": "llmmon.metrics/1", '),
      400,
      /^body: malformed JSON/,
    ],
    ['an empty body', () => post('/api/runs', ''), 400, /^body: empty/],
    [
      'a wrong type',
      () => {
        const f = metricsFile('r2', 3);
        (f.operations[1] as Record<string, unknown>).duration_seconds = 'slow';
        return post('/api/runs', f);
      },
      400,
      /^operations\[1\]\.duration_seconds: /,
    ],
    [
      'a missing field',
      () => {
        const f = metricsFile('r2', 3);
        delete (f.operations[2] as Record<string, unknown>).model_name;
        return post('/api/runs', f);
      },
      400,
      /^operations\[2\]\.model_name: /,
    ],
    ['not a metrics file', () => post('/api/runs', { hello: 1 }), 400, /^not a metrics file/],
    ['a wrong format', () => post('/api/runs', { format: 'x/2' }), 400, /^format: unsupported/],
    [
      'another content type',
      () => post('/api/runs', 'a=1', { 'content-type': 'application/x-www-form-urlencoded' }),
      415,
      /^body: expected Content-Type application\/json/,
    ],
    [
      'a live batch for another run',
      () => post('/api/runs/r1/operations', { run: runHeader('r9'), operations: [operation('r9', 0)] }),
      400,
      /^run\.id: "r9" does not match/,
    ],
    [
      'a live batch without seq',
      () =>
        post('/api/runs/r3/operations', {
          run: runHeader('r3'),
          operations: [operation('r3', 0, { seq: null })],
        }),
      400,
      /^operations\[0\]\.seq: required/,
    ],
    [
      'a bad sample',
      () => post('/api/runs/r1/samples', { run: runHeader('r1'), samples: [{ t: 'x' }] }),
      400,
      /^samples\[0\]\.t: /,
    ],
    ['an unknown run', () => app.request('/api/runs/nope'), 404, /^run "nope" not found/],
    ['an unknown run (operations)', () => app.request('/api/runs/nope/operations'), 404, /not found/],
    ['an unknown run (export)', () => app.request('/api/runs/nope/export.csv'), 404, /not found/],
    ['an unknown run (delete)', () => app.request('/api/runs/nope', { method: 'DELETE' }), 404, /not found/],
    ['a bad sort column', () => app.request('/api/runs/r1/operations?sort=threads'), 400, /^sort: /],
    ['a bad limit', () => app.request('/api/runs?limit=0'), 400, /^limit: /],
    ['an unknown path', () => app.request('/api/nothing'), 404, /^not found: GET \/api\/nothing/],
  ])('%s → %s', async (_, send, status, message) => {
    const before = await snapshot();
    const res = await send();
    const body = await json(res);
    expect(res.status).toBe(status);
    expect(Object.keys(body)).toEqual(['error']);
    expect(body.error).toMatch(message);
    expect(body.error).not.toMatch(/\n| {4}at /);
    expect(await snapshot()).toEqual(before);
  });

  it('refuses a body over the limit with 413', async () => {
    const small = createApp({ store, bodyLimit: 2048, dashboardDir: null });
    const before = await snapshot();
    const res = await small.request('/api/runs', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(metricsFile('big', 50)),
    });
    expect(res.status).toBe(413);
    expect((await json(res)).error).toMatch(/^body: larger than the server's limit/);
    expect(await snapshot()).toEqual(before);
    small.shutdown();
  });
});

describe('auth', () => {
  const TOKEN = 's3cret-0123456789abcdef';

  it('needs the bearer token for writes and queries, not for reads', async () => {
    const secured = createApp({ store, token: TOKEN, dashboardDir: null });
    const send = (path: string, body: unknown, token?: string) =>
      secured.request(path, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          ...(token ? { authorization: `Bearer ${token}` } : {}),
        },
        body: JSON.stringify(body),
      });
    expect((await send('/api/runs', metricsFile('a', 2))).status).toBe(401);
    expect((await send('/api/runs', metricsFile('a', 2), 'wrong')).status).toBe(401);
    expect((await send('/api/query', { sql: 'SELECT 1' })).status).toBe(401);
    expect((await secured.request('/api/runs/r1', { method: 'DELETE' })).status).toBe(401);
    const refused = await send('/api/runs', metricsFile('a', 2));
    expect(refused.headers.get('www-authenticate')).toMatch(/^Bearer/);
    expect((await secured.request('/api/runs')).status).toBe(200);
    expect((await send('/api/runs', metricsFile('a', 2), TOKEN)).status).toBe(201);
    expect((await send('/api/query', { sql: 'SELECT 1' }, TOKEN)).status).toBe(200);
    secured.shutdown();
  });

  it('needs the token for reads too unless publicRead', async () => {
    const closed = createApp({ store, token: TOKEN, publicRead: false, dashboardDir: null });
    for (const path of ['/api/runs', '/api/health', '/api/runs/r1/export.json', '/api/live', '/metrics']) {
      expect((await closed.request(path)).status, path).toBe(401);
    }
    const ok = await closed.request('/api/runs', { headers: { authorization: `Bearer ${TOKEN}` } });
    expect(ok.status).toBe(200);
    closed.shutdown();
  });
});

describe('/api/query sandbox', () => {
  const q = (sql: string, extra: object = {}) => post('/api/query', { sql, ...extra });

  beforeEach(async () => {
    await post('/api/runs', metricsFile('r1', 10));
  });

  it('runs a SELECT and answers columns and rows', async () => {
    const res = await q(
      'SELECT model_name, count(*) AS n, max("timestamp") AS last FROM operations GROUP BY 1 ORDER BY 1',
    );
    expect(res.status).toBe(200);
    const body = (await json(res)) as QueryResponse;
    expect(body.columns).toEqual([
      { name: 'model_name', type: 'VARCHAR' },
      { name: 'n', type: 'BIGINT' },
      { name: 'last', type: 'TIMESTAMP WITH TIME ZONE' },
    ]);
    expect(body.rows).toEqual([
      ['tiny-f16', 5, '2024-05-01T12:00:09.000Z'],
      ['tiny-q8', 5, '2024-05-01T12:00:08.000Z'],
    ]);
    expect(body.truncated).toBe(false);
  });

  it('cuts at max_rows and answers CSV', async () => {
    const body = (await (
      await q('SELECT seq FROM operations ORDER BY seq', { max_rows: 3 })
    ).json()) as QueryResponse;
    expect(body.rows).toEqual([[0], [1], [2]]);
    expect(body.truncated).toBe(true);
    const csv = await q('SELECT seq, metadata FROM operations ORDER BY seq LIMIT 2', { format: 'csv' });
    expect(csv.headers.get('x-llmmon-truncated')).toBe('false');
    expect(parseCsv(await csv.text(), { columns: true })).toEqual([
      { seq: '0', metadata: '{"quantization":"q8_0","prompt":0}' },
      { seq: '1', metadata: '{"quantization":"f16","prompt":1}' },
    ]);
    // Text a spreadsheet would run as a formula is neutralized; numbers (negative ones too) stay.
    const hostile = await q(`SELECT '=HYPERLINK("http://x")' AS t, '@cmd' AS u, -5 AS n, 'ok' AS v`, {
      format: 'csv',
    });
    expect(await hostile.text()).toBe(`t,u,n,v\n"'=HYPERLINK(""http://x"")",'@cmd,-5,ok\n`);
  });

  it('answers Parquet', async () => {
    const res = await q('SELECT seq FROM operations', { format: 'parquet' });
    expect(res.status).toBe(200);
    expect(
      Buffer.from(await res.arrayBuffer())
        .subarray(0, 4)
        .toString(),
    ).toBe('PAR1');
  });

  it.each([
    ["SELECT * FROM read_csv('/etc/passwd')", /table function read_csv\(\) is not allowed/],
    ["SELECT * FROM read_text('/etc/hostname')", /table function read_text\(\) is not allowed/],
    // A file by a relative name passes the statement check: the instance itself refuses it.
    ["SELECT * FROM 'passwd.csv'", /Permission Error|file system operations are disabled/],
    [
      "COPY operations TO '/tmp/x.csv'",
      /only SELECT queries are allowed \(statement 1 is COPY\)|Permission Error/,
    ],
    ["ATTACH '/tmp/other.duckdb' AS other", /only SELECT .*ATTACH/],
    ['INSTALL httpfs', /only SELECT .*(EXTENSION|INSTALL|LOAD)/],
    ['LOAD httpfs', /only SELECT .*(LOAD|EXTENSION)/],
    ['SET threads = 1', /only SELECT .*SET/],
    ['PRAGMA threads = 1', /only SELECT/],
    ['DROP TABLE runs', /only SELECT .*DROP/],
    ['DELETE FROM operations', /only SELECT .*DELETE/],
    ['SELECT 1; DROP TABLE operations', /only SELECT queries are allowed \(statement 2 is DROP\)/],
    ['SELECT 1; SELECT 2', /one statement per query/],
    ['SELEC 1', /Parser Error/],
    ["PRAGMA table_info('runs')", /only SELECT queries are allowed \(PRAGMA: use DESCRIBE/],
    ['CALL checkpoint()', /only SELECT .*CALL/],
    // Table functions that change the instance despite lock_configuration, or run unchecked SQL.
    ["SELECT * FROM enable_logging(level = 'trace')", /table function enable_logging\(\) is not allowed/],
    ['SELECT * FROM ENABLE_LOGGING()', /table function enable_logging\(\) is not allowed/],
    ['SELECT * FROM system.main.disable_logging()', /table function disable_logging\(\) is not allowed/],
    [
      'SELECT * FROM range(3) r, LATERAL (SELECT * FROM force_checkpoint()) c',
      /table function force_checkpoint\(\) is not allowed/,
    ],
    ['SELECT (SELECT count(*) FROM disable_peg_parser())', /disable_peg_parser\(\) is not allowed/],
    [
      "WITH q AS (SELECT * FROM query('SELECT 1')) SELECT * FROM q",
      /table function query\(\) is not allowed/,
    ],
    [
      "SELECT * FROM json_execute_serialized_sql(json_serialize_sql('SELECT 1'))",
      /json_execute_serialized_sql\(\) is not allowed/,
    ],
  ])('refuses %s', async (sql, message) => {
    const before = await snapshot();
    const res = await q(sql);
    expect(res.status).toBe(400);
    expect((await json(res)).error).toMatch(message);
    expect(await snapshot()).toEqual(before);
    expect((await json(await q('SELECT count(*) FROM operations'))).rows).toEqual([[10]]);
  });

  it('refuses COPY even into the one folder the sandbox allows (the statement check)', async () => {
    const inside = join(dirname(store.scratchPath('csv')), 'copy.csv');
    const res = await q(`COPY operations TO '${inside}'`);
    expect(res.status).toBe(400);
    expect((await json(res)).error).toBe('sql: only SELECT queries are allowed (statement 1 is COPY)');
    expect(existsSync(inside)).toBe(false);
  });

  it('keeps logging off: a file log in a forbidden folder would abort the process at the next query', async () => {
    // Read through the store's own instance (user SQL may not read settings: they show paths).
    const instance = await DuckDBInstance.fromCache(join(tmp.dir, 'api.duckdb'));
    const own = await instance.connect();
    const setting = async () =>
      (
        await own.runAndReadAll("SELECT value FROM duckdb_settings() WHERE name = 'enable_logging'")
      ).getRowsJS();
    const before = await setting();
    const res = await q(`SELECT * FROM enable_logging(storage = 'file', storage_path = '${tmp.dir}/logs')`);
    expect(res.status).toBe(400);
    expect((await json(await q('SELECT 42'))).rows).toEqual([[42]]);
    expect(await setting()).toEqual(before);
    expect(existsSync(join(tmp.dir, 'logs'))).toBe(false);
    own.closeSync();
  });

  it('reads no file, not even in the scratch folder the sandbox must allow for exports', async () => {
    const file = join(dirname(store.scratchPath('csv')), 'secret.csv');
    writeFileSync(file, 'secret\nleaked\n');
    try {
      for (const [sql, message] of [
        [`SELECT * FROM read_text('${file}')`, /table function read_text\(\) is not allowed/],
        [`SELECT * FROM read_csv('${file}')`, /table function read_csv\(\) is not allowed/],
        [`SELECT * FROM glob('${dirname(file)}/*')`, /table function glob\(\) is not allowed/],
        [`SELECT * FROM '${file}'`, /^sql: reading files is not allowed/],
        [`SELECT 1; SELECT * FROM "${file}"`, /^sql: reading files is not allowed/],
        // Table functions that take a table name read a file named instead.
        [`SELECT * FROM histogram('${file}', secret)`, /table function histogram\(\) is not allowed/],
        [
          `SELECT * FROM histogram_values('${file}', secret)`,
          /table function histogram_values\(\) is not allowed/,
        ],
      ] as const) {
        const res = await q(sql);
        const { error } = await json(res);
        expect(res.status, sql).toBe(400);
        expect(error, sql).toMatch(message);
        expect(error, sql).not.toContain('leaked');
      }
    } finally {
      rmSync(file);
    }
  });

  it('hides the paths of the scratch folder and the file (settings, databases)', async () => {
    for (const [sql, message] of [
      ["SELECT current_setting('allowed_directories')", /function current_setting\(\) is not allowed/],
      [
        "SELECT value FROM duckdb_settings() WHERE name = 'temp_directory'",
        /duckdb_settings\(\) is not allowed/,
      ],
      ['SELECT path FROM duckdb_databases()', /duckdb_databases\(\) is not allowed/],
      ["SELECT (SELECT CURRENT_SETTING('allowed_directories'))", /current_setting\(\) is not allowed/],
    ] as const) {
      const res = await q(sql);
      expect(res.status, sql).toBe(400);
      expect((await json(res)).error, sql).toMatch(message);
    }
    // Export files get names nobody can guess.
    const names = [store.scratchPath('csv'), store.scratchPath('csv')].map((p) => p.split('/').pop()!);
    for (const name of names) expect(name).toMatch(/^[0-9a-f]{32}\.csv$/);
    expect(names[0]).not.toBe(names[1]);
  });

  it('still answers the catalog, generators and DESCRIBE', async () => {
    for (const [sql, rows] of [
      ["SELECT name FROM pragma_table_info('alerts') ORDER BY cid LIMIT 2", [['run_id'], ['timestamp']]],
      ["SELECT table_name FROM duckdb_tables() WHERE table_name = 'runs'", [['runs']]],
      ['SELECT sum(range) FROM range(5)', [[10]]],
      ['SELECT * FROM unnest([1, 2])', [[1], [2]]],
      [`SELECT key FROM json_each('{"a": 1}')`, [['a']]],
      ['SELECT column_name FROM (DESCRIBE runs) LIMIT 1', [['id']]],
    ] as const) {
      const res = await q(sql);
      expect(res.status, sql).toBe(200);
      expect((await json(res)).rows, sql).toEqual(rows);
    }
  });

  it('answers timestamps beyond what JS dates hold as DuckDB writes them', async () => {
    const res = await q(
      "SELECT 'infinity'::TIMESTAMP, '290000-01-10 00:00:00+00'::TIMESTAMPTZ, TIMESTAMPTZ '2024-05-01 12:00:00.5+00'",
    );
    expect(res.status).toBe(200);
    expect((await json(res)).rows).toEqual([
      ['infinity', '290000-01-10 00:00:00+00', '2024-05-01T12:00:00.500Z'],
    ]);
  });

  it('cuts a result at the size limit', async () => {
    const small = createApp({ store, queryMaxBytes: 100, dashboardDir: null });
    // Each row is about 44 characters of JSON by jsonSize (2 + 8 + 1 + 32 + 1): two fit in 100.
    const send = (format: string) =>
      small.request('/api/query', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ sql: "SELECT seq, repeat('x', 30) FROM operations ORDER BY seq", format }),
      });
    const body = (await json(await send('json'))) as QueryResponse;
    expect(jsonSize(body.rows[0])).toBe(44);
    expect(body.rows.map((r) => r[0])).toEqual([0, 1]);
    expect(body.truncated).toBe(true);
    expect((await send('csv')).headers.get('x-llmmon-truncated')).toBe('true');
    small.shutdown();
  });

  it('answers a query that fails while it runs with 400, also as Parquet', async () => {
    for (const format of ['json', 'csv', 'parquet']) {
      const res = await q("SELECT error('boom') FROM operations", { format });
      expect(res.status, format).toBe(400);
      expect((await json(res)).error, format).toBe('Invalid Input Error: boom');
    }
  });

  it('stops a runaway query at the time limit and stays usable', async () => {
    const quick = createApp({ store, queryTimeoutMs: 300, dashboardDir: null });
    const started = performance.now();
    const res = await quick.request('/api/query', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ sql: 'SELECT count(*) FROM range(1000000000000) t1' }),
    });
    expect(res.status).toBe(408);
    expect((await json(res)).error).toMatch(/time limit/);
    expect(performance.now() - started).toBeLessThan(20_000);
    const after = await quick.request('/api/query', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ sql: 'SELECT 42' }),
    });
    expect((await json(after)).rows).toEqual([[42]]);
    quick.shutdown();
  });
});

describe('/metrics', () => {
  /** What `promtool check metrics` says about `text` ('' = valid). */
  const promtool = (text: string): string => {
    try {
      return execFileSync('promtool', ['check', 'metrics'], { input: text, encoding: 'utf8', stdio: 'pipe' });
    } catch (error) {
      const e = error as { code?: string; stdout?: string; stderr?: string };
      if (e.code === 'ENOENT')
        throw new Error('promtool missing: run scripts/bootstrap.sh (Debian package prometheus)');
      return `promtool check metrics failed:\n${e.stdout}${e.stderr}`;
    }
  };

  it('is valid Prometheus text (promtool) and counts what was stored', async () => {
    const live = (name: string) => (text: string) =>
      text.split('\n').filter((l) => l.startsWith(`${name}{`) || l.startsWith(`${name} `));
    // No live sample yet: no value at all (an unlabelled gauge would read 0).
    expect(live('llmmon_live_process_cpu_ratio')(await (await app.request('/metrics')).text())).toEqual([]);
    await post(
      '/api/runs',
      metricsFile('r1', 10, (seq) => ({
        status: seq === 4 ? 'error' : 'ok',
        // GPU, energy and server figures on the odd operations of tiny-f16 only.
        ...(seq % 2 === 1 && {
          gpu_energy_joules: 1.5,
          cpu_energy_joules: 0.25,
          gpu_memory_peak_mb: 700,
          gpu_throttled: seq === 3,
          server_cpu_time_seconds: 0.5,
          server_peak_memory_mb: 900,
        }),
      })),
    );
    const sample = {
      t: 1,
      cpu_percent: 150,
      rss_mb: 280,
      system_cpu_percent: 40,
      gpu_util_percent: null,
      gpu_memory_mb: 512,
      gpu_power_watts: 250.5,
    };
    expect((await post('/api/runs/r1/samples', { run: runHeader('r1'), samples: [sample] })).status).toBe(
      200,
    );
    const res = await app.request('/metrics');
    expect(res.status).toBe(200);
    const text = await res.text();
    expect(promtool(text)).toBe('');
    const line = (name: string) => text.split('\n').find((l) => l.startsWith(name))!;
    expect(
      line(
        'gen_ai_client_operation_duration_seconds_count{gen_ai_request_model="tiny-q8",gen_ai_operation_name="inference"}',
      ),
    ).toMatch(/ 4$/);
    expect(line('llmmon_operation_errors_total{gen_ai_request_model="tiny-q8"')).toMatch(/ 1$/);
    expect(line('llmmon_stored{table="operations"}')).toMatch(/ 10$/);
    expect(text).toContain('# TYPE gen_ai_client_token_usage histogram');
    expect(text).toContain('process_resident_memory_bytes');
    // The live sample in base units, one metric per unit; no GPU value where the sample has none.
    expect(live('llmmon_live_process_cpu_ratio')(text)).toEqual([
      'llmmon_live_process_cpu_ratio{run_id="r1"} 1.5',
    ]);
    expect(live('llmmon_live_process_resident_memory_bytes')(text)).toEqual([
      `llmmon_live_process_resident_memory_bytes{run_id="r1"} ${280 * 2 ** 20}`,
    ]);
    expect(live('llmmon_live_system_cpu_utilization_ratio')(text)).toEqual([
      'llmmon_live_system_cpu_utilization_ratio{run_id="r1"} 0.4',
    ]);
    expect(live('llmmon_live_gpu_utilization_ratio')(text)).toEqual([]);
    expect(live('hw_gpu_memory_usage_bytes')(text)).toEqual([
      `hw_gpu_memory_usage_bytes{run_id="r1"} ${512 * 2 ** 20}`,
    ]);
    expect(live('hw_power_watts')(text)).toEqual(['hw_power_watts{run_id="r1",hw_type="gpu"} 250.5']);
    // Energy and server figures of the five odd operations (tiny-f16, inference), by kind.
    const f16 = 'gen_ai_request_model="tiny-f16",gen_ai_operation_name="inference"';
    expect(line(`hw_energy_joules_total{${f16},hw_type="gpu"}`)).toMatch(/ 7\.5$/);
    expect(line(`hw_energy_joules_total{${f16},hw_type="cpu"}`)).toMatch(/ 1\.25$/);
    expect(line(`llmmon_operation_gpu_throttled_total{${f16}}`)).toMatch(/ 1$/);
    expect(line(`llmmon_operation_server_cpu_seconds_total{${f16}}`)).toMatch(/ 2\.5$/);
    expect(line(`llmmon_operation_server_peak_memory_bytes_count{${f16}}`)).toMatch(/ 5$/);
    expect(line(`llmmon_operation_gpu_memory_peak_bytes_count{${f16}}`)).toMatch(/ 5$/);
    // tiny-q8 had none of them: no series, not 0.
    expect(text).not.toContain('hw_energy_joules_total{gen_ai_request_model="tiny-q8"');
  });

  it('stays valid and bounded whatever names were stored', async () => {
    // Every character the exposition format escapes or cannot carry, at the schema's longest name.
    const nasty = `"\\\n\r\u0000\u007f\ud800${'é'.repeat(300)}`.slice(0, 256);
    const runId = `r${'\u00e9'.repeat(120)}`;
    for (let i = 0; i < 3; i++) {
      const res = await post(
        '/api/runs',
        metricsFile(`${runId}${i}`.slice(0, 128), 2, () => ({
          model_name: `${i}${nasty}`.slice(0, 256),
          operation: `op${i}${nasty}`.slice(0, 256),
        })),
      );
      expect(res.status, JSON.stringify(await json(res))).toBe(201);
    }
    const sample = { t: 1, cpu_percent: 1, rss_mb: 1, system_cpu_percent: 1, gpu_util_percent: null };
    await post(`/api/runs/${encodeURIComponent(`${runId}0`.slice(0, 128))}/samples`, {
      run: runHeader(`${runId}0`.slice(0, 128)),
      samples: [sample],
    });
    const text = await (await app.request('/metrics')).text();
    expect(promtool(text)).toBe('');
    // Label values unescaped: at most MAX_LABEL_LENGTH characters, no control characters.
    const values = [...text.matchAll(/="((?:[^"\\]|\\.)*)"/g)].map((m) => JSON.parse(`"${m[1]}"`) as string);
    expect(values.some((v) => v.startsWith('0"'))).toBe(true);
    for (const v of values) {
      expect([...v].length).toBeLessThanOrEqual(MAX_LABEL_LENGTH);
      // biome-ignore lint/suspicious/noControlCharactersInRegex: they are what must not be there
      expect(v).not.toMatch(/[\u0000-\u001f\u007f]/);
    }
  });
});
