import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { mulberry32 } from '@llmmon/core/random';
import {
  type LiveOperationsEvent,
  type OperationRecord,
  OperationRecordSchema,
  type RunsResponse,
} from '@llmmon/core/schema';
import { json, metricsFile, operation, randomOperation, runHeader, tempDir } from '@llmmon/testkit';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Store } from '../store/store.js';
import { type RunningServer, startServer } from './server.js';

let tmp: ReturnType<typeof tempDir>;
let server: RunningServer;

beforeEach(async () => {
  tmp = tempDir();
  server = await startServer({ db: join(tmp.dir, 'live.duckdb'), port: 0, dashboardDir: null });
});
afterEach(async () => {
  await server.close();
  tmp.remove();
});

const postJson = (path: string, body: unknown) =>
  fetch(`${server.url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });

/** Reads server-sent events until `until` says stop. */
async function readEvents(
  res: Response,
  until: (events: { event: string; data: unknown }[]) => boolean,
): Promise<{ event: string; data: unknown }[]> {
  const reader = res.body!.pipeThrough(new TextDecoderStream()).getReader();
  const events: { event: string; data: unknown }[] = [];
  let buffer = '';
  while (!until(events)) {
    const { value, done } = await reader.read();
    if (done) break;
    buffer += value;
    let end = buffer.indexOf('\n\n');
    while (end >= 0) {
      const block = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      const event = /^event: (.*)$/m.exec(block)?.[1];
      const data = /^data: (.*)$/m.exec(block)?.[1];
      if (event && data) events.push({ event, data: JSON.parse(data) });
      end = buffer.indexOf('\n\n');
    }
  }
  await reader.cancel();
  return events;
}

describe('startServer', () => {
  it('listens on 127.0.0.1 on a free port', async () => {
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const res = await fetch(`${server.url}/api/health`);
    expect((await json(res)).status).toBe('ok');
  });

  it('refuses to listen beyond loopback without a token', async () => {
    await expect(startServer({ db: join(tmp.dir, 'x.duckdb'), host: '0.0.0.0' })).rejects.toThrow(
      /LLMMON_TOKEN/,
    );
  });

  it('refuses blank, padded and short tokens', async () => {
    for (const [token, why] of [
      ['', /blank/],
      ['   ', /blank/],
      [' 0123456789abcdef ', /white space/],
      ['x', /at least 16 characters/],
    ] as const) {
      await expect(
        startServer({ db: join(tmp.dir, 'x.duckdb'), token }),
        JSON.stringify(token),
      ).rejects.toThrow(why);
    }
  });

  it('beyond loopback, needs the token for reads too unless publicRead', async () => {
    const token = '0123456789abcdef0123';
    const exposed = await startServer({
      db: join(tmp.dir, 'x.duckdb'),
      host: '0.0.0.0',
      token,
      dashboardDir: null,
    });
    try {
      expect((await fetch(`${exposed.url}/api/runs`)).status).toBe(401);
      expect((await fetch(`${exposed.url}/metrics`)).status).toBe(401);
      const ok = await fetch(`${exposed.url}/api/runs`, { headers: { authorization: `Bearer ${token}` } });
      expect(ok.status).toBe(200);
    } finally {
      await exposed.close();
    }
    const open = await startServer({
      db: join(tmp.dir, 'y.duckdb'),
      host: '0.0.0.0',
      token,
      publicRead: true,
      dashboardDir: null,
    });
    try {
      expect((await fetch(`${open.url}/api/runs`)).status).toBe(200);
    } finally {
      await open.close();
    }
  });

  it('streams live operations to /api/live as batches arrive', async () => {
    const live = await fetch(`${server.url}/api/live?run=r1`);
    expect(live.headers.get('content-type')).toMatch(/^text\/event-stream/);
    const events = readEvents(live, (evs) => evs.some((e) => e.event === 'operations'));
    // Something for another run first: the filter must keep it out.
    await postJson('/api/runs/r2/operations', { run: runHeader('r2'), operations: [operation('r2', 0)] });
    const batch = { run: runHeader('r1'), operations: [operation('r1', 0), operation('r1', 1)] };
    expect((await postJson('/api/runs/r1/operations', batch)).status).toBe(201);
    const got = await events;
    expect(got.map((e) => e.event)).toEqual(['run', 'operations']);
    const ops = (got[1]!.data as LiveOperationsEvent).operations;
    expect(ops.map((o) => [o.run_id, o.seq])).toEqual([
      ['r1', 0],
      ['r1', 1],
    ]);
  });

  it('loses nothing with 20 clients ingesting at once (with retries)', async () => {
    const clients = Array.from({ length: 20 }, (_, k) => k);
    const perClient = 5;
    const perBatch = 40;
    await Promise.all(
      clients.map(async (k) => {
        const run = runHeader(`run-${k % 4}`);
        for (let b = 0; b < perClient; b++) {
          const base = (k * perClient + b) * perBatch;
          const operations = Array.from({ length: perBatch }, (_, i) => operation(run.id, base + i));
          const body = { run, operations };
          // Every batch twice: a client retrying after a lost answer.
          for (const _ of [0, 1]) {
            const res = await postJson(`/api/runs/${run.id}/operations`, body);
            expect([200, 201]).toContain(res.status);
          }
        }
      }),
    );
    const health = await json(await fetch(`${server.url}/api/health`));
    expect(health.operations).toBe(20 * perClient * perBatch);
    const { runs } = (await (await fetch(`${server.url}/api/runs`)).json()) as RunsResponse;
    expect(runs.map((r) => r.operations).sort()).toEqual([1000, 1000, 1000, 1000]);
  });

  it('stores exactly what 20 clients sent to one run at once, retries and all', async () => {
    // The live-ingest measurement's shape (perf/live-ingest.ts): 20 clients, 50-operation batches,
    // one run, one request per client at a time; here with full random records and every third
    // batch sent twice (a client retrying after a lost answer).
    const run = runHeader('one-run');
    const rnd = mulberry32(13);
    const sent: OperationRecord[] = [];
    let seq = 0;
    const answers = await Promise.all(
      Array.from({ length: 20 }, async (_, k) => {
        const statuses: number[] = [];
        for (let b = 0; b < 4; b++) {
          const operations = Array.from({ length: 50 }, () => randomOperation(run.id, seq++, rnd));
          sent.push(...operations.map((o) => OperationRecordSchema.parse(o)));
          for (let attempt = 0; attempt < ((k + b) % 3 === 0 ? 2 : 1); attempt++) {
            const res = await postJson(`/api/runs/${run.id}/operations`, { run, operations });
            statuses.push(res.status);
            await res.arrayBuffer();
          }
        }
        return statuses;
      }),
    );
    // One batch created the run; every other answer (retries included) is a 200.
    expect(answers.flat().filter((s) => s === 201)).toHaveLength(1);
    expect(answers.flat().every((s) => s === 200 || s === 201)).toBe(true);
    const stored = await server.store.exportMetricsFile(run.id);
    expect(stored.operations).toHaveLength(20 * 4 * 50);
    expect(stored.operations).toEqual(sent.sort((a, b) => a.seq! - b.seq!));
  });

  it('shuts down with a live client connected and releases the DuckDB file', async () => {
    await postJson('/api/runs', metricsFile('r1', 3));
    const live = await fetch(`${server.url}/api/live`);
    const reading = live.body!.getReader().read();
    await server.close();
    await reading.catch(() => undefined);
    // The file can be opened again: the store was closed and its lock released.
    const again = await Store.open(join(tmp.dir, 'live.duckdb'));
    expect(await again.counts()).toEqual({ runs: 1, operations: 3 });
    await again.close();
  });
});

describe('the dashboard at /', () => {
  it('serves the built app from an absolute folder', async () => {
    const dir = join(tmp.dir, 'app');
    mkdirSync(join(dir, 'assets'), { recursive: true });
    writeFileSync(join(dir, 'index.html'), '<!doctype html><title>llmmon</title>');
    writeFileSync(join(dir, 'assets', 'app.js'), 'console.log(1)');
    const s = await startServer({ db: join(tmp.dir, 'd.duckdb'), dashboardDir: dir });
    try {
      const index = await fetch(`${s.url}/`);
      expect(index.status).toBe(200);
      expect(await index.text()).toContain('<title>llmmon</title>');
      expect(await (await fetch(`${s.url}/assets/app.js`)).text()).toBe('console.log(1)');
      expect((await fetch(`${s.url}/api/health`)).status).toBe(200);
    } finally {
      await s.close();
    }
  });

  it('says so in one line when it is not built', async () => {
    const s = await startServer({ db: join(tmp.dir, 'e.duckdb'), dashboardDir: join(tmp.dir, 'missing') });
    try {
      const res = await fetch(`${s.url}/`);
      expect(res.status).toBe(503);
      expect((await res.text()).trim().split('\n')).toHaveLength(1);
    } finally {
      await s.close();
    }
  });
});

describe('a server that cannot start', () => {
  it('on a busy port throws EADDRINUSE and leaves no database file it created', async () => {
    const fresh = join(tmp.dir, 'never.duckdb');
    const error = await startServer({ db: fresh, port: server.port, dashboardDir: null }).catch(
      (e: unknown) => e,
    );
    expect((error as { code?: string }).code).toBe('EADDRINUSE');
    expect(readdirSync(tmp.dir).filter((f) => f.startsWith('never'))).toEqual([]);
  });

  it('keeps a database file that was there before', async () => {
    const error = await startServer({
      db: join(tmp.dir, 'live.duckdb'),
      port: server.port,
      dashboardDir: null,
    }).catch((e: unknown) => e);
    expect((error as { code?: string }).code).toBe('EADDRINUSE');
    expect(readdirSync(tmp.dir)).toContain('live.duckdb');
  });
});
