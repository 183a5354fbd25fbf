import { Worker } from 'node:worker_threads';
import { afterAll, describe, expect, it } from 'vitest';
import { now } from './clock.js';
import { aboveLine, type SpikeTimes } from './spike-timing.js';
import { rssBytes } from './truth.js';
import { testingAddonPath } from './workloads.js';

const MiB = 2 ** 20;
const BYTES = 64 * MiB;
// A worker thread with an RssSpiker: spikes when asked, so this thread can read RSS meanwhile.
const source = `
const { parentPort } = require('node:worker_threads');
const { RssSpiker } = require(${JSON.stringify(testingAddonPath())});
const spiker = new RssSpiker(${BYTES}, 16);
parentPort.on('message', (holdMs) => parentPort.postMessage(spiker.spike(holdMs)));
parentPort.postMessage('ready');
`;

describe.runIf(process.platform === 'linux')('RssSpiker (the peak scenario workload)', () => {
  const worker = new Worker(source, { eval: true });
  afterAll(() => worker.terminate());

  it('lifts RSS by its bytes for the hold, and gives them back', async () => {
    await new Promise((resolve) => worker.once('message', resolve));
    const baseline = rssBytes();
    const done = new Promise<SpikeTimes>((resolve) => worker.once('message', resolve));
    worker.postMessage(300);
    // Read RSS every few ms while the worker holds the spike (this thread stays free).
    let peak = 0;
    let last = 0;
    let finished: SpikeTimes | null = null;
    void done.then((t) => {
      finished = t;
    });
    while (finished === null) {
      peak = Math.max(peak, rssBytes());
      last = now();
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    const t = finished as SpikeTimes;
    expect(t.bytes).toBe(BYTES);
    expect(t.make).toHaveLength(17);
    expect(t.drop).toHaveLength(17);
    // Within 5 %: the rest of the process (V8's heap, this test) moves RSS a little meanwhile.
    expect(Math.abs(peak - baseline - BYTES)).toBeLessThan(0.05 * BYTES);
    expect(Math.abs(rssBytes() - baseline)).toBeLessThan(0.05 * BYTES);
    // The hold is the sleep between the last chunk in and the first out; the line is crossed
    // inside the spike, so the time above it is at least the hold and at most the whole spike.
    expect(t.drop[0]! - t.make[16]!).toBeGreaterThanOrEqual(0.3);
    const line = aboveLine(t, baseline);
    expect(line.above_seconds).toBeGreaterThanOrEqual(0.3);
    expect(line.above_max_seconds).toBeLessThanOrEqual(line.total_seconds);
    expect(last).toBeGreaterThan(t.make[0]!);
  });
});
