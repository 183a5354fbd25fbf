import net from 'node:net';
import { afterAll, describe, expect, it } from 'vitest';
import { sleep, tempDir } from '../test/support/ground-truth.js';
import { LiveServer } from '../test/support/live-server.js';
import { LLMMonitor } from './monitor.js';

const server = new LiveServer();
afterAll(() => server.stop());

async function until(condition: () => boolean, ms = 10_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('timed out waiting');
    await sleep(20);
  }
}

describe('live push', () => {
  it('delivers every operation and sample across a server restart, with the bearer token', async () => {
    await server.start();
    const m = new LLMMonitor({
      outputDir: tempDir(),
      sampler: 'js',
      serverUrl: server.url,
      serverToken: 'secret-token',
      pushIntervalMs: 50,
      thresholds: { text_length: 2 },
      logAlerts: false,
    });
    const op = (i: number) => m.trackOperation('m', 'inference', i, () => sleep(20));
    await sleep(150); // timer ticks with nothing queued must not stall later sends
    for (let i = 0; i < 3; i++) await op(i);
    await until(() => server.operations.size === 3);

    await server.stop();
    for (let i = 3; i < 6; i++) await op(i); // the server is down: kept, retried
    await sleep(300);
    expect(m.pushBacklog!.operations).toBe(3);
    await server.start(); // same port
    await op(6);
    await m.close();

    expect(m.pushBacklog).toEqual({ operations: 0, samples: 0 });
    expect([...server.operations.values()].map((r) => r.seq).sort((a, b) => a! - b!)).toEqual([
      0, 1, 2, 3, 4, 5, 6,
    ]);
    expect([...server.operations.values()].every((r) => r.run_id === m.runId)).toBe(true);
    expect(server.alerts).toBe(1); // text_length 3 > 2 fires it; 4, 5, 6 stay above
    const samples = m.toMetricsFile().samples;
    expect(samples.length).toBeGreaterThan(0);
    expect(server.samples.size).toBe(samples.length);
    expect([...server.authorizations]).toEqual(['Bearer secret-token']);
  });

  it('registers the run with the server at once, before any operation or push interval', async () => {
    if (!server.port) await server.start();
    const m = new LLMMonitor({
      outputDir: tempDir(),
      sampler: 'js',
      serverUrl: server.url,
      pushIntervalMs: 600_000, // no timer tick within this test
      logAlerts: false,
    });
    // The live view links to the run as the program starts: the server must have it by then.
    await until(() => server.runs.has(m.runId), 5_000);
    expect([...server.operations.values()].filter((r) => r.run_id === m.runId)).toHaveLength(0);
    await m.trackOperation('m', 'inference', 1, () => sleep(5));
    await m.close(); // close flushes the rest
    expect([...server.operations.values()].filter((r) => r.run_id === m.runId)).toHaveLength(1);
  });

  it('never blocks the caller, even on a server that never answers, and says what was not delivered', async () => {
    // A server that accepts connections and never replies: a caller that waited on the push
    // would hang until the request timeout (10 s).
    const sockets = new Set<net.Socket>();
    const blackHole = net.createServer((s) => sockets.add(s));
    await new Promise<void>((resolve) => blackHole.listen(0, '127.0.0.1', resolve));
    const m = new LLMMonitor({
      outputDir: tempDir(),
      sampler: 'js',
      serverUrl: `http://127.0.0.1:${(blackHole.address() as net.AddressInfo).port}`,
      pushIntervalMs: 20,
    });
    const started = Date.now();
    for (let i = 0; i < 5; i++) {
      await m.trackOperation('m', 'inference', 0, () => 1);
      await sleep(30); // let the push timer fire and a request hang
    }
    expect(Date.now() - started).toBeLessThan(3000);
    expect(sockets.size).toBeGreaterThan(0); // a push is hanging right now
    const flushStarted = Date.now();
    expect((await m.flush(300)).operations).toBe(5);
    await m.close(100);
    expect(Date.now() - flushStarted).toBeLessThan(3000);
    expect(m.pushBacklog!.operations).toBe(5);
    for (const s of sockets) s.destroy();
    await new Promise((resolve) => blackHole.close(resolve));
  });

  it('rejects a server URL that is not a URL', () => {
    expect(() => new LLMMonitor({ sampler: 'js', journal: false, serverUrl: 'localhost:8787' })).toThrow(
      /serverUrl: not an http\(s\) URL: "localhost:8787"/,
    );
  });
});
