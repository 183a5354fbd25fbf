/**
 * Scenario 3, sampler cost: the CPU each tool spends per reading and as a share of one core, at
 * its usual rate and as close to 1 kHz as it can go, with ~10 threads in the process.
 *
 * - Outside (psutil): the poller process's own CPU time (`time.process_time()`, user + system)
 *   over the time it sampled.
 * - In-process (pidusage, systeminformation, JS timer): this process's CPU with the tool polling
 *   minus without it, same length, alternating (A/B), plus the CPU of the child processes the
 *   tool starts (systeminformation runs `ps` and a shell each time; `/proc/self/stat`
 *   cutime + cstime, clock ticks).
 * - llmmon between operations (idle sampling, no window open): in-process A/B like the others.
 * - llmmon: the native sampler's own measurement (`@llmmon/sampler-native`, 10/50/200 threads at
 *   1 kHz and 100 Hz, measured the same two ways), reused rather than measured twice.
 */
import { childrenCpuSeconds, now, processCpuSeconds, sleep } from '../lib/clock.js';
import { packageResult } from '../lib/package-results.js';
import { type Spread, spread } from '../lib/stats.js';
import { threadIds } from '../lib/truth.js';
import { workloads } from '../lib/workloads.js';
import { JsTimerPoller, PidusagePoller, PsutilPoller, SystemInformationPoller } from '../tools/index.js';
import { LlmmonIdlePoller } from '../tools/llmmon.js';
import type { Poller } from '../tools/types.js';

export interface CostOptions {
  /** Length of each measurement, seconds. */
  seconds: number;
  rounds: number;
  /** Threads in the process while measuring (idle native threads fill up to it). */
  threads: number;
}

export const COST_DEFAULTS: CostOptions = { seconds: 2, rounds: 3, threads: 10 };

export interface CostRow {
  id: string;
  label: string;
  where: 'outside' | 'in-process';
  /** The usual rate of this tool, or its fastest try. */
  role: 'usual' | 'fastest';
  interval_ms: number;
  threads: number;
  rate_hz: Spread;
  cpu_per_sample_us: Spread;
  percent_of_core: Spread;
}

/** One row of `@llmmon/sampler-native`'s perf result (the fields used here). */
export interface SamplerPerfRow {
  threads: number;
  interval_ms: number;
  rate_hz: number;
  sampler_thread_percent_of_core: number;
  process_ab_percent_of_core: number;
  cpu_per_tick_us: number;
  open_close?: { mean_us: number; p50_us: number; p99_us: number };
}

export interface CostData {
  options: CostOptions;
  rows: CostRow[];
  llmmon: {
    source: string;
    written: string;
    seconds_per_measurement: number | null;
    rounds: number | null;
    rows: SamplerPerfRow[];
  };
}

interface Run {
  cpu: number;
  wall: number;
  samples: number;
}

async function idle(seconds: number): Promise<Run> {
  const c0 = processCpuSeconds();
  const t0 = now();
  await sleep(seconds * 1000);
  return { cpu: processCpuSeconds() - c0, wall: now() - t0, samples: 0 };
}

async function inProcess(poller: Poller, seconds: number): Promise<Run> {
  const c0 = processCpuSeconds() + childrenCpuSeconds();
  const t0 = now();
  await poller.start();
  await sleep(seconds * 1000);
  const trace = await poller.stop();
  return {
    cpu: processCpuSeconds() + childrenCpuSeconds() - c0,
    wall: now() - t0,
    samples: trace.samples.length,
  };
}

async function outside(poller: Poller, seconds: number): Promise<Run> {
  await poller.start();
  await sleep(seconds * 1000);
  const trace = await poller.stop();
  return {
    cpu: trace.own_cpu_seconds ?? Number.NaN,
    wall: trace.wall_seconds,
    samples: trace.samples.length,
  };
}

interface Config {
  make: () => Poller;
  where: CostRow['where'];
  role: CostRow['role'];
}

const CONFIGS: Config[] = [
  { make: () => new PsutilPoller(100, ['rss', 'cpu', 'threads']), where: 'outside', role: 'usual' },
  { make: () => new PsutilPoller(10, ['rss', 'cpu', 'threads']), where: 'outside', role: 'usual' },
  { make: () => new PsutilPoller(1, ['rss', 'cpu', 'threads']), where: 'outside', role: 'fastest' },
  { make: () => new PidusagePoller(1000), where: 'in-process', role: 'usual' },
  { make: () => new PidusagePoller(1), where: 'in-process', role: 'fastest' },
  { make: () => new SystemInformationPoller(1000), where: 'in-process', role: 'usual' },
  { make: () => new SystemInformationPoller(500), where: 'in-process', role: 'fastest' },
  { make: () => new JsTimerPoller(10), where: 'in-process', role: 'usual' },
  { make: () => new JsTimerPoller(1), where: 'in-process', role: 'fastest' },
  // A live monitor between operations (idle sampling): beside psutil @ 100 ms, the same rate.
  { make: () => new LlmmonIdlePoller(100), where: 'in-process', role: 'usual' },
];

export async function runCost(options: CostOptions = COST_DEFAULTS): Promise<CostData> {
  const addon = workloads();
  const parked = new addon.ParkedThreads(Math.max(0, options.threads - threadIds().length));
  const threads = threadIds().length;
  const runs: { rate: number[]; perSample: number[]; percent: number[] }[] = CONFIGS.map(() => ({
    rate: [],
    perSample: [],
    percent: [],
  }));
  const labels: { id: string; label: string; interval: number }[] = [];
  try {
    for (let round = 0; round < options.rounds; round++) {
      const base = await idle(options.seconds);
      const idlePerSecond = base.cpu / base.wall;
      for (const [k, config] of CONFIGS.entries()) {
        const poller = config.make();
        labels[k] = { id: poller.id, label: poller.label, interval: poller.intervalMs };
        const run =
          config.where === 'outside'
            ? await outside(poller, options.seconds)
            : await inProcess(poller, options.seconds);
        // In-process: subtract what the idle process costs over the same wall time.
        const cpu = config.where === 'outside' ? run.cpu : run.cpu - idlePerSecond * run.wall;
        runs[k]!.rate.push(run.samples / run.wall);
        runs[k]!.perSample.push(run.samples > 0 ? (1e6 * cpu) / run.samples : Number.NaN);
        runs[k]!.percent.push((100 * cpu) / run.wall);
      }
    }
  } finally {
    parked.release();
  }
  const rows: CostRow[] = CONFIGS.map((config, k) => ({
    id: labels[k]!.id,
    label: labels[k]!.label,
    where: config.where,
    role: config.role,
    interval_ms: labels[k]!.interval,
    threads,
    rate_hz: spread(runs[k]!.rate),
    cpu_per_sample_us: spread(runs[k]!.perSample),
    percent_of_core: spread(runs[k]!.percent),
  }));

  const sampler = packageResult<{
    seconds_per_measurement?: number;
    rounds?: number;
    rows: SamplerPerfRow[];
  }>('@llmmon/sampler-native', 'sampler-');
  return {
    options,
    rows,
    llmmon: {
      source: sampler.file,
      written: sampler.written,
      seconds_per_measurement: sampler.data.seconds_per_measurement ?? null,
      rounds: sampler.data.rounds ?? null,
      rows: sampler.data.rows,
    },
  };
}
