/**
 * Runaway user SQL, many at once, on a real listening server: every query is answered by its
 * deadline, the ones beyond the waiting line are refused at once, health and writes keep
 * answering, and shutdown does not wait for the queries to finish on their own.
 */
import { join } from 'node:path';
import { metricsFile, tempDir } from '@llmmon/testkit';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  DEFAULT_QUERY_GRACE_MS,
  DEFAULT_QUERY_MAX_RUNNING,
  DEFAULT_QUERY_MAX_WAITING,
} from '../store/query-gate.js';
import { type RunningServer, startServer } from './server.js';

const TIMEOUT_MS = 4000;
/** Cross product of 10^12 rows: runs for minutes unless stopped. */
const RUNAWAY = 'SELECT count(*) FROM range(1000000) a, range(1000000) b';

let tmp: ReturnType<typeof tempDir>;
let server: RunningServer;

beforeEach(async () => {
  tmp = tempDir();
  server = await startServer({
    db: join(tmp.dir, 'flood.duckdb'),
    port: 0,
    dashboardDir: null,
    queryTimeoutMs: TIMEOUT_MS,
  });
});
afterEach(async () => {
  await server.close();
  tmp.remove();
});

const post = (path: string, body: unknown) =>
  fetch(`${server.url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });

/** Milliseconds `fn` takes. */
async function timed(fn: () => Promise<unknown>): Promise<number> {
  const t0 = performance.now();
  await fn();
  return performance.now() - t0;
}

const health = () => fetch(`${server.url}/api/health`).then((r) => r.json());

/** Sends `n` runaway queries at once; each resolves to [status, seconds after the start]. */
function flood(n: number): Promise<[number, number][]> {
  const t0 = performance.now();
  return Promise.all(
    Array.from({ length: n }, async () => {
      const res = await post('/api/query', { sql: RUNAWAY });
      await res.text();
      return [res.status, performance.now() - t0] as [number, number];
    }),
  );
}

describe('runaway queries at once', () => {
  it('answers each by its deadline, refuses the surplus, and keeps health and writes answering', async () => {
    // The machine's own pace: health and a small write, idle, at their slowest of five.
    let idle = 0;
    for (let i = 0; i < 5; i++) {
      idle = Math.max(
        idle,
        await timed(health),
        await timed(() => post('/api/runs', metricsFile(`idle${i}`, 3))),
      );
    }
    const admitted = DEFAULT_QUERY_MAX_RUNNING + DEFAULT_QUERY_MAX_WAITING;
    const answers = flood(admitted + 2);
    await new Promise((r) => setTimeout(r, 500));
    // Budget: 1 s for other threads on a loaded machine, plus 20 times the idle figure. Before the
    // gate, health and writes waited for the queries' whole time limit (4 s here).
    const busy = Math.max(await timed(health), await timed(() => post('/api/runs', metricsFile('busy', 3))));
    expect(busy).toBeLessThan(1000 + 20 * idle);

    const settled = await answers;
    const statuses = settled.map(([status]) => status).sort();
    expect(statuses).toEqual([...Array(admitted).fill(408), 429, 429]);
    // Deadline plus the grace before the answer, plus 2 s for timers late on a loaded machine.
    // Before the gate, queries beyond the libuv workers ran one time limit after another.
    const latest = Math.max(...settled.map(([, ms]) => ms));
    expect(latest).toBeLessThan(TIMEOUT_MS + DEFAULT_QUERY_GRACE_MS + 2000);
    // Refusals come at once, not at the deadline.
    const refused = settled.filter(([status]) => status === 429).map(([, ms]) => ms);
    expect(Math.max(...refused)).toBeLessThan(TIMEOUT_MS);

    const after = await post('/api/query', { sql: 'SELECT 42 AS x' });
    expect(((await after.json()) as { rows: unknown[][] }).rows).toEqual([[42]]);
  });

  it('shuts down within seconds while queries run', async () => {
    const answers = flood(DEFAULT_QUERY_MAX_RUNNING + DEFAULT_QUERY_MAX_WAITING).catch(() => []);
    await new Promise((r) => setTimeout(r, 500));
    // Budget: the grace before a stopped query is answered, plus 2 s for a loaded machine; before,
    // close waited for every query's time limit in turn.
    expect(await timed(() => server.close())).toBeLessThan(DEFAULT_QUERY_GRACE_MS + 2000);
    const statuses = (await answers).map(([status]) => status);
    expect(
      statuses.every((s) => s === 408 || s === 503),
      String(statuses),
    ).toBe(true);
  });
});
