/**
 * The HTTP API (documented in packages/server/API.md; types in `@llmmon/core/schema` api.ts).
 * Handlers validate input with core's zod schemas, call the store, and answer JSON; errors go
 * through `onError` (errors.ts) as `{ "error": "…" }`.
 */
import { createReadStream, existsSync } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { serveStatic } from '@hono/node-server/serve-static';
import {
  CompareQuerySchema,
  type CompareResponse,
  csvCell,
  DEFAULT_STATS_EXCLUDED_OPERATIONS,
  describeZodError,
  ExcludeOperationsQuerySchema,
  type HealthResponse,
  HistoryQuerySchema,
  type HistoryResponse,
  IngestQuerySchema,
  type IngestResponse,
  LiveOperationsBatchSchema,
  LiveQuerySchema,
  LiveSamplesBatchSchema,
  normalizeMetrics,
  OperationsQuerySchema,
  type OperationsResponse,
  QueryRequestSchema,
  type QueryResponse,
  quickLiveOperationsBatch,
  quickLiveSamplesBatch,
  type RunDetailResponse,
  RunsQuerySchema,
  type RunsResponse,
  SamplesQuerySchema,
  type SamplesResponse,
} from '@llmmon/core/schema';
import { assetsDir } from '@llmmon/dashboard';
import { stringify } from 'csv-stringify/sync';
import { type Context, Hono } from 'hono';
import type { z } from 'zod';
import { mountOtlp } from '../otlp/routes.js';
import {
  DEFAULT_QUERY_MAX_BYTES,
  DEFAULT_QUERY_MAX_ROWS,
  DEFAULT_QUERY_TIMEOUT_MS,
} from '../store/query-limits.js';
import type { IngestBatch, IngestResult, Store } from '../store/store.js';
import { requireToken } from './auth.js';
import { bodyLimitBySize } from './body-limit.js';
import { DEFAULT_BODY_LIMIT } from './defaults.js';
import { ApiHttpError, onError } from './errors.js';
import { LiveHub } from './live.js';
import { Metrics } from './prometheus.js';

export interface AppOptions {
  store: Store;
  /** When set, writes and /api/query need `Authorization: Bearer <token>` (reads too unless `publicRead`). */
  token?: string | undefined;
  /** Reads need no token even when the server has one (default true here; `startServer` decides by host). */
  publicRead?: boolean;
  /** Largest request body in bytes (default 64 MB); larger ones get 413. */
  bodyLimit?: number;
  /** Time limit of one /api/query (default 10 s). */
  queryTimeoutMs?: number;
  /** Most rows /api/query returns (default and cap 100000). */
  queryMaxRows?: number;
  /** Most JSON text the rows of one /api/query take (default 64 MB); the rest is cut. */
  queryMaxBytes?: number;
  /** Folder of the built dashboard (index.html); default `assetsDir` of @llmmon/dashboard; null = none. */
  dashboardDir?: string | null;
}

export interface LlmmonApp extends Hono {
  /** Ends live streams and stops listening to the store (call before closing the server). */
  shutdown(): void;
}

const VERSION: string = JSON.parse(
  await readFile(new URL('../../package.json', import.meta.url), 'utf8'),
).version;

/** Parses query-string parameters with a zod schema; 400 naming the parameter otherwise. */
function query<S extends z.ZodType>(c: Context, schema: S): z.output<S> {
  const parsed = schema.safeParse(c.req.query());
  if (!parsed.success) throw new ApiHttpError(400, describeZodError(parsed.error));
  return parsed.data;
}

/** The request body as JSON; 415 for another content type, 400 for malformed JSON. */
async function jsonBody(c: Context): Promise<unknown> {
  const type = c.req.header('content-type');
  if (type && !/json/i.test(type)) {
    throw new ApiHttpError(415, `body: expected Content-Type application/json, got ${type}`);
  }
  const text = await c.req.text();
  if (!text.trim()) throw new ApiHttpError(400, 'body: empty (expected JSON)');
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new ApiHttpError(400, `body: malformed JSON (${(error as Error).message})`);
  }
}

/** The quick parser's output for a plainly valid value (core's record-parser.ts), else zod's (or its 400). */
function quickOrParse<S extends z.ZodType>(
  quick: (v: unknown) => z.output<S> | undefined,
  schema: S,
  value: unknown,
) {
  return quick(value) ?? parse(schema, value);
}

function parse<S extends z.ZodType>(schema: S, value: unknown, prefix = ''): z.output<S> {
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw new ApiHttpError(400, describeZodError(parsed.error, prefix));
  return parsed.data;
}

const excluded = (q: { exclude_operations?: string[] | undefined }) =>
  q.exclude_operations ?? [...DEFAULT_STATS_EXCLUDED_OPERATIONS];

/**
 * The methods of the API routes whose path pattern matches `path` (`:id` matches one segment);
 * empty when none does. GET brings HEAD, as Hono answers HEAD with the GET route.
 */
function allowedMethods(app: Hono, path: string): string[] {
  const methods = new Set<string>();
  for (const route of app.routes) {
    if (route.method === 'ALL' || (!route.path.startsWith('/api/') && route.path !== '/metrics')) continue;
    const pattern = route.path
      .split('/')
      .map((part) => (part.startsWith(':') ? '[^/]+' : part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')));
    if (new RegExp(`^${pattern.join('/')}$`).test(path)) {
      methods.add(route.method);
      if (route.method === 'GET') methods.add('HEAD');
    }
  }
  return [...methods];
}

function ingestAnswer(c: Context, result: IngestResult) {
  const { added: _added, ...response } = result;
  return c.json(response satisfies IngestResponse, result.created ? 201 : 200);
}

/** Streams a scratch file and removes it afterwards. */
async function sendFile(c: Context, store: Store, path: string, type: string, filename: string) {
  const { size } = await stat(path);
  const body = Readable.toWeb(createReadStream(path).on('close', () => void store.removeScratch(path)));
  return c.body(body as ReadableStream, 200, {
    'Content-Type': type,
    'Content-Length': String(size),
    'Content-Disposition': `attachment; filename="${filename.replace(/[^\w.-]/g, '_')}"`,
  });
}

/**
 * Builds the Hono app on a store. Testable in process with `app.request()`.
 * @example
 * const store = await Store.open('data/llmmon.duckdb');
 * const app = createApp({ store });
 * const res = await app.request('/api/runs');
 */
export function createApp(options: AppOptions): LlmmonApp {
  const { store } = options;
  const limit = options.bodyLimit ?? DEFAULT_BODY_LIMIT;
  const timeoutMs = options.queryTimeoutMs ?? DEFAULT_QUERY_TIMEOUT_MS;
  const maxRowsCap = options.queryMaxRows ?? DEFAULT_QUERY_MAX_ROWS;
  const maxBytes = options.queryMaxBytes ?? DEFAULT_QUERY_MAX_BYTES;
  const started = performance.now();
  const live = new LiveHub(store);
  const metrics = new Metrics(store, live);
  const app = new Hono() as unknown as LlmmonApp;

  app.onError(onError);
  app.notFound((c) => {
    const allowed = allowedMethods(app, c.req.path);
    if (allowed.length === 0) return c.json({ error: `not found: ${c.req.method} ${c.req.path}` }, 404);
    c.header('Allow', allowed.join(', '));
    return c.json(
      { error: `method ${c.req.method} not allowed on ${c.req.path} (allowed: ${allowed.join(', ')})` },
      405,
    );
  });
  if (options.token) {
    const guard = requireToken(options.token, options.publicRead ?? true);
    app.use('/api/*', guard);
    app.use('/metrics', guard);
    // OTLP/HTTP ingest (POST /v1/traces): the token rule of the other writes.
    app.use('/v1/*', guard);
  }
  app.use(
    '/api/*',
    bodyLimitBySize(limit, (c) =>
      c.json(
        {
          error: `body: larger than the server's limit of ${Math.round(limit / 1024 / 1024)} MB (llmmon serve --body-limit); for bigger files run llmmon ingest FILE --db on the server's machine`,
        },
        413,
      ),
    ),
  );

  mountOtlp(app, store, limit);

  app.get('/api/health', async (c) => {
    const n = await store.counts();
    return c.json({
      status: 'ok',
      version: VERSION,
      db: store.path,
      schema_version: store.schemaVersion,
      runs: n.runs,
      operations: n.operations,
      auth: Boolean(options.token),
      uptime_seconds: (performance.now() - started) / 1000,
    } satisfies HealthResponse);
  });

  // ── ingest ──────────────────────────────────────────────────────────────────────────────────
  app.post('/api/runs', async (c) => {
    const q = query(c, IngestQuerySchema);
    const file = normalizeMetrics(await jsonBody(c), { runId: q.run_id, runName: q.name });
    return ingestAnswer(c, await store.ingest(file));
  });

  const checkRunId = (c: Context, runId: string) => {
    if (runId !== c.req.param('id')) {
      throw new ApiHttpError(
        400,
        `run.id: ${JSON.stringify(runId)} does not match the URL's run id ${JSON.stringify(c.req.param('id'))}`,
      );
    }
  };

  /**
   * A live batch: announced to the store while its body is read and checked, so that a group
   * commit that starts meanwhile waits for it instead of leaving it for the next transaction.
   */
  const liveBatch = (read: (c: Context) => Promise<IngestBatch>) => async (c: Context) => {
    const handedOver = store.arriving();
    try {
      const batch = await read(c);
      checkRunId(c, batch.run.id);
      const stored = store.ingest(batch, { live: true });
      handedOver();
      return ingestAnswer(c, await stored);
    } finally {
      handedOver();
    }
  };

  app.post(
    '/api/runs/:id/operations',
    liveBatch(async (c) =>
      quickOrParse(quickLiveOperationsBatch, LiveOperationsBatchSchema, await jsonBody(c)),
    ),
  );
  app.post(
    '/api/runs/:id/samples',
    liveBatch(async (c) => quickOrParse(quickLiveSamplesBatch, LiveSamplesBatchSchema, await jsonBody(c))),
  );

  // ── runs ────────────────────────────────────────────────────────────────────────────────────
  app.get('/api/runs', async (c) => {
    const q = query(c, RunsQuerySchema);
    const { total, runs } = await store.listRuns(q);
    return c.json({ total, limit: q.limit, offset: q.offset, runs } satisfies RunsResponse);
  });

  app.get('/api/runs/:id', async (c) => {
    const id = c.req.param('id');
    const exclude = excluded(query(c, ExcludeOperationsQuerySchema));
    const run = await store.runSummary(id);
    const [models, alerts] = await Promise.all([store.runModelStats(id, exclude), store.alerts(id)]);
    return c.json({ run, excluded_operations: exclude, models, alerts } satisfies RunDetailResponse);
  });

  app.get('/api/runs/:id/operations', async (c) => {
    const id = c.req.param('id');
    const q = query(c, OperationsQuerySchema);
    const page = await store.operations(id, q);
    return c.json({
      run_id: id,
      total: page.total,
      limit: q.limit,
      offset: q.offset,
      sort: q.sort,
      order: q.order,
      operations: page.operations,
    } satisfies OperationsResponse);
  });

  app.get('/api/runs/:id/samples', async (c) => {
    const id = c.req.param('id');
    const q = query(c, SamplesQuerySchema);
    const r = await store.samples(id, q.max_points);
    return c.json({ run_id: id, ...r } satisfies SamplesResponse);
  });

  app.get('/api/runs/:id/export.json', async (c) => {
    const id = c.req.param('id');
    const pieces = await store.exportJson(id);
    c.header('Content-Disposition', `attachment; filename="${id.replace(/[^\w.-]/g, '_')}.json"`);
    const bytes = (async function* () {
      for await (const piece of pieces) yield Buffer.from(piece);
    })();
    return c.body(Readable.toWeb(Readable.from(bytes)) as ReadableStream, 200, {
      'Content-Type': 'application/json; charset=utf-8',
    });
  });

  for (const format of ['csv', 'parquet'] as const) {
    app.get(`/api/runs/:id/export.${format}`, async (c) => {
      const id = c.req.param('id');
      const path = await store.exportOperationsFile(id, format);
      const type = format === 'csv' ? 'text/csv; charset=utf-8' : 'application/vnd.apache.parquet';
      return sendFile(c, store, path, type, `${id}.${format}`);
    });
  }

  app.delete('/api/runs/:id', async (c) => c.json(await store.deleteRun(c.req.param('id'))));

  // ── analysis ────────────────────────────────────────────────────────────────────────────────
  app.get('/api/compare', async (c) => {
    const q = query(c, CompareQuerySchema);
    return c.json((await store.compare(q.runs, q.alpha, excluded(q))) satisfies CompareResponse);
  });

  app.get('/api/models/:model/history', async (c) => {
    const model = c.req.param('model');
    const q = query(c, HistoryQuerySchema);
    const history = await store.history(model, q.limit, excluded(q));
    if (!history) throw new ApiHttpError(404, `model ${JSON.stringify(model)} not found in any run`);
    return c.json(history satisfies HistoryResponse);
  });

  app.post('/api/query', async (c) => {
    const body = parse(QueryRequestSchema, await jsonBody(c));
    const maxRows = Math.min(body.max_rows ?? maxRowsCap, maxRowsCap);
    if (body.format === 'parquet') {
      const path = store.scratchPath('parquet');
      await store
        .queryToParquet(body.sql, path, { maxRows, timeoutMs, params: body.params })
        .catch(async (error: unknown) => {
          await store.removeScratch(path);
          throw error;
        });
      return sendFile(c, store, path, 'application/vnd.apache.parquet', 'query.parquet');
    }
    const result = await store.query(body.sql, { maxRows, timeoutMs, maxBytes, params: body.params });
    if (body.format === 'csv') {
      const header = result.columns.map((col) => col.name);
      const cells = result.rows.map((row) => row.map(csvCell));
      return c.body(stringify([header, ...cells]), 200, {
        'Content-Type': 'text/csv; charset=utf-8',
        'X-Llmmon-Truncated': String(result.truncated),
      });
    }
    return c.json({
      columns: result.columns,
      rows: result.rows,
      row_count: result.rows.length,
      truncated: result.truncated,
      elapsed_ms: result.elapsedMs,
    } satisfies QueryResponse);
  });

  // ── streams and scrapes ─────────────────────────────────────────────────────────────────────
  app.get('/api/live', (c) => live.handle(c, query(c, LiveQuerySchema).run));

  app.get('/metrics', async (c) =>
    c.body(await metrics.text(), 200, { 'Content-Type': metrics.contentType }),
  );

  // ── the dashboard ───────────────────────────────────────────────────────────────────────────
  const dashboardDir = options.dashboardDir === undefined ? assetsDir : options.dashboardDir;
  const built = () => dashboardDir !== null && existsSync(join(dashboardDir, 'index.html'));
  const notBuilt = (c: Context) =>
    c.text(
      'llmmon: the dashboard is not built (pnpm --filter @llmmon/dashboard build); the API is at /api\n',
      503,
    );
  if (dashboardDir !== null) {
    const files = serveStatic({ root: dashboardDir });
    app.get('*', async (c, next) => {
      if (c.req.path.startsWith('/api/')) return next();
      if (!built()) return notBuilt(c);
      return files(c, next);
    });
  } else {
    app.get('/', notBuilt);
  }

  app.shutdown = () => {
    live.close();
    metrics.close();
  };
  return app;
}
