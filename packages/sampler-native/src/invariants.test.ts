/**
 * Invariants of the CPU figures that must hold whatever the process does (threads that start and
 * exit while `/proc/self/task` is listed, a blocked event loop, timeline drains, a sampling thread
 * preempted mid-reading on a busy machine), checked against the kernel's own accounting
 * (getrusage, through process.cpuUsage) rather than the sampler:
 *  - no timeline sample and no window's peak exceeds the machine's cores by more than the
 *    uncertainty of the readings' timestamps;
 *  - the timeline integrates to the process CPU time over the same span;
 *  - a window's cpu_seconds is the process CPU time over the window.
 */
import { availableParallelism } from 'node:os';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sleep, testing } from '../test/helpers.js';
import { now, Sampler } from './index.js';
import type { TimelineBatch } from './types.js';

const cores = availableParallelism();
const cpuSeconds = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
};
/**
 * The most a reading counted as one instant may have taken (window.h: 250 us + 3 us per thread).
 * Each end of an interval understates the process's CPU by at most what the running threads (at
 * most the cores) did during that long, and the exited threads' time may overstate by as much.
 */
const spreadSeconds = (threads: number) => 250e-6 + 3e-6 * threads;
const maxPercent = (intervalSeconds: number, threads: number) =>
  cores * 100 * (1 + (2 * spreadSeconds(threads)) / intervalSeconds);

// Two busy threads beside bursts of 12 short-lived workers (staggered, so earlier ones exit while
// later ones run): threads exit during listings, and the sampling thread is often preempted.
const churn = () => testing.churnThreads(2, 150, 12, 0.5);

describe('CPU invariants under thread churn on a busy machine', () => {
  const sampler = new Sampler({ threadIntervalMs: 10 });
  beforeAll(() => {
    sampler.start();
  });
  afterAll(() => {
    sampler.stop();
  });

  it('timeline samples stay within the machine and integrate to the process CPU time', async () => {
    await sleep(30);
    sampler.timeline();
    // The samples counted lie inside the getrusage span: its readings come first and last.
    const fromCpu = cpuSeconds();
    const fromT = now();
    await sleep(25); // readings inside the span before the churn starts
    const batches: TimelineBatch[] = [];
    let burned = 0;
    for (let round = 0; round < 4; round++) {
      burned += churn().cpu_seconds;
      await sleep(5);
      batches.push(sampler.timeline()); // drains mid-span change nothing
    }
    await sleep(25);
    const toT = now();
    const toCpu = cpuSeconds();
    batches.push(sampler.timeline());

    // A sample's CPU covers the time since the previous sample whose CPU is known.
    let prevT: number | null = null;
    let integral = 0;
    let known = 0;
    let unknown = 0;
    let worst = 0; // highest sample as a fraction of its bound
    let peak = 0;
    for (const b of batches) {
      for (let i = 0; i < b.length; i++) {
        const pct = b.cpu_percent[i]!;
        if (b.t[i]! < fromT || b.t[i]! > toT) continue;
        if (Number.isNaN(pct)) {
          unknown++;
          continue;
        }
        const t = b.t[i]!;
        if (prevT !== null) {
          integral += (pct / 100) * (t - prevT);
          worst = Math.max(worst, pct / maxPercent(t - prevT, b.thread_count[i]!));
          peak = Math.max(peak, pct);
        }
        prevT = t;
        known++;
      }
    }
    const truth = toCpu - fromCpu;
    console.info(
      `churn: ${known} samples (${unknown} preempted), peak ${peak.toFixed(1)} % on ${cores} cores, timeline ${integral.toFixed(3)} s, getrusage ${truth.toFixed(3)} s, burned ${burned.toFixed(3)} s`,
    );
    // Readings preempted midway carry no figure (more of them the busier the machine); the ones
    // that do cover the whole span between them.
    expect(known).toBeGreaterThanOrEqual(10);
    expect(worst).toBeLessThanOrEqual(1);
    expect(integral).toBeGreaterThanOrEqual(burned);
    // getrusage brackets the timeline's span (the first and last samples lie inside it): the
    // timeline may be lower by the CPU of the edges, and higher only by a reading's spread.
    expect(integral).toBeLessThanOrEqual(truth + cores * spreadSeconds(64));
    expect(integral).toBeGreaterThan(truth * 0.95);
  });

  it("a window's cpu_seconds is the process CPU time over it, and its peak stays within the machine", () => {
    for (let round = 0; round < 4; round++) {
      const from = cpuSeconds();
      const id = sampler.openWindow();
      const work = churn();
      const stats = sampler.closeWindow(id);
      const truth = cpuSeconds() - from;
      expect(stats.cpu_seconds).toBeGreaterThanOrEqual(work.cpu_seconds);
      // getrusage brackets the window: it may only be larger, by the open/close work.
      expect(stats.cpu_seconds).toBeLessThanOrEqual(truth + cores * spreadSeconds(64));
      const threads = stats.threads.reduce((s, t) => s + t.cpu_seconds, 0);
      expect(threads).toBeCloseTo(stats.cpu_seconds, 6);
      // Slices are at least 9 ms long.
      expect(stats.peak_cpu_percent).toBeLessThanOrEqual(maxPercent(0.009, 64));
    }
  });
});
