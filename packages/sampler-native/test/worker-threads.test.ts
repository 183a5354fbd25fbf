import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { afterEach, describe, expect, it } from 'vitest';
import { Sampler, threadId } from '../src/index.js';
import { PRODUCT_ADDON as ADDON, requireDist, samplingThreads, TESTING_ADDON, until } from './helpers.js';

const linux = process.platform === 'linux';
const FIXTURE = fileURLToPath(new URL('./fixtures/worker.mjs', import.meta.url));

interface Reply {
  ok: boolean;
  error?: string;
  [key: string]: unknown;
}

class TestWorker {
  readonly worker = new Worker(FIXTURE, {
    workerData: { dist: requireDist(), addon: ADDON, testingAddon: TESTING_ADDON },
  });

  ask<T>(cmd: string, args: Record<string, unknown> = {}): Promise<T> {
    return new Promise((resolve, reject) => {
      this.worker.once('message', (reply: Reply) =>
        reply.ok ? resolve(reply as T) : reject(new Error(reply.error)),
      );
      this.worker.once('error', reject);
      this.worker.postMessage({ cmd, ...args });
    });
  }
}

const workers: TestWorker[] = [];
function spawn(): TestWorker {
  const w = new TestWorker();
  workers.push(w);
  return w;
}
afterEach(async () => {
  await Promise.all(workers.splice(0).map((w) => w.worker.terminate()));
});

describe('worker threads', () => {
  it('loads in a worker and measures the worker’s own thread there, while the main thread samples too', async () => {
    const main = new Sampler().start();
    const mainWindow = main.openWindow();
    const w = spawn();
    const { tid, burned, stats } = await w.ask<{
      tid: number;
      burned: number;
      stats: { threads: { tid: number | null; cpu_seconds: number }[]; sample_count: number };
    }>('sample', { ms: 150 });
    const mainStats = main.closeWindow(mainWindow);
    main.stop();

    expect(tid).not.toBe(threadId());
    const own = stats.threads.find((t) => t.tid === tid);
    expect(own?.cpu_seconds).toBeGreaterThanOrEqual(burned - 0.001);
    expect(own?.cpu_seconds).toBeLessThanOrEqual(burned + 0.05);
    expect(stats.sample_count).toBeGreaterThan(50);
    // The main thread's sampler saw the worker's CPU too, as long as the worker lives.
    expect(mainStats.threads.find((t) => t.tid === tid)?.cpu_seconds).toBeGreaterThanOrEqual(burned);
  });

  it('attributes a known CPU time burned in a worker to the worker’s tid', async () => {
    const sampler = new Sampler().start();
    const w = spawn();
    const { tid } = await w.ask<{ tid: number }>('tid');
    const id = sampler.openWindow();
    const { cpu_seconds: burned } = await w.ask<{ cpu_seconds: number }>('burn', { ms: 300 });
    const stats = sampler.closeWindow(id); // the worker is still alive
    sampler.stop();

    const share = stats.threads.find((t) => t.tid === tid);
    expect(burned).toBeGreaterThanOrEqual(0.3);
    expect(share?.cpu_seconds).toBeGreaterThanOrEqual(burned - 0.001);
    expect(share?.cpu_seconds).toBeLessThanOrEqual(burned + 0.03); // + the worker's message handling
  });

  it.runIf(linux).each([
    ['the bare addon (env cleanup hook)', true],
    ['the wrapper', false],
  ])('terminating a worker whose sampler runs (%s) stops its sampling thread', async (_name, bare) => {
    const before = samplingThreads();
    const ws = [spawn(), spawn(), spawn()];
    await Promise.all(ws.map((w) => w.ask('leaveRunning', { bare, intervalMs: 0.5 })));
    expect(await until(() => samplingThreads() === before + 3)).toBe(true);
    await Promise.all(ws.map((w) => w.worker.terminate()));
    expect(await until(() => samplingThreads() === before, 2000)).toBe(true);
  });
});
