/**
 * Test-only helpers: the native workloads with known ground truth (build/Release/
 * llmmon_sampler_testing.node, built beside the product addon), and small probes of the test
 * process that do not go through the sampler.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import type { Sampler } from '../src/sampler.js';
import type { WindowStats } from '../src/types.js';

export const MiB = 1024 * 1024;

export interface Burner {
  tid: number;
  /** CPU the thread used, by its own CLOCK_THREAD_CPUTIME_ID. */
  cpu_seconds: number;
}

export interface Testing {
  /** Burns `cpuMs` of CPU on the calling thread; returns the CPU seconds it used (>= cpuMs). */
  burnCpu(cpuMs: number): number;
  /** `count` native threads, each burning `cpuMs` of CPU at once, then waiting until released. */
  BurnerGroup: new (
    count: number,
    cpuMs: number,
  ) => { wait(): Burner[]; release(): void };
  /** `count` idle native threads. */
  ParkedThreads: new (
    count: number,
  ) => { tids(): number[]; release(): void };
  /**
   * `busy` threads burn `busyMs` each while bursts of `burst` short-lived threads (`shortMs`
   * each) start and exit, the way llama.cpp starts and joins workers at every decode step.
   * Blocks; `cpu_seconds` is what all started threads burned by their own clocks.
   */
  churnThreads(
    busy: number,
    busyMs: number,
    burst: number,
    shortMs: number,
  ): { cpu_seconds: number; threads: number };
  /**
   * Maps `bytes`, writes every page, holds them `holdMs` (the calling thread blocks), unmaps.
   * `hold_from`/`hold_to`: when all of them were resident, in seconds on the samples' clock.
   */
  spikeRss(bytes: number, holdMs: number): { bytes: number; hold_from: number; hold_to: number };
  /** CPU seconds the calling thread spends sleeping to `ticks` absolute deadlines (no work). */
  sleepLoopCpu(ticks: number, intervalMs: number): number;
  /** The native DRM fdinfo parser (src/native/drm_fdinfo.h) on `text`; null: not in the text. */
  parseDrmFdinfo(text: string): DrmClientStats;
  /** The native process CPU estimate (src/native/process_cpu.h) after each scripted reading, in ns. */
  processCpuEstimate(readings: ScriptedCpuReading[]): number[];
}

/** One scripted reading of every CPU clock: [tid, CPU ns] per live thread, sorted by tid. */
export interface ScriptedCpuReading {
  threads: [number, number][];
  /** The process CPU clock; null: unreadable. */
  process_ns: number | null;
  single_instant: boolean;
}

export interface DrmClientStats {
  /** '' when the text is not a DRM client's. */
  driver: string;
  pdev: string;
  client_id: number | null;
  engines: Record<
    string,
    {
      busy_ns: number | null;
      cycles: number | null;
      total_cycles: number | null;
      maxfreq_hz: number | null;
      capacity: number;
    }
  >;
  resident_bytes: number | null;
  total_bytes: number | null;
  /** What windows use: resident, else total. */
  memory_bytes: number | null;
}

/** The product addon as `pnpm build` makes it. */
export const PRODUCT_ADDON = fileURLToPath(new URL('../build/Release/llmmon_sampler.node', import.meta.url));

export const TESTING_ADDON = fileURLToPath(
  new URL('../build/Release/llmmon_sampler_testing.node', import.meta.url),
);
export const testing = createRequire(import.meta.url)(TESTING_ADDON) as Testing;

/** The built wrapper, for plain-node children and workers (run `pnpm build` first). */
export const DIST_ENTRY = fileURLToPath(new URL('../dist/index.js', import.meta.url));
export function requireDist(): string {
  if (!existsSync(DIST_ENTRY)) throw new Error(`${DIST_ENTRY} is missing: run \`pnpm build\` first`);
  return DIST_ENTRY;
}

/** Names of this process's threads, from /proc (Linux). */
export function threadNames(): string[] {
  const names: string[] = [];
  for (const tid of readdirSync('/proc/self/task')) {
    try {
      names.push(readFileSync(`/proc/self/task/${tid}/comm`, 'utf8').trim());
    } catch {
      // the thread exited while we listed
    }
  }
  return names;
}

/** How many sampling threads this process runs now (they name themselves llmmon-sampler). */
export function samplingThreads(): number {
  return threadNames().filter((n) => n === 'llmmon-sampler').length;
}

/** The process's peak RSS so far as the kernel records it (VmHWM; libuv reports kB everywhere). */
export function highWaterBytes(): number {
  return process.resourceUsage().maxRSS * 1024;
}

/**
 * `count` windows of `sampler`, each around a 20 ms hold of 64 MiB (`spikeRss`, the event loop
 * blocked), each opened `pauseMs` after the previous one closed (a blocking sleep: the sampling
 * thread runs on, e.g. into its idle sleep).
 */
export function spikeWindows(
  sampler: Sampler,
  count: number,
  options: { light?: boolean; pauseMs?: number } = {},
): { spike: ReturnType<Testing['spikeRss']>; stats: WindowStats }[] {
  const results = [];
  for (let i = 0; i < count; i++) {
    if (options.pauseMs) Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, options.pauseMs);
    const id = sampler.openWindow({ light: options.light ?? false });
    const spike = testing.spikeRss(64 * MiB, 20);
    results.push({ spike, stats: sampler.closeWindow(id) });
  }
  return results;
}

/**
 * For windows that each held a `spikeRss(64 MiB)`: how many had a tick of `t` (timeline sample
 * times, one per tick) inside the hold, and, of those, the ones whose peak missed the 64 MiB.
 * (A tick reads RSS a few µs after its timestamp: the hold's last 0.5 ms is left out.)
 */
export function spikeCatches(
  results: {
    spike: { hold_from: number; hold_to: number };
    stats: { rss_peak_bytes: number; rss_start_bytes: number };
  }[],
  t: Float64Array,
): { sampled: number; misses: string[] } {
  let sampled = 0;
  const misses: string[] = [];
  for (const { spike, stats } of results) {
    const during = t.filter((x) => x > spike.hold_from && x < spike.hold_to - 0.0005).length;
    const seen = stats.rss_peak_bytes - stats.rss_start_bytes;
    if (during > 0) sampled++;
    // Whenever the sampler ran while the 64 MiB were resident, the window's peak has them.
    if (during > 0 && seen < 60 * MiB)
      misses.push(`${(seen / MiB).toFixed(1)} MiB, ${during} ticks in the hold`);
  }
  return { sampled, misses };
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Polls `predicate` every 10 ms until it holds or `timeoutMs` passes. */
export async function until(predicate: () => boolean, timeoutMs = 5000): Promise<boolean> {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    if (predicate()) return true;
    await sleep(10);
  }
  return predicate();
}
