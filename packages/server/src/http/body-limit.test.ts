import { join } from 'node:path';
import { metricsFile, tempDir } from '@llmmon/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningServer, startServer } from './server.js';

let tmp: ReturnType<typeof tempDir>;
let server: RunningServer;
const LIMIT = 4096;

beforeAll(async () => {
  tmp = tempDir();
  server = await startServer({
    db: join(tmp.dir, 'limit.duckdb'),
    port: 0,
    dashboardDir: null,
    bodyLimit: LIMIT,
  });
});
afterAll(async () => {
  await server.close();
  tmp.remove();
});

/** Posts `text` with a Content-Length, or chunked (a stream body: no length given up front). */
const post = (text: string, chunked: boolean) =>
  fetch(`${server.url}/api/runs`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    ...(chunked
      ? {
          body: new ReadableStream({
            start(controller) {
              const bytes = Buffer.from(text);
              for (let i = 0; i < bytes.length; i += 1000) controller.enqueue(bytes.subarray(i, i + 1000));
              controller.close();
            },
          }),
          duplex: 'half',
        }
      : { body: text }),
  } as RequestInit);

describe('the body limit on a listening server', () => {
  const small = JSON.stringify(metricsFile('small', 1));
  const big = JSON.stringify(metricsFile('big', 40));

  it.each([false, true])('takes a body under the limit (chunked: %s)', async (chunked) => {
    expect(small.length).toBeLessThan(LIMIT);
    const res = await post(small, chunked);
    expect(res.status).toBeLessThan(300);
    await res.arrayBuffer();
  });

  it.each([false, true])('refuses one over it with 413 and stores nothing (chunked: %s)', async (chunked) => {
    expect(big.length).toBeGreaterThan(LIMIT);
    const res = await post(big, chunked);
    expect(res.status).toBe(413);
    expect(((await res.json()) as { error: string }).error).toMatch(/^body: larger than the server's limit/);
    expect((await server.store.counts()).runs).toBe(1);
  });
});
