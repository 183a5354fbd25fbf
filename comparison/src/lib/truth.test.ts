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
    const before = threadCpuSeconds(tid!);
    const done = next();
    worker.postMessage(200);
    const { used } = await done;
    const delta = threadCpuSeconds(tid!) - before;
    expect(used).toBeGreaterThanOrEqual(0.2);
    // The delta also holds the worker's message handling: well under a millisecond.
    expect(Math.abs(delta - used!)).toBeLessThan(0.005);
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
