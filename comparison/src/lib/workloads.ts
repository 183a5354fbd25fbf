/**
 * Workloads with a known ground truth, from `@llmmon/sampler-native`'s test addon
 * (`build/Release/llmmon_sampler_testing.node`, built with the package): a thread that burns a
 * known CPU time by its own CPU clock, RSS spikes of known size made of written pages, idle
 * native threads. Not llmmon's product API: the same workloads its own tests and perf measurements use.
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import type { SpikeTimes } from './spike-timing.js';

export interface TestingAddon {
  /** Burns `cpuMs` of CPU on the calling thread (by its CPU clock); returns the seconds used. */
  burnCpu(cpuMs: number): number;
  /** Maps `bytes`, writes every page, holds them `holdMs` (the calling thread sleeps), unmaps. */
  spikeRss(bytes: number, holdMs: number): unknown;
  /**
   * Linux: `bytes` of memory written once (a memfd), then mapped into RSS and unmapped again in
   * `chunks` equal steps per `spike(holdMs)`, with a timestamp (seconds, CLOCK_MONOTONIC) before
   * the first step and after each one. Blocks the calling thread.
   */
  RssSpiker?: new (
    bytes: number,
    chunks: number,
  ) => { spike(holdMs: number): SpikeTimes; close(): void };
  /** `count` idle native threads (to set the process's thread count). */
  ParkedThreads: new (
    count: number,
  ) => { release(): void };
}

const require = createRequire(import.meta.url);

/** Path of the test addon inside the installed `@llmmon/sampler-native`. */
export function testingAddonPath(): string {
  const pkg = require.resolve('@llmmon/sampler-native/package.json');
  return path.join(path.dirname(pkg), 'build', 'Release', 'llmmon_sampler_testing.node');
}

let addon: TestingAddon | undefined;

/** Loads the test addon (once). @throws Error saying how to build it when it is missing. */
export function workloads(): TestingAddon {
  if (addon) return addon;
  const file = testingAddonPath();
  if (!existsSync(file)) {
    throw new Error(`comparison: ${file} is missing: run \`pnpm build\` (it builds @llmmon/sampler-native)`);
  }
  addon = require(file) as TestingAddon;
  return addon;
}

/** A `RssSpiker` (see `TestingAddon`). @throws Error where the platform has none (not Linux). */
export function rssSpiker(bytes: number, chunks: number) {
  const Spiker = workloads().RssSpiker;
  if (!Spiker)
    throw new Error(`comparison: RSS spikes need memfd_create (Linux); ${process.platform} has none`);
  return new Spiker(bytes, chunks);
}
