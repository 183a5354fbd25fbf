/**
 * Scenario 1, peak capture: RSS spikes of known size and length, half of them inside
 * synchronous code that blocks the event loop (the main thread makes the spike), half on a
 * worker thread while the event loop is free. Every tool watches the same spikes at once.
 *
 * Truth of a spike = RSS measured right before it + the bytes it writes. A tool "caught" a
 * spike when the highest RSS it read inside the spike is within 10 % of the truth; its peak
 * error is (that reading − truth) ÷ truth, over the spikes it has a reading of.
 *
 * Before measuring, one larger spike lifts the kernel's high-water mark (VmHWM) above every
 * later spike: llmmon's windows also consult VmHWM, which would otherwise catch the first spike
 * of a fresh process for free. So llmmon's figures here come from its 1 kHz / 100 Hz ticks alone.
 */
import { Worker } from 'node:worker_threads';
import { mulberry32 } from '@llmmon/core/random';
import { now, sleep } from '../lib/clock.js';
import { peakInWindow } from '../lib/estimate.js';
import { shuffle } from '../lib/shuffle.js';
import { type Spread, spread, wilson } from '../lib/stats.js';
import { rssBytes } from '../lib/truth.js';
import { workloads } from '../lib/workloads.js';
import { fidelityPollers } from '../tools/index.js';
import { LlmmonTool } from '../tools/llmmon.js';
import type { Trace } from '../tools/types.js';

const MiB = 1024 * 1024;

export interface PeakOptions {
  spikes: number;
  bytes: number;
  holdMs: number;
  /** Random pause between spikes, ms (uniform in [min, max]; seeded). */
  gapMs: [number, number];
  seed: number;
}

export const PEAK_DEFAULTS: PeakOptions = {
  spikes: 200,
  bytes: 256 * MiB,
  holdMs: 20,
  gapMs: [40, 120],
  seed: 7,
};

export interface Spike {
  blocked: boolean;
  /** Window around the spike (seconds, CLOCK_MONOTONIC): before the first byte, after the last. */
  a: number;
  b: number;
  baseline_bytes: number;
  truth_bytes: number;
}

export interface PeakToolResult {
  id: string;
  label: string;
  interval_ms: number;
  /** Readings per second it actually took over the run. */
  rate_hz: number;
  caught: number;
  spikes: number;
  /** 95 % Wilson interval of the caught fraction. */
  caught_low: number;
  caught_high: number;
  blocked: { caught: number; spikes: number };
  free: { caught: number; spikes: number };
  /** Spikes with no reading of the tool inside them. */
  no_reading: number;
  /** (reading − truth) ÷ truth × 100 over the spikes it has a reading of. */
  peak_error_percent: Spread;
}

export interface PeakData {
  options: PeakOptions;
  spike_seconds: Spread;
  tools: PeakToolResult[];
}

/** Whether `peak` is within 10 % of `truth`. */
export const caughtPeak = (peak: number | null, truth: number) =>
  peak !== null && Math.abs(peak - truth) <= 0.1 * truth;

function judge(
  id: string,
  label: string,
  intervalMs: number,
  rateHz: number,
  spikes: readonly Spike[],
  peaks: readonly (number | null)[],
): PeakToolResult {
  const ok = spikes.map((s, i) => caughtPeak(peaks[i]!, s.truth_bytes));
  const count = (blocked: boolean) => ({
    caught: spikes.filter((s, i) => s.blocked === blocked && ok[i]).length,
    spikes: spikes.filter((s) => s.blocked === blocked).length,
  });
  const caught = ok.filter(Boolean).length;
  const w = wilson(caught, spikes.length);
  const errors = spikes.flatMap((s, i) =>
    peaks[i] === null ? [] : [(100 * (peaks[i]! - s.truth_bytes)) / s.truth_bytes],
  );
  return {
    id,
    label,
    interval_ms: intervalMs,
    rate_hz: rateHz,
    caught,
    spikes: spikes.length,
    caught_low: w.low,
    caught_high: w.high,
    blocked: count(true),
    free: count(false),
    no_reading: peaks.filter((p) => p === null).length,
    peak_error_percent: spread(errors),
  };
}

export async function runPeak(options: PeakOptions = PEAK_DEFAULTS): Promise<PeakData> {
  const addon = workloads();
  const random = mulberry32(options.seed);
  // Lift VmHWM above every later spike (see the module comment).
  addon.spikeRss(options.bytes * 2, 1);

  const worker = new Worker(new URL('../workers/spike.js', import.meta.url));
  let failure: Error | null = null;
  worker.on('error', (e) => {
    failure = e;
  });
  const workerSpike = () =>
    new Promise<void>((resolve, reject) => {
      if (failure) reject(failure);
      worker.once('message', () => resolve());
      worker.postMessage({ bytes: options.bytes, holdMs: options.holdMs });
    });
  await workerSpike(); // warm the worker (it loads the addon, pages its stack)

  const llmmon = [new LlmmonTool(1).start(), new LlmmonTool(10).start()];
  const pollers = fidelityPollers(['rss', 'cpu']);
  for (const p of pollers) await p.start();
  await sleep(1500); // every poller has readings before the first spike

  // Half blocked, half free, in a seeded random order.
  const kinds = shuffle(
    Array.from({ length: options.spikes }, (_, i) => i % 2 === 0),
    random,
  );

  const spikes: Spike[] = [];
  const llmmonPeaks: (number | null)[][] = llmmon.map(() => []);
  const t0 = now();
  const ticks0 = llmmon.map((l) => l.sampler.diagnostics().ticks);
  for (const blocked of kinds) {
    const baseline = rssBytes();
    const a = now();
    const ids = llmmon.map((l) => l.open());
    if (blocked) addon.spikeRss(options.bytes, options.holdMs);
    else await workerSpike();
    ids.forEach((id, k) => {
      llmmonPeaks[k]!.push(llmmon[k]!.close(id).rss_peak_bytes);
    });
    const b = now();
    spikes.push({ blocked, a, b, baseline_bytes: baseline, truth_bytes: baseline + options.bytes });
    const [lo, hi] = options.gapMs;
    await sleep(lo + random() * (hi - lo));
  }
  const elapsed = now() - t0;

  const traces: Trace[] = [];
  for (const p of pollers) traces.push(await p.stop());
  const ticks = llmmon.map((l, k) => l.sampler.diagnostics().ticks - ticks0[k]!);
  for (const l of llmmon) l.stop();
  await worker.terminate();

  const tools: PeakToolResult[] = llmmon.map((l, k) =>
    judge(l.id, l.label, l.intervalMs, ticks[k]! / elapsed, spikes, llmmonPeaks[k]!),
  );
  pollers.forEach((p, k) => {
    const trace = traces[k]!;
    const peaks = spikes.map((s) => peakInWindow(trace.samples, s.a, s.b));
    tools.push(judge(p.id, p.label, p.intervalMs, trace.samples.length / trace.wall_seconds, spikes, peaks));
  });
  return {
    options,
    spike_seconds: spread(spikes.map((s) => s.b - s.a)),
    tools,
  };
}
