import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import { samplingThreads, sleep } from '../test/helpers.js';
import { Sampler } from './index.js';

const linux = process.platform === 'linux';

/** V8's collector, reachable without starting Node with --expose-gc. */
setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

describe('a Sampler dropped without stop()', () => {
  it.runIf(linux)('has its sampling thread stopped once it is garbage-collected', async () => {
    const baseline = samplingThreads();
    let held: Sampler[] | null = Array.from({ length: 20 }, () => new Sampler({ intervalMs: 10 }).start());
    // Ground truth: the kernel's list of this process's threads, by name. Each thread names
    // itself once it runs, which a loaded machine may delay: wait for all 20.
    const named = Date.now() + 10_000;
    while (samplingThreads() < baseline + 20 && Date.now() < named) await sleep(20);
    expect(samplingThreads()).toBe(baseline + 20);
    expect(held).toHaveLength(20);
    held = null; // dropped without stop()
    // Finalizers run after a collection, on a later turn of the event loop.
    const end = Date.now() + 10_000;
    while (samplingThreads() > baseline && Date.now() < end) {
      gc();
      await sleep(20);
    }
    expect(samplingThreads()).toBe(baseline);
  });

  it('keeps sampling while its owner holds it', async () => {
    const sampler = new Sampler({ intervalMs: 10 }).start();
    gc();
    await sleep(50);
    gc();
    expect(sampler.running).toBe(true);
    sampler.stop();
  });
});
