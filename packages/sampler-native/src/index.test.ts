import { describe, expect, it } from 'vitest';
import { sleep, testing } from '../test/helpers.js';
import { now, nowNs, Sampler, threadId } from './index.js';

describe('clock', () => {
  it('nowNs() lies between two process.hrtime.bigint() readings (the same clock)', () => {
    for (let i = 0; i < 1000; i++) {
      const before = process.hrtime.bigint();
      const t = nowNs();
      const after = process.hrtime.bigint();
      expect(t).toBeGreaterThanOrEqual(before);
      expect(t).toBeLessThanOrEqual(after);
    }
  });

  it('now() is nowNs() in seconds', () => {
    const a = Number(process.hrtime.bigint()) / 1e9;
    const t = now();
    const b = Number(process.hrtime.bigint()) / 1e9;
    expect(t).toBeGreaterThanOrEqual(a - 1e-6);
    expect(t).toBeLessThanOrEqual(b + 1e-6);
  });

  it("a window's wall time matches process.hrtime across it", async () => {
    const sampler = new Sampler().start();
    const t0 = process.hrtime.bigint();
    const id = sampler.openWindow();
    await sleep(120);
    const stats = sampler.closeWindow(id);
    const wall = Number(process.hrtime.bigint() - t0) / 1e9;
    sampler.stop();
    expect(stats.wall_seconds).toBeLessThanOrEqual(wall);
    expect(wall - stats.wall_seconds).toBeLessThan(0.005);
  });
});

describe('threadId()', () => {
  it('is the kernel tid of the calling thread: the pid on the main thread (Linux)', () => {
    if (process.platform === 'linux') expect(threadId()).toBe(process.pid);
    expect(Number.isInteger(threadId())).toBe(true);
  });

  it('names the thread that windows attribute CPU to', () => {
    const sampler = new Sampler();
    const id = sampler.openWindow();
    testing.burnCpu(30);
    const stats = sampler.closeWindow(id);
    expect(stats.threads[0]?.tid).toBe(threadId());
  });
});
