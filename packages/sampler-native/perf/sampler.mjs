// Performance of the native sampler (`pnpm perf` in this package; needs `pnpm build` first).
//
// For 10, 50 and 200 threads in the process (idle native threads are added to reach the count):
//  - overhead at 1 kHz and 100 Hz, as % of one core, two ways in the same run:
//      sampler thread: the sampling thread's own CPU clock over wall time (exact, its own cost);
//      process A/B:    process CPU (getrusage) with the sampler running minus without, over the
//                      same wall time, alternating runs (includes any cost it causes elsewhere);
//  - cost of one tick: sampling-thread CPU per tick (includes the sleep/wake syscalls) and wall
//    time inside the tick's work;
//  - cost of openWindow() + closeWindow() on the JS thread (mean, p50, p99);
//  - with no window open and idle sampling (1 s and 100 ms ticks; 10 threads only), the same two overheads, next
//    to what a bare sleep loop costs per wake-up at the same interval; and the cost of a light
//    window's open + close (process CPU clock and RSS only).
// Then the floor (what a bare absolute-deadline sleep loop costs per wake-up on this machine,
// before any sampling work), tick work with 1,000 windows open, the 20 ms RSS spike catch
// rate from ticks alone, the GPU loop's cost per reading with the NVML backend, where a
// scripted stand-in for libnvidia-ml (test/fixtures/nvml-stub, built here with cc) answers in
// place of a GPU: it measures the backend's own work, not the driver's ioctls (on a real GPU,
// scripts/gpu-check.sh prints that cost), and (Linux) the added cost of one attached process of
// 1, 4 and 16 threads (test/fixtures/target-server, built with cc): the CPU time of one RSS read
// (every tick) and one CPU reading (every 10 ms) of it by the reading thread's own clock (the
// testing addon's targetReadCost), what they add at 1 kHz / 10 ms, and as a check the sampling
// thread's CPU with the process attached minus without (A/B, alternating; on a loaded machine
// the wake-up cost's noise is larger than the difference).
// Prints a table and writes JSON to perf/results/.
//
// LLMMON_PERF_SECONDS (default 2) sets each measurement's length; LLMMON_PERF_IDLE_SECONDS
// (default 10) the idle ones'.
import { execFileSync, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { cpus, loadavg, release, tmpdir } from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { Sampler } from '../dist/index.js';

const require = createRequire(import.meta.url);
const testing = require('../build/Release/llmmon_sampler_testing.node');
const SECONDS = Number(process.env.LLMMON_PERF_SECONDS ?? 2);
const ROUNDS = 3;
const MiB = 1024 * 1024;
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const hr = () => Number(process.hrtime.bigint()) / 1e9;
const cpuSeconds = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
};
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const quantile = (xs, q) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(q * s.length))];
};

function threadCount() {
  if (process.platform === 'linux') return readdirSync('/proc/self/task').length;
  const probe = new Sampler();
  const id = probe.openWindow();
  return probe.closeWindow(id).threads.length; // threads that ran; a lower bound elsewhere
}

/** Process CPU % of one core over `SECONDS` of an idle event loop, optionally with a sampler. */
async function measure(intervalMs, options = {}, seconds = SECONDS) {
  const sampler = intervalMs ? new Sampler({ intervalMs, ...options }) : null;
  sampler?.start();
  await sleep(50); // let the thread settle
  const before = sampler?.diagnostics();
  const c0 = cpuSeconds();
  const t0 = hr();
  await sleep(seconds * 1000);
  const wall = hr() - t0;
  const cpu = cpuSeconds() - c0;
  const after = sampler?.diagnostics();
  sampler?.stop();
  const result = { wall, processPercent: (100 * cpu) / wall };
  if (before && after) {
    const ticks = after.ticks - before.ticks;
    const threadCpu = after.thread_cpu_seconds - before.thread_cpu_seconds;
    Object.assign(result, {
      samplerPercent: (100 * threadCpu) / wall,
      ticks,
      rateHz: ticks / wall,
      cpuPerTickUs: (1e6 * threadCpu) / ticks,
      workPerTickUs: (1e6 * (after.tick_work_seconds - before.tick_work_seconds)) / ticks,
      missedTicks: after.missed_ticks - before.missed_ticks,
    });
  }
  return result;
}

async function overhead(intervalMs, options = {}, seconds = SECONDS) {
  const without = [];
  const withSampler = [];
  for (let round = 0; round < ROUNDS; round++) {
    without.push(await measure(0, {}, seconds));
    withSampler.push(await measure(intervalMs, options, seconds));
  }
  const pick = (key) => median(withSampler.map((r) => r[key]));
  return {
    interval_ms: intervalMs,
    rate_hz: pick('rateHz'),
    sampler_thread_percent_of_core: pick('samplerPercent'),
    process_ab_percent_of_core:
      median(withSampler.map((r) => r.processPercent)) - median(without.map((r) => r.processPercent)),
    process_idle_percent_of_core: median(without.map((r) => r.processPercent)),
    cpu_per_tick_us: pick('cpuPerTickUs'),
    work_per_tick_us: pick('workPerTickUs'),
    missed_ticks: pick('missedTicks'),
  };
}

function openClose(iterations = 2000, light = false) {
  const sampler = new Sampler().start();
  for (let i = 0; i < 100; i++) sampler.closeWindow(sampler.openWindow({ light })); // warm up
  const us = [];
  for (let i = 0; i < iterations; i++) {
    const t0 = process.hrtime.bigint();
    sampler.closeWindow(sampler.openWindow({ light }));
    us.push(Number(process.hrtime.bigint() - t0) / 1000);
  }
  sampler.stop();
  return {
    mean_us: us.reduce((a, b) => a + b, 0) / us.length,
    p50_us: quantile(us, 0.5),
    p99_us: quantile(us, 0.99),
  };
}

/** CPU per wake-up of a loop that only sleeps to absolute deadlines (no sampling work). */
function floor(intervalMs) {
  const ticks = Math.max(5, Math.round((SECONDS * 1000) / intervalMs));
  const cpus = [];
  for (let round = 0; round < ROUNDS; round++) cpus.push(testing.sleepLoopCpu(ticks, intervalMs));
  const perTickUs = (1e6 * median(cpus)) / ticks;
  return {
    interval_ms: intervalMs,
    cpu_per_tick_us: perTickUs,
    percent_of_core: perTickUs / (10 * intervalMs),
  };
}

async function windowsLoad() {
  // Tick work with 1,000 windows open (each tick updates every open window in place).
  const sampler = new Sampler().start();
  const ids = Array.from({ length: 1000 }, () => sampler.openWindow());
  await sleep(50);
  const a = sampler.diagnostics();
  await sleep(SECONDS * 1000);
  const b = sampler.diagnostics();
  for (const id of ids) sampler.closeWindow(id);
  sampler.stop();
  const ticks = b.ticks - a.ticks;
  return {
    open_windows: 1000,
    work_per_tick_us: (1e6 * (b.tick_work_seconds - a.tick_work_seconds)) / ticks,
    cpu_per_tick_us: (1e6 * (b.thread_cpu_seconds - a.thread_cpu_seconds)) / ticks,
  };
}

function spikes(count = 100, bytes = 64 * MiB, holdMs = 20) {
  const sampler = new Sampler().start();
  testing.spikeRss(bytes * 4, 1); // lift the kernel high-water mark: only ticks can catch what follows
  let caught = 0;
  let ticks = 0;
  const missedBefore = sampler.diagnostics().missed_ticks;
  for (let i = 0; i < count; i++) {
    const id = sampler.openWindow();
    testing.spikeRss(bytes, holdMs);
    const s = sampler.closeWindow(id);
    ticks += s.sample_count;
    if (s.rss_peak_bytes - s.rss_start_bytes >= bytes * 0.95) caught++;
  }
  const missedTicks = sampler.diagnostics().missed_ticks - missedBefore;
  sampler.stop();
  return {
    spikes: count,
    spike_mib: bytes / MiB,
    hold_ms: holdMs,
    caught,
    mean_ticks_per_window: ticks / count,
    missed_ticks: missedTicks,
    loadavg_1min: loadavg()[0],
  };
}

/** A running sampler's diagnostics before and after SECONDS (after `settleMs`), then stops it. */
async function diagnosticsOver(sampler, settleMs) {
  await sleep(settleMs);
  const a = sampler.diagnostics();
  const t0 = hr();
  await sleep(SECONDS * 1000);
  const wall = hr() - t0;
  const b = sampler.diagnostics();
  sampler.stop();
  return { a, b, wall };
}

/** The sampling thread's CPU (% of a core) and ticks per second over SECONDS, 1 kHz / 10 ms, with `targets` attached. */
async function samplerCost(targets) {
  const sampler = new Sampler({ intervalMs: 1, threadIntervalMs: 10, targets }).start();
  const { a, b, wall } = await diagnosticsOver(sampler, 50);
  return {
    percent: (100 * (b.thread_cpu_seconds - a.thread_cpu_seconds)) / wall,
    ticks: (b.ticks - a.ticks) / wall,
  };
}

/** A process of `threads` threads (the test's scripted server), its pid once it listens. */
async function startTarget(exe, threads) {
  const child = spawn(exe, ['--threads', String(threads)], { stdio: ['ignore', 'pipe', 'inherit'] });
  const [line] = await Promise.race([
    createInterface({ input: child.stdout })
      [Symbol.asyncIterator]()
      .next()
      .then((r) => [r.value]),
    new Promise((_, reject) => child.once('exit', () => reject(new Error(`${exe} exited`)))),
  ]);
  return { child, pid: Number(/ pid (\d+) /.exec(line)[1]) };
}

async function attached() {
  if (process.platform !== 'linux')
    return { skipped: `the scripted target is built for Linux (${process.platform})` };
  const dir = mkdtempSync(path.join(tmpdir(), 'llmmon-bench-'));
  const exe = path.join(dir, 'llmmon-target');
  try {
    const source = fileURLToPath(new URL('../test/fixtures/target-server/target_server.c', import.meta.url));
    execFileSync(process.env.CC ?? 'cc', ['-O1', '-pthread', '-o', exe, source], { stdio: 'pipe' });
  } catch (e) {
    rmSync(dir, { recursive: true, force: true });
    return { skipped: `no C compiler to build the target (${e.message.split('\n')[0]})` };
  }
  const rows = [];
  for (const threads of [1, 4, 16]) {
    const target = await startTarget(exe, threads);
    const runs = { none: [], full: [] };
    for (let round = 0; round < ROUNDS; round++) {
      runs.none.push(await samplerCost([]));
      runs.full.push(await samplerCost([target.pid]));
    }
    const reads = Array.from({ length: ROUNDS }, () => testing.targetReadCost(target.pid, 2000));
    const rssUs = median(reads.map((r) => r.rss_us));
    const cpuUs = median(reads.map((r) => r.cpu_reading_us));
    const rate = median(runs.full.map((r) => r.ticks));
    const sampler = new Sampler({ targets: [target.pid] }).start();
    for (let i = 0; i < 50; i++) sampler.closeWindow(sampler.openWindow());
    const us = [];
    for (let i = 0; i < 500; i++) {
      const t0 = process.hrtime.bigint();
      sampler.closeWindow(sampler.openWindow());
      us.push(Number(process.hrtime.bigint() - t0) / 1000);
    }
    sampler.stop();
    target.child.kill('SIGKILL');
    rows.push({
      threads: reads[0].threads,
      rss_read_us: rssUs,
      cpu_reading_us: cpuUs,
      // 1,000 ticks and 100 CPU readings per second, in % of one core.
      added_percent_of_core: (rssUs * 1000 + cpuUs * 100) / 1e4,
      rate_hz: rate,
      ab_sampler_percent_without: median(runs.none.map((r) => r.percent)),
      ab_sampler_percent_with: median(runs.full.map((r) => r.percent)),
      open_close_p50_us: quantile(us, 0.5),
      open_close_p99_us: quantile(us, 0.99),
    });
  }
  rmSync(dir, { recursive: true, force: true });
  return { rows };
}

/** Builds the NVML stand-in; null (and why) when there is no C compiler. */
function nvmlStub(dir) {
  const source = fileURLToPath(new URL('../test/fixtures/nvml-stub/nvml_stub.c', import.meta.url));
  const out = path.join(dir, 'libnvidia-ml-stub.so');
  try {
    execFileSync(process.env.CC ?? 'cc', ['-shared', '-fPIC', '-O2', '-o', out, source], { stdio: 'pipe' });
    return out;
  } catch (error) {
    console.log(`GPU loop: skipped, the NVML stand-in did not build (${String(error).split('\n')[0]})`);
    return null;
  }
}

/** The GPU thread's cost per reading with the NVML backend on the stand-in (one device). */
async function gpuLoop() {
  const dir = mkdtempSync(path.join(tmpdir(), 'llmmon-bench-nvml-'));
  const stub = nvmlStub(dir);
  if (!stub) return null;
  const saved = { ...process.env };
  process.env.LLMMON_NVML_PATH = stub;
  process.env.LLMMON_SYS_ROOT = dir; // no DRM devices
  delete process.env.LLMMON_NVML_STUB_SCRIPT; // fixed answers: no script file to read
  try {
    const rows = [];
    for (const gpuIntervalMs of [100, 10]) {
      const sampler = new Sampler({ gpuIntervalMs }).start();
      if (sampler.capabilities().gpu_backend !== 'nvml') throw new Error('the NVML stand-in did not load');
      const { a, b, wall } = await diagnosticsOver(sampler, 100);
      const readings = b.gpu_readings - a.gpu_readings;
      rows.push({
        gpu_interval_ms: gpuIntervalMs,
        readings,
        cpu_per_reading_us: (1e6 * (b.gpu_thread_cpu_seconds - a.gpu_thread_cpu_seconds)) / readings,
        wall_per_reading_us: (1e6 * (b.gpu_read_seconds - a.gpu_read_seconds)) / readings,
        gpu_thread_percent_of_core: (100 * (b.gpu_thread_cpu_seconds - a.gpu_thread_cpu_seconds)) / wall,
        sampler_percent_of_core: (100 * (b.thread_cpu_seconds - a.thread_cpu_seconds)) / wall,
      });
    }
    // Windows read the cumulative counters (energy) at open and close.
    return { backend: 'nvml (scripted stand-in, 1 device)', rows, open_close: openClose() };
  } finally {
    for (const key of ['LLMMON_NVML_PATH', 'LLMMON_SYS_ROOT', 'LLMMON_NVML_STUB_SCRIPT']) {
      if (saved[key] === undefined) delete process.env[key];
      else process.env[key] = saved[key];
    }
    rmSync(dir, { recursive: true, force: true });
  }
}

const fmt = (v, digits = 2) => (v === undefined || Number.isNaN(v) ? '–' : v.toFixed(digits));

// Idle sampling at core's default (1 s) and at 100 ms. Idle ticks are few: each of these runs at
// least LLMMON_PERF_IDLE_SECONDS (default 10).
const IDLE_INTERVALS_MS = [1000, 100];
const IDLE_SECONDS = Math.max(SECONDS, Number(process.env.LLMMON_PERF_IDLE_SECONDS ?? 10));

async function main() {
  const rows = [];
  const idle = [];
  const light = [];
  const base = threadCount();
  for (const threads of [10, 50, 200]) {
    const parked = new testing.ParkedThreads(Math.max(0, threads - base));
    const actual = threadCount() + 1; // + the sampling thread while it runs
    for (const intervalMs of [1, 10]) {
      const o = await overhead(intervalMs);
      rows.push({ threads: actual, ...o, ...(intervalMs === 1 ? { open_close: openClose() } : {}) });
    }
    // Between operations: 1 kHz ticks only while a window is open, none is here (idle sampling);
    // and a light window (process CPU clock and RSS only) at the same thread count.
    // (At the first thread count only: idle measurements are long.)
    for (const idleMs of threads === 10 ? IDLE_INTERVALS_MS : [])
      idle.push({
        threads: actual,
        idle_interval_ms: idleMs,
        ...(await overhead(1, { idleIntervalMs: idleMs }, IDLE_SECONDS)),
      });
    light.push({ threads: actual, open_close: openClose(2000, true) });
    parked.release();
  }
  const floors = [floor(1), floor(10), ...IDLE_INTERVALS_MS.map(floor)];
  const windows = await windowsLoad();
  const spike = spikes();
  const targets = await attached();
  const gpu = await gpuLoop();

  console.log(
    `\nllmmon native sampler benchmark: ${cpus().length} × ${cpus()[0]?.model ?? '?'}, ${process.platform} ${release()}, Node ${process.versions.node}`,
  );
  console.log(
    `load average at start ${loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')}; ${SECONDS} s per measurement, median of ${ROUNDS}\n`,
  );
  console.log(
    '| threads | rate | sampler thread, % of a core | process A/B, % of a core | CPU/tick µs | work/tick µs | missed ticks | open+close µs mean / p50 / p99 |',
  );
  console.log('| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |');
  for (const r of rows) {
    const oc = r.open_close
      ? `${fmt(r.open_close.mean_us, 1)} / ${fmt(r.open_close.p50_us, 1)} / ${fmt(r.open_close.p99_us, 1)}`
      : '';
    console.log(
      `| ${r.threads} | ${fmt(r.rate_hz, 0)} Hz | ${fmt(r.sampler_thread_percent_of_core)} | ${fmt(r.process_ab_percent_of_core)} | ${fmt(r.cpu_per_tick_us, 1)} | ${fmt(r.work_per_tick_us, 1)} | ${r.missed_ticks} | ${oc} |`,
    );
  }
  console.log(
    `\nNo window open (idle sampling at ${IDLE_INTERVALS_MS.join(' and ')} ms instead of 1 ms ticks):\n`,
  );
  console.log(
    '| threads | idle interval | rate | sampler thread, % of a core | process A/B, % of a core | CPU/tick µs | bare wake-up µs (floor) |',
  );
  console.log('| ---: | ---: | ---: | ---: | ---: | ---: | ---: |');
  for (const r of idle) {
    const f = floors.find((x) => x.interval_ms === r.idle_interval_ms);
    console.log(
      `| ${r.threads} | ${r.idle_interval_ms} ms | ${fmt(r.rate_hz, 1)} Hz | ${fmt(r.sampler_thread_percent_of_core, 3)} | ${fmt(r.process_ab_percent_of_core, 3)} | ${fmt(r.cpu_per_tick_us, 1)} | ${fmt(f?.cpu_per_tick_us, 1)} |`,
    );
  }
  console.log('\nLight windows (process CPU clock and RSS only):\n');
  console.log('| threads | light open+close µs mean / p50 / p99 |');
  console.log('| ---: | ---: |');
  for (const r of light)
    console.log(
      `| ${r.threads} | ${fmt(r.open_close.mean_us, 1)} / ${fmt(r.open_close.p50_us, 1)} / ${fmt(r.open_close.p99_us, 1)} |`,
    );
  console.log(
    `\nA bare absolute-deadline sleep loop (no sampling work), CPU per wake-up: ${floors.map((f) => `${f.interval_ms} ms ${fmt(f.cpu_per_tick_us, 1)} µs`).join(', ')}`,
  );
  console.log(
    `\n1,000 open windows (1 kHz, ~${base + 1} threads): work/tick ${fmt(windows.work_per_tick_us, 1)} µs, CPU/tick ${fmt(windows.cpu_per_tick_us, 1)} µs`,
  );
  console.log(
    `20 ms RSS spikes of ${spike.spike_mib} MiB caught from 1 kHz ticks alone: ${spike.caught}/${spike.spikes} (${fmt(spike.mean_ticks_per_window, 1)} ticks per window, ${spike.missed_ticks} ticks missed, load average ${fmt(spike.loadavg_1min)})\n`,
  );
  if (gpu) {
    console.log(`GPU loop, ${gpu.backend}; the stand-in answers instead of a driver:\n`);
    console.log(
      '| GPU interval | readings | CPU/reading µs | wall/reading µs | GPU thread, % of a core | sampler (all threads), % of a core |',
    );
    console.log('| ---: | ---: | ---: | ---: | ---: | ---: |');
    for (const r of gpu.rows)
      console.log(
        `| ${r.gpu_interval_ms} ms | ${r.readings} | ${fmt(r.cpu_per_reading_us, 1)} | ${fmt(r.wall_per_reading_us, 1)} | ${fmt(r.gpu_thread_percent_of_core, 3)} | ${fmt(r.sampler_percent_of_core)} |`,
      );
    const oc = gpu.open_close;
    console.log(
      `\nopen+close with the NVML backend (energy counter read at both ends): ${fmt(oc.mean_us, 1)} / ${fmt(oc.p50_us, 1)} / ${fmt(oc.p99_us, 1)} µs mean / p50 / p99\n`,
    );
  }

  if (targets.rows) {
    console.log('One attached process at 1 kHz ticks / 10 ms CPU readings:\n');
    console.log(
      '| threads in it | RSS read (per tick) µs CPU | CPU reading (per 10 ms) µs CPU | added, % of a core | A/B sampling thread % without / with | open+close µs p50 / p99 |',
    );
    console.log('| ---: | ---: | ---: | ---: | ---: | ---: |');
    for (const r of targets.rows) {
      console.log(
        `| ${r.threads} | ${fmt(r.rss_read_us)} | ${fmt(r.cpu_reading_us, 1)} | ${fmt(r.added_percent_of_core)} | ${fmt(r.ab_sampler_percent_without)} / ${fmt(r.ab_sampler_percent_with)} (${fmt(r.rate_hz, 0)} Hz) | ${fmt(r.open_close_p50_us, 1)} / ${fmt(r.open_close_p99_us, 1)} |`,
      );
    }
    console.log('');
  } else {
    console.log(`attached processes: skipped (${targets.skipped})\n`);
  }

  const result = {
    date: new Date().toISOString(),
    host: {
      cpus: cpus().length,
      cpu_model: cpus()[0]?.model,
      platform: process.platform,
      kernel: release(),
      node: process.versions.node,
      loadavg: loadavg(),
    },
    seconds_per_measurement: SECONDS,
    rounds: ROUNDS,
    rows,
    idle,
    light,
    floors,
    windows,
    spike,
    targets,
    gpu,
  };
  const dir = fileURLToPath(new URL('./results/', import.meta.url));
  mkdirSync(dir, { recursive: true });
  const file = `${dir}sampler-${result.date.replace(/[:.]/g, '-')}.json`;
  writeFileSync(file, `${JSON.stringify(result, null, 2)}\n`);
  console.log(`written ${file}`);
}

await main();
