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
    expect(server.alerts).toBe(4); // text_length 3, 4, 5, 6 > 2
    const samples = m.toMetricsFile().samples;
    expect(samples.length).toBeGreaterThan(0);
    expect(server.samples.size).toBe(samples.length);
    expect([...server.authorizations]).toEqual(['Bearer secret-token']);
  });

  it('never blocks the caller while the server is unreachable, and says what was not delivered', async () => {
    await server.stop();
    const m = new LLMMonitor({
      outputDir: tempDir(),
      sampler: 'js',
      serverUrl: server.url, // nothing listens there now
      pushIntervalMs: 20,
    });
    const started = Date.now();
    for (let i = 0; i < 5; i++) await m.trackOperation('m', 'inference', 0, () => 1);
    expect(Date.now() - started).toBeLessThan(500);
    const left = await m.flush(300);
    expect(left.operations).toBe(5);
    await m.close(100);
    expect(m.pushBacklog!.operations).toBe(5);
  });

  it('rejects a server URL that is not a URL', () => {
    expect(() => new LLMMonitor({ sampler: 'js', journal: false, serverUrl: 'localhost:8787' })).toThrow(
      /serverUrl: not an http\(s\) URL: "localhost:8787"/,
    );
  });
});
