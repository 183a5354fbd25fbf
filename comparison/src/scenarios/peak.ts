/**
 * Scenario 1, peak capture: RSS spikes of known size that stay above 90 % of their peak for a
 * known time, half of them inside synchronous code that blocks the event loop (the main thread
 * makes the spike), half on a worker thread while the event loop is free. Every tool watches the
 * same spikes at once.
 *
 * The spikes map memory that was written once at the start (`RssSpiker`: a memfd mapped and
 * unmapped in 16 chunks), so they rise and fall in milliseconds on any machine: fresh anonymous
 * memory costs a page fault per 4 KiB, which on some VMs makes 256 MiB take 0.2–1 s to write and
 * a "20 ms" spike last a second. Each spike's time above 90 % of its peak is MEASURED (from the
 * chunks' timestamps, `lib/spike-timing.ts`) and the hold is calibrated from the spikes before it
 * so that this time is `aboveMs`; the results are also given per bin of the measured time, so a
 * machine where the spikes come out longer still reads true.
 *
 * Truth of a spike = RSS measured right before it + the bytes it maps. A tool "caught" a spike
 * when the highest RSS it read inside the spike is within 10 % of the truth; its peak error is
 * (that reading − truth) ÷ truth, over the spikes it has a reading of.
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
import { ABOVE_BINS_MS, aboveBin, aboveLine, type SpikeTimes } from '../lib/spike-timing.js';
import { median, type Spread, spread, wilson } from '../lib/stats.js';
import { rssBytes } from '../lib/truth.js';
import { rssSpiker, workloads } from '../lib/workloads.js';
import { fidelityPollers } from '../tools/index.js';
import { LlmmonTool } from '../tools/llmmon.js';
import type { Trace } from '../tools/types.js';

const MiB = 1024 * 1024;

export interface PeakOptions {
  spikes: number;
  bytes: number;
  /** Target time each spike stays ≥ 90 % of its peak, ms (the hold is calibrated to it). */
  aboveMs: number;
  /** Steps in which a spike's pages go in and out (the resolution of the measured times). */
  chunks: number;
  /** Spikes per thread before measuring: first calibration of the hold, not judged. */
  warmup: number;
  /** Random pause between spikes, ms (uniform in [min, max]; seeded). */
  gapMs: [number, number];
  seed: number;
}

export const PEAK_DEFAULTS: PeakOptions = {
  spikes: 200,
  bytes: 256 * MiB,
  aboveMs: 20,
  chunks: 16,
  warmup: 5,
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
  /** Measured time ≥ 90 % of the truth: certainly (`above`) and at most (`above_max`), seconds. */
  above_seconds: number;
  above_max_seconds: number;
  /** First chunk in to last chunk out, seconds. */
  total_seconds: number;
  /** The calibrated hold this spike was given, ms. */
  hold_ms: number;
}

export interface BinCount {
  caught: number;
  spikes: number;
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
  /** Caught per bin of the measured time above 90 % (`ABOVE_BINS_MS`). */
  by_above: BinCount[];
  /** What a perfect poller at the tool's measured rate would catch: Σ min(1, time above × rate)
   * (a reading lands inside a span of d seconds with probability d × rate). */
  ideal_caught: number;
  /** Spikes with no reading of the tool inside them. */
  no_reading: number;
  /** (reading − truth) ÷ truth × 100 over the spikes it has a reading of. */
  peak_error_percent: Spread;
}

export interface PeakData {
  options: PeakOptions;
  /** First chunk in to last chunk out. */
  spike_seconds: Spread;
  /** Measured time ≥ 90 % of the truth, certainly / at most. */
  above_seconds: Spread;
  above_max_seconds: Spread;
  /** Calibrated holds, ms. */
  hold_ms: Spread;
  /** Bins of `above_seconds`, ms (the `by_above` counts' edges). */
  bins_ms: [number, number][];
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
  const byAbove = ABOVE_BINS_MS.map((_, b) => {
    const idx = spikes.flatMap((sp, i) => (aboveBin(sp.above_seconds) === b ? [i] : []));
    return { caught: idx.filter((i) => ok[i]).length, spikes: idx.length };
  });
  const ideal = spikes.reduce((sum, sp) => sum + Math.min(1, sp.above_seconds * rateHz), 0);
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
    by_above: byAbove,
    ideal_caught: ideal,
    no_reading: peaks.filter((p) => p === null).length,
    peak_error_percent: spread(errors),
  };
}

/** The hold that makes a spike stay `aboveMs` above the line, from the spikes before it. */
class HoldCalibration {
  private edges: number[] = [];
  constructor(private readonly aboveMs: number) {}
  add(edgesSeconds: number) {
    this.edges.push(1000 * edgesSeconds);
    if (this.edges.length > 15) this.edges.shift();
  }
  holdMs(): number {
    return Math.max(0, this.aboveMs - (median(this.edges) ?? 0));
  }
}

export async function runPeak(options: PeakOptions = PEAK_DEFAULTS): Promise<PeakData> {
  const addon = workloads();
  const random = mulberry32(options.seed);
  // Lift VmHWM above every later spike (see the module comment).
  addon.spikeRss(options.bytes * 2, 1);

  const spiker = rssSpiker(options.bytes, options.chunks);
  const worker = new Worker(new URL('../workers/spike.js', import.meta.url), {
    workerData: { bytes: options.bytes, chunks: options.chunks },
  });
  let failure: Error | null = null;
  worker.on('error', (e) => {
    failure = e;
  });
  await new Promise((resolve, reject) => {
    worker.once('message', resolve);
    worker.once('error', reject);
  });
  const workerSpike = (holdMs: number) =>
    new Promise<SpikeTimes>((resolve, reject) => {
      if (failure) reject(failure);
      worker.once('message', resolve);
      worker.postMessage({ holdMs });
    });
  const calibration = new HoldCalibration(options.aboveMs);
  const spike = async (blocked: boolean, holdMs: number) => {
    const baseline = rssBytes();
    const times = blocked ? spiker.spike(holdMs) : await workerSpike(holdMs);
    const line = aboveLine(times, baseline);
    calibration.add(line.edges_seconds);
    return { baseline, times, line };
  };
  for (let i = 0; i < options.warmup; i++) {
    await spike(true, calibration.holdMs());
    await spike(false, calibration.holdMs());
  }

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
    const hold = calibration.holdMs();
    const a = now();
    const ids = llmmon.map((l) => l.open());
    const { baseline, times, line } = await spike(blocked, hold);
    ids.forEach((id, k) => {
      llmmonPeaks[k]!.push(llmmon[k]!.close(id).rss_peak_bytes);
    });
    const b = now();
    spikes.push({
      blocked,
      a,
      b,
      baseline_bytes: baseline,
      truth_bytes: baseline + times.bytes,
      above_seconds: line.above_seconds,
      above_max_seconds: line.above_max_seconds,
      total_seconds: line.total_seconds,
      hold_ms: hold,
    });
    const [lo, hi] = options.gapMs;
    await sleep(lo + random() * (hi - lo));
  }
  const elapsed = now() - t0;

  const traces: Trace[] = [];
  for (const p of pollers) traces.push(await p.stop());
  const ticks = llmmon.map((l, k) => l.sampler.diagnostics().ticks - ticks0[k]!);
  for (const l of llmmon) l.stop();
  await worker.terminate();
  spiker.close();

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
    spike_seconds: spread(spikes.map((s) => s.total_seconds)),
    above_seconds: spread(spikes.map((s) => s.above_seconds)),
    above_max_seconds: spread(spikes.map((s) => s.above_max_seconds)),
    hold_ms: spread(spikes.map((s) => s.hold_ms)),
    bins_ms: ABOVE_BINS_MS.map(([lo, hi]) => [lo, hi]),
    tools,
  };
}
