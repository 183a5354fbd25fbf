import { readlinkSync } from 'node:fs';
import { Worker } from 'node:worker_threads';
import { afterAll, describe, expect, it } from 'vitest';
import { rssBytes, threadCpuSeconds, threadIds } from './truth.js';
import { testingAddonPath } from './workloads.js';

// A worker that reports its kernel tid, then burns the CPU time it is asked for (by its own
// thread CPU clock, in the test addon) and reports what it used.
const source = `
const { parentPort } = require('node:worker_threads');
const { readlinkSync } = require('node:fs');
const addon = require(${JSON.stringify(testingAddonPath())});
parentPort.postMessage({ tid: Number(readlinkSync('/proc/thread-self').split('/').pop()) });
parentPort.on('message', (ms) => parentPort.postMessage({ used: addon.burnCpu(ms) }));
`;

describe('threadCpuSeconds (schedstat)', () => {
  const worker = new Worker(source, { eval: true });
  const next = () =>
    new Promise<{ tid?: number; used?: number }>((resolve) => worker.once('message', resolve));
  afterAll(() => worker.terminate());

  it('matches the CPU time a thread measured on its own clock (read while it waits)', async () => {
    const { tid } = await next();
    expect(threadIds()).toContain(tid);
    /** schedstat's delta over one request to burn `ms`, and what the worker's clock says it used. */
    const round = async (ms: number) => {
      const before = threadCpuSeconds(tid!);
      const done = next();
      worker.postMessage(ms);
      const { used } = await done;
      return { delta: threadCpuSeconds(tid!) - before, used: used! };
    };
    // The delta also holds the worker's message handling (and, on a loaded machine, its GC and
    // compiler work): measured on a request to burn nothing, after one to warm the path up.
    await round(0);
    const idle = await round(0);
    const { delta, used } = await round(200);
    expect(used).toBeGreaterThanOrEqual(0.2);
    expect(Math.abs(delta - used)).toBeLessThan(0.002 + 3 * idle.delta);
  });

  it('reads the calling thread too, and fails loudly on a thread that does not exist', () => {
    const me = Number(readlinkSync('/proc/thread-self').split('/').pop());
    expect(threadCpuSeconds(me)).toBeGreaterThan(0);
    expect(() => threadCpuSeconds(2 ** 30)).toThrow();
  });
});

describe('rssBytes', () => {
  it('grows by the bytes written into a new buffer', () => {
    const before = rssBytes();
    const buf = Buffer.allocUnsafeSlow(64 * 1024 * 1024).fill(1);
    const grew = rssBytes() - before;
    expect(buf.length).toBe(64 * 1024 * 1024);
    expect(grew).toBeGreaterThan(0.9 * 64 * 1024 * 1024);
    expect(grew).toBeLessThan(1.5 * 64 * 1024 * 1024);
  });
});
