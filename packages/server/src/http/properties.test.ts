/**
 * Property-based tests over every write endpoint and the query endpoint (fast-check): whatever
 * arrives — random records, strings with control characters, odd numbers, deep or wide nesting,
 * big sizes — the answer is a 4xx (and nothing stored changed) or a success (and what was sent
 * reads back exactly), never a 5xx.
 */
import { join } from 'node:path';
import { normalizeMetrics } from '@llmmon/core/schema';
import { json, metricsFile, operation, runHeader, tempDir } from '@llmmon/testkit';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Store } from '../store/store.js';
import { createApp, type LlmmonApp } from './app.js';

let tmp: ReturnType<typeof tempDir>;
let store: Store;
let app: LlmmonApp;

beforeAll(async () => {
  tmp = tempDir();
  store = await Store.open(join(tmp.dir, 'props.duckdb'));
  app = createApp({ store, dashboardDir: null, queryTimeoutMs: 5000 });
});
afterAll(async () => {
  app.shutdown();
  await store.close();
  tmp.remove();
});

const send = (method: string, path: string, body?: unknown) =>
  app.request(path, {
    method,
    headers: { 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });

/**
 * A fingerprint of everything stored: row counts, run ids, the latest change, and a hash of every
 * operation's and sample's values (cheap enough to take before and after each request).
 */
const snapshot = async () =>
  (
    await store.query(
      `SELECT (SELECT count(*) FROM runs), (SELECT string_agg(id, ',' ORDER BY id) FROM runs),
        (SELECT max(updated_at)::VARCHAR FROM runs), (SELECT count(*) FROM alerts),
        (SELECT sum(hash(o)) FROM operations o), (SELECT sum(hash(s)) FROM samples s)`,
      { maxRows: 1, timeoutMs: 10_000 },
    )
  ).rows[0];

/** Every UTF-8 byte percent-encoded (a lone surrogate becomes U+FFFD, as a client would send). */
const encode = (s: string) => [...Buffer.from(s)].map((b) => `%${b.toString(16).padStart(2, '0')}`).join('');

/** Strings as an attacker writes them: control characters, quotes, astral and lone surrogates. */
const nastyString = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.constantFrom('', ' ', '\u0000', "'; DROP TABLE runs; --", '=HYPERLINK("x")', '\r\n', '\ud800', '%00'),
  fc.string({ minLength: 100, maxLength: 400 }),
);
/** Any JSON value, nesting included (deep chains too). */
const anyValue = fc.oneof(
  nastyString,
  fc.double(),
  fc.integer(),
  fc.boolean(),
  fc.constant(null),
  fc.jsonValue({ maxDepth: 4 }),
  fc.integer({ min: 1, max: 200 }).map((n) => JSON.parse(`${'['.repeat(n)}1${']'.repeat(n)}`) as unknown),
);

/** Paths of a metrics file that a mutation may set. */
const FILE_PATHS = [
  ['run', 'id'],
  ['run', 'name'],
  ['run', 'started_at'],
  ['run', 'tags'],
  ['operations', 0, 'model_name'],
  ['operations', 0, 'operation'],
  ['operations', 0, 'seq'],
  ['operations', 0, 'duration_seconds'],
  ['operations', 0, 'text_length'],
  ['operations', 0, 'timestamp'],
  ['operations', 0, 'metadata'],
  ['operations', 0, 'status'],
  ['operations', 1, 'error'],
  ['samples', 0, 't'],
  ['samples', 0, 'rss_mb'],
  ['alerts', 0, 'metric'],
] as const;

function setPath(target: unknown, path: readonly (string | number)[], value: unknown) {
  let node = target as Record<string | number, unknown>;
  for (const key of path.slice(0, -1)) node = node[key] as Record<string | number, unknown>;
  node[path.at(-1)!] = value;
}

let counter = 0;
/** A valid metrics file under a fresh id, with up to three fields replaced by random values. */
const mutatedFile = fc
  .array(fc.tuple(fc.constantFrom(...FILE_PATHS), anyValue), { maxLength: 3 })
  .map((mutations) => {
    const file = metricsFile(`prop-${++counter}`, 3);
    for (const [path, value] of mutations) setPath(file, path, value);
    return file;
  });

const expectNo5xx = (res: Response, what: string) => {
  expect(res.status, what).toBeLessThan(500);
};

describe('write endpoints: 4xx or stored exactly, never 5xx', () => {
  it('POST /api/runs', async () => {
    await fc.assert(
      fc.asyncProperty(mutatedFile, async (file) => {
        const before = await snapshot();
        const res = await send('POST', '/api/runs', file);
        const body = await json(res);
        expectNo5xx(res, JSON.stringify(body));
        if (res.status >= 400) {
          expect(await snapshot()).toEqual(before);
          return;
        }
        const expected = normalizeMetrics(JSON.parse(JSON.stringify(file)));
        const stored = await store.exportMetricsFile(expected.run.id);
        // Whole files get seq = position and the run's id where a record has none (documented).
        const withKeys = expected.operations.map((o, i) => ({
          ...o,
          run_id: o.run_id ?? expected.run.id,
          seq: o.seq ?? i,
        }));
        expect(stored.operations).toEqual(withKeys);
        // Samples are kept in time order (the store reads them ORDER BY t), whatever order they came in.
        const inTimeOrder = <T extends { t: number }>(xs: readonly T[]) =>
          [...xs].sort((a, b) => a.t - b.t || (JSON.stringify(a) < JSON.stringify(b) ? -1 : 1));
        expect(inTimeOrder(stored.samples)).toEqual(inTimeOrder(expected.samples));
      }),
      { numRuns: 30 },
    );
  });

  it('POST /api/runs/:id/operations and /samples (live batches)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom('operations', 'samples'),
        fc.array(fc.tuple(fc.constantFrom(...FILE_PATHS.slice(0, 11)), anyValue), { maxLength: 2 }),
        fc.option(nastyString, { nil: undefined }),
        async (kind, mutations, urlId) => {
          const id = `live-${++counter}`;
          const batch: Record<string, unknown> = {
            run: runHeader(id),
            operations: [operation(id, 0), operation(id, 1)],
            samples: [{ t: 0.5, cpu_percent: 1, rss_mb: 2, system_cpu_percent: 3, gpu_util_percent: null }],
          };
          if (kind === 'samples') delete batch.operations;
          for (const [path, value] of mutations) {
            if (path[0] === 'operations' && !batch.operations) continue;
            setPath(batch, path, value);
          }
          const before = await snapshot();
          const res = await send('POST', `/api/runs/${encode(urlId ?? id)}/${kind}`, batch);
          const body = await json(res);
          expectNo5xx(res, JSON.stringify(body));
          if (res.status >= 400) {
            expect(await snapshot()).toEqual(before);
            return;
          }
          const stored = await store.exportMetricsFile(id);
          const sent = (batch[kind] as unknown[]).length;
          expect(body[kind].inserted + body[kind].duplicates).toBe(sent);
          expect(stored[kind]).toHaveLength(body[kind].inserted);
        },
      ),
      { numRuns: 40 },
    );
  });

  it('GET, HEAD and DELETE of random run ids', async () => {
    // Bytes that are not UTF-8 at all.
    for (const raw of ['%ED%A0%80', '%FF', '%C0%AF', '%00']) {
      for (const method of ['GET', 'HEAD', 'DELETE']) {
        expectNo5xx(await send(method, `/api/runs/${raw}`), `${method} ${raw}`);
      }
    }
    await fc.assert(
      fc.asyncProperty(nastyString, fc.constantFrom('GET', 'HEAD', 'DELETE'), async (id, method) => {
        const before = await snapshot();
        const res = await send(method, `/api/runs/${encode(id)}`);
        expectNo5xx(res, `${method} ${JSON.stringify(id)}`);
        if (res.status >= 400) expect(await snapshot()).toEqual(before);
      }),
      { numRuns: 40 },
    );
  });
});

describe('POST /api/query: never 5xx, never a change', () => {
  const fragments = fc.constantFrom(
    'SELECT',
    'FROM',
    'operations',
    'runs',
    '*',
    'count(*)',
    ';',
    "'",
    '"',
    '$1',
    '?',
    'DELETE',
    'COPY',
    'ATTACH',
    'range(10)',
    'WHERE',
    '1',
    'UNION',
    '(',
    ')',
    'read_csv',
    'PRAGMA',
    'SET',
  );
  const sql = fc.oneof(
    fc.array(fragments, { minLength: 1, maxLength: 8 }).map((parts) => parts.join(' ')),
    nastyString,
  );

  it('answers any SQL text and params with 2xx or 4xx and leaves the store as it was', async () => {
    await send('POST', '/api/runs', metricsFile('query-base', 3));
    await fc.assert(
      fc.asyncProperty(
        sql,
        fc.option(
          fc.array(fc.oneof(nastyString, fc.double(), fc.boolean(), fc.constant(null)), { maxLength: 3 }),
          {
            nil: undefined,
          },
        ),
        fc.constantFrom('json', 'csv', 'parquet'),
        async (text, params, format) => {
          const before = await snapshot();
          const res = await send('POST', '/api/query', { sql: text, params, format });
          const body = await res.text();
          expectNo5xx(res, `${JSON.stringify(text)} ${JSON.stringify(params)}: ${body.slice(0, 200)}`);
          expect(await snapshot()).toEqual(before);
        },
      ),
      { numRuns: 40 },
    );
  });
});
