/**
 * The pure-JS fallback sampler: a timer on the event loop reads `process.cpuUsage()` (exact
 * process CPU time, all threads), `process.memoryUsage.rss()` and, on a slower cadence,
 * `os.cpus()` for whole-machine CPU. CPU time and RSS at window open and close are exact; peaks
 * (RSS, 10 ms CPU slices) are only as good as the timer: while synchronous work blocks the event
 * loop no tick runs, so a short RSS spike in that time is missed and a blocked stretch reads as
 * one long CPU slice. Per-thread CPU, GPU and energy counters and other processes are not
 * measured (null; the run header and each attached process's entry say why).
 *
 * Idle sampling: while no window is open the timer runs at `idleIntervalMs`; the first window
 * to open takes its own reading and puts the timer back on `intervalMs` at once, and a tick
 * that finds no window open, and none opened since the previous tick, slows it down again (so
 * operations run back to back keep one timer). Each timeline point says which interval it was
 * sampled at (the longer one when the stretch it closes had both).
 */
import os from 'node:os';
import { outsideOperations } from '../context.js';
import { JS_SAMPLER_TARGETS } from '../record-processes.js';
import type { SamplerInfo } from '../schema/run.js';
import { CpuSlices } from './cpu-slices.js';
import type { SamplerBackend, TargetAttach, TimelinePoint, WindowStats } from './types.js';

export const JS_DEFAULT_INTERVAL_MS = 10;
/**
 * Timer interval while no window is open (idle sampling, as the native sampler's): each tick
 * wakes the event loop, and a monitor left on in a service should cost next to nothing between
 * operations.
 */
export const JS_DEFAULT_IDLE_INTERVAL_MS = 1000;
/** Whole-machine CPU is read every this many milliseconds (os.cpus() costs ~50 µs). */
const SYSTEM_INTERVAL_MS = 250;
/** Timeline points kept between drains (older ones dropped when nobody drains). */
const TIMELINE_CAPACITY = 50_000;

interface Reading {
  t: number; // ns, process.hrtime clock
  cpu: number; // ns of process CPU, cumulative
  rss: number; // bytes
}

interface CpuTimes {
  busy: number; // ms
  total: number; // ms
}

interface Window {
  start: Reading;
  peakRss: number;
  ticks: number;
  slices: CpuSlices;
  system: CpuTimes;
}

const read = (): Reading => {
  const u = process.cpuUsage();
  return {
    t: Number(process.hrtime.bigint()),
    cpu: (u.user + u.system) * 1000,
    rss: process.memoryUsage.rss(),
  };
};

const systemTimes = (): CpuTimes => {
  let busy = 0;
  let total = 0;
  for (const { times } of os.cpus()) {
    const all = times.user + times.nice + times.sys + times.irq + times.idle;
    total += all;
    busy += all - times.idle;
  }
  return { busy, total };
};

/** Busy share of the machine between two readings; null when the counters did not move. */
const systemPercent = (a: CpuTimes, b: CpuTimes): number | null =>
  b.total > a.total ? ((b.busy - a.busy) / (b.total - a.total)) * 100 : null;

/** Used memory (total − available) as a share of the machine's memory. */
export const systemMemoryPercent = (): number => (1 - os.freemem() / os.totalmem()) * 100;

export class JsSampler implements SamplerBackend {
  readonly kind = 'js';
  readonly intervalMs: number;
  /** Timer interval while no window is open; `intervalMs` when idle sampling is off. */
  readonly idleIntervalMs: number;
  readonly info: SamplerInfo;
  readonly gpus = null;
  readonly gpuAvailable = false;

  #windows = new Map<number, Window>();
  #nextId = 1;
  #timer: NodeJS.Timeout | undefined;
  /** The running timer's interval. */
  #timerMs = 0;
  /** The longest timer interval in force since the previous timeline point. */
  #stretchMs = 0;
  /** Windows opened since the previous tick. */
  #openedSinceTick = 0;
  #last: Reading;
  #system: CpuTimes;
  #systemAt: number;
  #systemPercent: number | null = null;
  #points: TimelinePoint[] = [];

  constructor(intervalMs = JS_DEFAULT_INTERVAL_MS, idleIntervalMs = JS_DEFAULT_IDLE_INTERVAL_MS) {
    if (!(intervalMs > 0)) throw new RangeError(`sampler interval must be > 0 ms, got ${intervalMs}`);
    if (!(idleIntervalMs > 0))
      throw new RangeError(`sampler idle interval must be > 0 ms, got ${idleIntervalMs}`);
    this.intervalMs = intervalMs;
    // An idle interval no longer than the tick turns idle sampling off.
    this.idleIntervalMs = Math.max(intervalMs, idleIntervalMs);
    this.info = {
      kind: 'js',
      interval_ms: intervalMs,
      idle_interval_ms: this.idleIntervalMs > intervalMs ? this.idleIntervalMs : null,
      gpu_backend: 'none',
      gpu_interval_ms: null,
      energy_source: 'none',
      reason: null,
    };
    this.#last = read();
    this.#system = systemTimes();
    this.#systemAt = this.#last.t;
    this.#run(this.idleIntervalMs);
  }

  /** (Re)starts the timer at `ms`; unref'd: it never keeps the process alive. */
  #run(ms: number): void {
    clearInterval(this.#timer);
    this.#timerMs = ms;
    this.#stretchMs = Math.max(this.#stretchMs, ms);
    this.#timer = outsideOperations(() => setInterval(() => this.#tick(), ms));
    this.#timer.unref();
  }

  #tick(): void {
    const r = read();
    for (const w of this.#windows.values()) {
      w.ticks++;
      if (r.rss > w.peakRss) w.peakRss = r.rss;
      w.slices.add(r.t, r.cpu);
    }
    if (r.t - this.#systemAt >= SYSTEM_INTERVAL_MS * 1e6) {
      const now = systemTimes();
      this.#systemPercent = systemPercent(this.#system, now) ?? this.#systemPercent;
      this.#system = now;
      this.#systemAt = r.t;
    }
    const wall = r.t - this.#last.t;
    if (wall > 0) {
      if (this.#points.length >= TIMELINE_CAPACITY) this.#points.shift();
      this.#points.push({
        t_ns: r.t,
        cpu_percent: ((r.cpu - this.#last.cpu) / wall) * 100,
        interval_seconds: wall / 1e9,
        rss_bytes: r.rss,
        system_cpu_percent: this.#systemPercent,
        gpu_util_percent: null,
        tick_interval_ms: this.#stretchMs,
        gpu_memory_bytes: null,
        gpu_power_watts: null,
        processes: [],
      });
    }
    this.#last = r;
    this.#stretchMs = this.#timerMs;
    const opened = this.#openedSinceTick;
    this.#openedSinceTick = 0;
    if (this.#windows.size === 0 && opened === 0 && this.#timerMs !== this.idleIntervalMs)
      this.#run(this.idleIntervalMs);
  }

  get openWindows(): number {
    return this.#windows.size;
  }

  openWindow(): number {
    const start = read();
    const id = this.#nextId++;
    this.#windows.set(id, {
      start,
      peakRss: start.rss,
      ticks: 0,
      slices: new CpuSlices(start.t, start.cpu),
      system: systemTimes(),
    });
    this.#openedSinceTick++;
    // Out of idle sampling: the window's own reading above starts it, fast ticks follow.
    if (this.#timerMs !== this.intervalMs) this.#run(this.intervalMs);
    return id;
  }

  closeWindow(id: number): WindowStats {
    const end = read();
    const w = this.#windows.get(id);
    if (!w) throw new RangeError(`sampler: no open window ${id}`);
    this.#windows.delete(id);
    const wallNs = end.t - w.start.t;
    const cpuNs = end.cpu - w.start.cpu;
    const wallSeconds = wallNs / 1e9;
    return {
      wall_seconds: wallSeconds,
      cpu_seconds: cpuNs / 1e9,
      avg_cpu_percent: wallNs > 0 ? (cpuNs / wallNs) * 100 : 0,
      peak_cpu_percent: w.slices.finish(end.t, end.cpu),
      rss_start_bytes: w.start.rss,
      rss_end_bytes: end.rss,
      rss_peak_bytes: Math.max(w.peakRss, end.rss),
      system_cpu_percent: systemPercent(w.system, systemTimes()),
      system_memory_percent: systemMemoryPercent(),
      threads: null,
      gpu: null,
      cpu_energy_joules: null,
      energy: [],
      targets: [], // other processes are read by the native sampler only
      sample_count: w.ticks,
      effective_interval_ms: w.ticks > 0 ? (wallSeconds * 1000) / (w.ticks + 1) : wallSeconds * 1000,
    };
  }

  addTarget(): TargetAttach {
    return { name: null, reason: JS_SAMPLER_TARGETS };
  }

  removeTarget(): void {}

  drainTimeline(): TimelinePoint[] {
    const points = this.#points;
    this.#points = [];
    return points;
  }

  stop(): void {
    clearInterval(this.#timer);
    this.#windows.clear();
  }
}
