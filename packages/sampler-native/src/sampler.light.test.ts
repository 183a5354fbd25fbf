/**
 * Light windows (`openWindow({ light: true })`): the process CPU clock and RSS only, checked
 * against the same ground truths as full windows (a thread that burns a known CPU time, a
 * buffer of known size held while the event loop is blocked, getrusage around the window).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { highWaterBytes, MiB, spikeCatches, spikeWindows, testing } from '../test/helpers.js';
import { Sampler } from './index.js';

const cpuSeconds = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
};
/** The process CPU clock's lag at one end: one scheduler tick (at most 10 ms, HZ >= 100) per busy thread. */
const LAG_SECONDS = 0.01;

describe('light windows', () => {
  const sampler = new Sampler({ intervalMs: 1, threadIntervalMs: 1 });
  beforeAll(() => {
    sampler.start();
  });
  afterAll(() => {
    sampler.stop();
  });

  it("report the process's CPU time of a known burn, and nothing per thread", () => {
    const from = cpuSeconds();
    const id = sampler.openWindow({ light: true });
    const group = new testing.BurnerGroup(1, 300);
    const [burner] = group.wait();
    const stats = sampler.closeWindow(id);
    const truth = cpuSeconds() - from;
    group.release();

    // The burner ran on another CPU than this thread: the clock may lag by a tick at each end.
    expect(stats.cpu_seconds).toBeGreaterThanOrEqual(burner!.cpu_seconds - 2 * LAG_SECONDS);
    expect(stats.cpu_seconds).toBeLessThanOrEqual(truth + 2 * LAG_SECONDS);
    expect(stats.threads).toEqual([]);
    expect(stats.targets).toEqual([]);
    expect(stats.gpu).toBeNull();
    expect(stats.energy).toEqual([]);
    expect(stats.avg_cpu_percent).toBeCloseTo((100 * stats.cpu_seconds) / stats.wall_seconds, 6);
    expect(stats.peak_cpu_percent).toBeGreaterThanOrEqual(stats.avg_cpu_percent);
    // One busy thread (plus the sampler): the sampling thread's exact 1 ms slices stay near a core.
    expect(stats.peak_cpu_percent).toBeLessThanOrEqual(200);
  });

  it('catch a 20 ms memory spike inside them as full windows do', () => {
    testing.spikeRss(512 * MiB, 1); // lifts the high-water mark above every spike below
    const hwm = highWaterBytes();
    const results = spikeWindows(sampler, 10, { light: true });
    const batch = sampler.timeline();
    expect(highWaterBytes()).toBe(hwm);
    const { sampled, misses } = spikeCatches(results, batch.t);
    expect(misses).toEqual([]);
    expect(sampled).toBeGreaterThanOrEqual(8);
  });

  it('cost the caller less than full windows (no thread clocks)', () => {
    const n = 2000;
    const median = (light: boolean) => {
      const times: number[] = [];
      for (let i = 0; i < n; i++) {
        const t0 = process.hrtime.bigint();
        sampler.closeWindow(sampler.openWindow({ light }));
        times.push(Number(process.hrtime.bigint() - t0) / 1000);
      }
      return times.sort((a, b) => a - b)[n >> 1]!;
    };
    const full = [median(false), median(false)];
    const light = [median(true), median(true)];
    console.info(
      `open + close p50: full ${full.map((x) => x.toFixed(1))} µs, light ${light.map((x) => x.toFixed(1))} µs`,
    );
    expect(Math.min(...light)).toBeLessThan(Math.min(...full));
  });

  it('reject a light option that is not a boolean', () => {
    expect(() => sampler.openWindow({ light: 'yes' as unknown as boolean })).toThrow(
      'openWindow: light must be a boolean, got string',
    );
  });
});
