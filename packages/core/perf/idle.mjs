// Idle cost of a live monitor: a process that holds an `LLMMonitor` (native sampler, journal off)
// and runs no operation. Run with `node perf/idle.mjs` here or the root `pnpm bench` (build
// first); writes perf/results/idle-<timestamp>.json.
//
// A/B in one process, alternating: R rounds of S seconds with a monitor held, then S seconds
// without one; each round's process CPU (process.cpuUsage: user + system of every thread) over
// its wall time, as % of one core. Idle cost = median(with) - median(without). The "without"
// rounds carry what the process itself costs while its event loop waits (the timers of this
// script), so the difference is the monitor's own: its sampling thread, its polling timer.
//
// Configurations: the native and the JS sampler at their default idle interval (native 100 ms, JS 1 s), and at the
// rates they replace (native 100 ms idle ticks, and no idle sampling; JS 10 ms throughout).
// LLMMON_IDLE_SECONDS (default 10) and LLMMON_IDLE_ROUNDS (default 3) set the length.
import { mkdirSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { fileTimestamp, LLMMonitor, summarize } from '../dist/index.js';

const SECONDS = Number(process.env.LLMMON_IDLE_SECONDS ?? 10);
const ROUNDS = Number(process.env.LLMMON_IDLE_ROUNDS ?? 3);
const here = path.dirname(fileURLToPath(import.meta.url));
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** Process CPU over `SECONDS` of waiting, as % of one core. */
async function round() {
  const c0 = process.cpuUsage();
  const t0 = process.hrtime.bigint();
  await sleep(SECONDS * 1000);
  const c = process.cpuUsage(c0);
  const wall = Number(process.hrtime.bigint() - t0) / 1e9;
  return (100 * (c.user + c.system)) / 1e6 / wall;
}

/** Idle cost (% of one core) of a monitor made with `options`, A/B against no monitor. */
export async function idleCost(options = {}) {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'llmmon-idle-'));
  const withMonitor = [];
  const without = [];
  try {
    for (let i = 0; i < ROUNDS; i++) {
      const monitor = new LLMMonitor({ outputDir: dir, logAlerts: false, journal: false, ...options });
      await sleep(200); // its start-up (first readings, capability probes) is not idle time
      withMonitor.push(await round());
      await monitor.close();
      without.push(await round());
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
  const a = summarize(withMonitor).median;
  const b = summarize(without).median;
  return { with_percent: withMonitor, without_percent: without, idle_cost_percent: a - b };
}

/** What `node perf/idle.mjs` measures: the defaults, and the rates they replace. */
const CONFIGS = [
  ['native, idle 100 ms (default)', { sampler: 'native' }],
  ['native, idle 1 s', { sampler: 'native', idleSampleIntervalMs: 1000 }],
  ['native, no idle sampling (1 ms)', { sampler: 'native', idleSampleIntervalMs: 1 }],
  ['js, idle 1 s (default)', { sampler: 'js' }],
  ['js, no idle sampling (10 ms)', { sampler: 'js', idleSampleIntervalMs: 10 }],
];

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const load = os.loadavg();
  console.log(
    `idle cost of a live monitor, ${ROUNDS} x ${SECONDS} s A/B per configuration (${os.cpus().length} CPUs, load average ${load.map((l) => l.toFixed(2)).join(' ')})`,
  );
  const f = (xs) => xs.map((x) => x.toFixed(3)).join(' ');
  const results = [];
  for (const [name, options] of CONFIGS) {
    const r = await idleCost(options);
    results.push({ name, options, ...r });
    console.log(
      `  ${name.padEnd(32)} ${r.idle_cost_percent.toFixed(3)} % of a core (with: ${f(r.with_percent)}; without: ${f(r.without_percent)})`,
    );
  }
  console.log(
    `load average at the end ${os
      .loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')}`,
  );
  const out = path.join(here, 'results', `idle-${fileTimestamp()}.json`);
  mkdirSync(path.dirname(out), { recursive: true });
  writeFileSync(
    out,
    `${JSON.stringify({ date: new Date().toISOString(), node: process.version, cpus: os.cpus().length, loadavg_start: load, loadavg_end: os.loadavg(), seconds: SECONDS, rounds: ROUNDS, results }, null, 2)}\n`,
  );
  console.log(`results: ${out}`);
}
