/**
 * The JS sampler's idle sampling: its timer runs at the idle interval while no window is open and
 * at the tick interval while one is. Tick counts are bounded from above whatever the load (a
 * timer can only be late), and the fast rate from below by what the idle timer could give at most.
 */
import { describe, expect, it } from 'vitest';
import { JsSampler } from './js.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const now = () => performance.now();

describe('JS sampler: idle sampling', () => {
  it('ticks at the idle interval with no window open, at the tick interval while one is', async () => {
    const sampler = new JsSampler(10, 200);
    try {
      expect(sampler.info.idle_interval_ms).toBe(200);
      const t0 = now();
      await sleep(1000);
      const idle = sampler.drainTimeline();
      // At most one tick per 200 ms (a 10 ms timer would give ~100).
      expect(idle.length).toBeLessThanOrEqual(Math.floor((now() - t0) / 200) + 1);
      expect(idle.every((p) => p.tick_interval_ms === 200)).toBe(true);

      const id = sampler.openWindow();
      const opened = now();
      await sleep(300);
      const stats = sampler.closeWindow(id);
      const inside = sampler.drainTimeline();
      // The idle timer could tick at most twice in 300 ms; the 10 ms one ~30 times.
      expect(stats.sample_count).toBeGreaterThan(Math.floor((now() - opened) / 200) + 1);
      // The first point may close a stretch that began idle; the rest were sampled at 10 ms.
      expect(inside.slice(1).every((p) => p.tick_interval_ms === 10)).toBe(true);
      expect(inside.length).toBeGreaterThan(2);

      // Back to idle: one more fast tick finds no window, then 200 ms ticks.
      await sleep(50);
      sampler.drainTimeline();
      const t1 = now();
      await sleep(1000);
      expect(sampler.drainTimeline().length).toBeLessThanOrEqual(Math.floor((now() - t1) / 200) + 1);
    } finally {
      sampler.stop();
    }
  });

  it('an idle interval no longer than the tick turns idle sampling off', async () => {
    const sampler = new JsSampler(10, 10);
    try {
      expect(sampler.info.idle_interval_ms).toBeNull();
      await sleep(200);
      const points = sampler.drainTimeline();
      expect(points.length).toBeGreaterThan(200 / 200 + 1);
      expect(points.every((p) => p.tick_interval_ms === 10)).toBe(true);
    } finally {
      sampler.stop();
    }
  });

  it('rejects an idle interval that is not a positive number', () => {
    expect(() => new JsSampler(10, 0)).toThrow('sampler idle interval must be > 0 ms, got 0');
  });
});
