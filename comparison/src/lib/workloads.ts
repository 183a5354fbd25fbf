/**
 * Workloads with a known ground truth, from `@llmmon/sampler-native`'s test addon
 * (`build/Release/llmmon_sampler_testing.node`, built with the package): a thread that burns a
 * known CPU time by its own CPU clock, an RSS spike of known size made of written pages, idle
 * native threads. Not llmmon's product API: the same workloads its own tests and perf measurements use.
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

export interface TestingAddon {
  /** Burns `cpuMs` of CPU on the calling thread (by its CPU clock); returns the seconds used. */
  burnCpu(cpuMs: number): number;
  /** Maps `bytes`, writes every page, holds them `holdMs` (the calling thread sleeps), unmaps. */
  spikeRss(bytes: number, holdMs: number): unknown;
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
