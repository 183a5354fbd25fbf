/**
 * The comparators measure what they claim: each is run against a known workload (a CPU burn of
 * known length, an RSS spike of known size) and judged by `lib/estimate.ts` against the process's
 * own exact counters. Tolerances are wide (a loaded 2-core machine); what they catch is a
 * comparator that reads nothing, the wrong process, or the wrong unit.
 */
import { Worker } from 'node:worker_threads';
import { describe, expect, it } from 'vitest';
import { now, processCpuSeconds, sleep } from '../lib/clock.js';
import { cpuPercentOverWindow, instant, peakInWindow, threadCpuPercentOverWindow } from '../lib/estimate.js';
import { median } from '../lib/stats.js';
import { rssBytes } from '../lib/truth.js';
import { testingAddonPath, workloads } from '../lib/workloads.js';
import { JsTimerPoller } from './js-timer.js';
import { PidusagePoller } from './pidusage.js';
import { PsutilPoller } from './psutil.js';
import { SystemInformationPoller } from './systeminformation.js';

const MiB = 1024 * 1024;

describe('psutil from outside', () => {
  it('sees a CPU burn on the main thread (process and per thread) and an RSS spike, while the event loop is blocked', async () => {
    const addon = workloads();
    const poller = new PsutilPoller(10, ['rss', 'cpu', 'threads']);
    await poller.start();
    await sleep(100);
    const cpu0 = processCpuSeconds();
    const a = now();
    addon.burnCpu(300);
    const b = now();
    const truth = (100 * (processCpuSeconds() - cpu0)) / (b - a);
    await sleep(50);
    const baseline = rssBytes();
    const s0 = now();
    addon.spikeRss(128 * MiB, 200);
    const s1 = now();
    await sleep(50);
    const trace = await poller.stop();

    expect(trace.own_cpu_seconds).toBeGreaterThan(0);
    expect(trace.samples.length / trace.wall_seconds).toBeGreaterThan(30); // asked 100/s
    expect(cpuPercentOverWindow(trace.samples, a, b)).toBeGreaterThan(truth - 20);
    expect(cpuPercentOverWindow(trace.samples, a, b)).toBeLessThan(truth + 20);
    // The main thread's tid is the pid.
    const mainThread = threadCpuPercentOverWindow(trace.samples, a, b, [process.pid]);
    expect(mainThread).toBeGreaterThan(truth - 25);
    expect(mainThread).toBeLessThan(truth + 20);
    expect(peakInWindow(trace.samples, s0, s1)).toBeGreaterThan(baseline + 0.9 * 128 * MiB);
  });
});

describe('JS timer', () => {
  it('reads while the event loop is free and is blind while it is blocked', async () => {
    const addon = workloads();
    const poller = new JsTimerPoller(10);
    await poller.start();
    await sleep(300);
    const baseline = rssBytes();
    const a = now();
    addon.spikeRss(128 * MiB, 100);
    const b = now();
    await sleep(50);
    const trace = await poller.stop();
    expect(trace.samples.length).toBeGreaterThan(10);
    const peak = peakInWindow(trace.samples, a, b);
    // No timer runs inside the blocking call: no reading, or only the last one before it.
    expect(peak === null || peak < baseline + 0.5 * 128 * MiB).toBe(true);
  });
});

describe('pidusage and systeminformation', () => {
  it('report this process: RSS in bytes near the truth, and CPU % with 100 = one core', async () => {
    // A worker thread burns CPU while the event loop stays free for the two JS-timer tools.
    const worker = new Worker(
      `const { parentPort } = require('node:worker_threads');
       const addon = require(${JSON.stringify(testingAddonPath())});
       parentPort.on('message', (ms) => parentPort.postMessage(addon.burnCpu(ms)));`,
      { eval: true },
    );
    const pid = new PidusagePoller(50);
    const si = new SystemInformationPoller(500);
    // The process's own CPU clock every 20 ms: the truth over each reading's own interval (a
    // loaded machine gives the worker its CPU in bursts, so the burn's average is no truth for
    // one 500 ms interval).
    const clock: [number, number][] = [];
    const tick = setInterval(() => clock.push([now(), processCpuSeconds()]), 20);
    const cpuAt = (t: number) => {
      const i = clock.findIndex(([at]) => at >= t);
      if (i <= 0) return null;
      const [[t0, c0], [t1, c1]] = [clock[i - 1]!, clock[i]!];
      return c0 + ((c1 - c0) * (t - t0)) / (t1 - t0);
    };
    try {
      await pid.start();
      await si.start();
      await sleep(700);
      const cpu0 = processCpuSeconds();
      const a = now();
      await new Promise((resolve) => {
        worker.once('message', resolve);
        worker.postMessage(2500);
      });
      const b = now();
      const truth = (100 * (processCpuSeconds() - cpu0)) / (b - a);
      await sleep(700);
      const [p, s] = [await pid.stop(), await si.stop()];
      clearInterval(tick);
      const rss = rssBytes();
      for (const trace of [p, s]) {
        const last = trace.samples.at(-1)!;
        expect(last.rss_bytes).toBeGreaterThan(0.5 * rss);
        expect(last.rss_bytes).toBeLessThan(2 * rss);
        // Readings whose interval (since the previous reading) lies inside the burn give the
        // process's rate over that interval, not half of it (a share of all cores), twice it or a
        // hundredth (a fraction).
        const ratios = trace.samples.flatMap((x, i) => {
          const prev = trace.samples[i - 1];
          if (!prev || instant(prev) < a || instant(x) > b || x.cpu_percent === null) return [];
          const [c0, c1] = [cpuAt(instant(prev)), cpuAt(instant(x))];
          if (c0 === null || c1 === null || c1 <= c0) return [];
          return [x.cpu_percent / ((100 * (c1 - c0)) / (instant(x) - instant(prev)))];
        });
        expect(ratios.length, trace.id).toBeGreaterThan(0);
        expect(median(ratios)!, trace.id).toBeGreaterThan(0.65);
        expect(median(ratios)!, trace.id).toBeLessThan(1.35);
      }
      expect(truth).toBeGreaterThan(20); // the worker did burn
    } finally {
      clearInterval(tick);
      await worker.terminate();
    }
  });
});
