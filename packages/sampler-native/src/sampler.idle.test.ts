/**
 * Idle sampling (`idleIntervalMs`): with no window open the sampling thread ticks at the idle
 * interval; a window opening wakes it at once and the fast ticks run until the last one closes.
 * Counts of ticks are bounded from above whatever the load (a thread can only be late, and
 * deadlines it skips are counted in `missed_ticks`); the cost is bounded by the fast rate's cost
 * measured in the same test.
 */
import { describe, expect, it } from 'vitest';
import { MiB, sleep, spikeCatches, spikeWindows, testing } from '../test/helpers.js';
import { Sampler } from './index.js';

const hrSeconds = () => Number(process.hrtime.bigint()) / 1e9;

describe('idle sampling', () => {
  it('ticks at the idle interval with no window open, at the fast one while a window is open', async () => {
    const sampler = new Sampler({ intervalMs: 1, idleIntervalMs: 100 }).start();
    try {
      await sleep(50);
      sampler.timeline();
      const d0 = sampler.diagnostics();
      const t0 = hrSeconds();
      await sleep(1000);
      const d1 = sampler.diagnostics();
      const idleWall = hrSeconds() - t0;
      const idle = sampler.timeline();

      // Idle: at most one tick per 100 ms (plus the one under way at each end).
      const idleTicks = d1.ticks - d0.ticks;
      expect(idleTicks).toBeLessThanOrEqual(Math.floor(idleWall / 0.1) + 2);
      expect(idleTicks + d1.missed_ticks - d0.missed_ticks).toBeGreaterThanOrEqual(3);
      expect(d1.idle_ticks - d0.idle_ticks).toBe(idleTicks);
      expect(idle.length).toBeGreaterThanOrEqual(1);
      expect([...idle.tick_interval_ms].every((v) => v === 100)).toBe(true);

      // A window opens: the thread wakes at once and ticks every 1 ms until it closes.
      const opened = hrSeconds();
      const id = sampler.openWindow();
      const d2 = sampler.diagnostics();
      await sleep(300);
      const d3 = sampler.diagnostics();
      const stats = sampler.closeWindow(id);
      const fastWall = hrSeconds() - opened;
      const fast = sampler.timeline();
      const fastTicks = d3.ticks - d2.ticks;
      // Every 1 ms deadline of the window is either a tick or a counted miss (but those of a
      // starvation still under way when d3 is read: allow it half the window).
      expect(fastTicks + d3.missed_ticks - d2.missed_ticks).toBeGreaterThanOrEqual(0.5 * 300);
      expect(fastTicks).toBeLessThanOrEqual(fastWall * 1000 + 2);
      expect(d3.idle_ticks).toBe(d2.idle_ticks);
      expect(stats.sample_count).toBeGreaterThanOrEqual(fastTicks);
      // The sample that covers the open says the stretch before it was idle (so may the next one,
      // when the window opened during an idle tick); those later in the window, 1 ms.
      const after = [...fast.t].map((t, i) => ({ t, interval: fast.tick_interval_ms[i]! }));
      const inside = after.filter((s) => s.t > opened);
      expect(inside.length).toBeGreaterThanOrEqual(2);
      expect(inside[0]!.interval).toBe(100);
      const settled = inside.filter((s) => s.t > opened + 0.05 && s.t < opened + 0.29);
      expect(settled.length).toBeGreaterThanOrEqual(1);
      expect(settled.every((s) => s.interval === 1)).toBe(true);

      // Back to idle after the close.
      const d4 = sampler.diagnostics();
      const t4 = hrSeconds();
      await sleep(400);
      const d5 = sampler.diagnostics();
      expect(d5.ticks - d4.ticks).toBeLessThanOrEqual(Math.floor((hrSeconds() - t4) / 0.1) + 2);

      // Cost: the sampling thread's CPU per second idle, against the same thread's per second at
      // the fast rate measured just above (7-15x apart on the loaded test VM: an idle tick costs
      // several fast ones, its caches are cold; bound at 1/3).
      const idleCost = (d1.thread_cpu_seconds - d0.thread_cpu_seconds) / idleWall;
      // (Per 1 ms tick that ran, times 1000: on a loaded machine some deadlines are skipped,
      // which lowers the fast rate's CPU per second but not what a tick costs.)
      const fastCost = ((d3.thread_cpu_seconds - d2.thread_cpu_seconds) / fastTicks) * 1000;
      console.info(
        `idle sampling: ${idleTicks} ticks/${idleWall.toFixed(2)} s, sampler ${(idleCost * 100).toFixed(3)} % of a core idle vs ${(fastCost * 100).toFixed(3)} % at 1 ms`,
      );
      expect(idleCost).toBeLessThanOrEqual(fastCost / 3);
    } finally {
      sampler.stop();
    }
  });

  it('a window opened during an idle sleep catches a 20 ms spike inside it, as at the fast rate', () => {
    // As the 20 ms spike test in sampler.memory.test.ts, but each window opens while the
    // sampler sleeps idle (150 ms after the previous one closed): idle ticks (100 ms) would miss
    // most spikes; the window's ticks, woken at open, must catch each one they overlap.
    const fine = new Sampler({ intervalMs: 1, threadIntervalMs: 1, idleIntervalMs: 100 }).start();
    try {
      testing.spikeRss(512 * MiB, 1); // lifts the high-water mark above every spike below
      const spikes = 10;
      const results = spikeWindows(fine, spikes, { pauseMs: 150 });
      const batch = fine.timeline();
      const { sampled, misses } = spikeCatches(results, batch.t);
      expect(misses).toEqual([]);
      console.info(`20 ms spikes in windows opened from idle, with ticks inside them: ${sampled}/${spikes}`);
      expect(sampled).toBeGreaterThanOrEqual(spikes * 0.8);
    } finally {
      fine.stop();
    }
  });

  it('stop() returns promptly from an idle sleep', async () => {
    const sampler = new Sampler({ intervalMs: 1, idleIntervalMs: 1000 }).start();
    await sleep(50);
    const t = hrSeconds();
    sampler.stop();
    expect(hrSeconds() - t).toBeLessThan(0.5);
    expect(sampler.running).toBe(false);
  });
});
