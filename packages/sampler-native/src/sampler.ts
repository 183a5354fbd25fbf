import { binding, type NativeSampler } from './binding.js';
import { withProcess } from './capabilities.js';
import { trackRunning, untrack } from './exit.js';
import { resolveOptions, resolveTarget } from './options.js';
import type {
  Capabilities,
  LatestSample,
  SamplerDiagnostics,
  SamplerOptions,
  TargetInfo,
  TimelineBatch,
  WindowStats,
} from './types.js';

const NS_PER_MS = 1e6;
/** How many numbers closeWindow writes (ScalarsToJs in addon.cpp). */
const WINDOW_SCALARS = 12;
const orNull = (v: number): number | null => (Number.isNaN(v) ? null : v);

/**
 * A background native thread that samples this process: its RSS every tick (default 1 ms),
 * every thread's CPU clock (and from them the process's CPU time) on the timeline interval
 * (default 10 ms), the whole machine's CPU and memory on a slower loop (default 100 ms); GPU and
 * energy counters, where there are any, on a thread of their own (`gpuIntervalMs`, default
 * 100 ms). It keeps sampling while the JS event loop is blocked. With `idleIntervalMs`, it ticks
 * only that often while no window is open, and at the fast rate again from the moment one opens.
 *
 * It can also sample other processes on the same ticks ({@link Sampler.addTarget}): each window
 * then reports what they did too (`targets`).
 *
 * Several instances may exist (each has its own thread); `@llmmon/core` shares one per process.
 * A Sampler belongs to the JS thread (main or worker) that created it.
 *
 * @example
 * const sampler = new Sampler({ intervalMs: 1 }).start();
 * const id = sampler.openWindow();
 * await model(text);
 * const stats = sampler.closeWindow(id);
 * console.log(stats.cpu_seconds, stats.peak_cpu_percent, stats.rss_peak_bytes, stats.threads);
 * sampler.stop();
 */
export class Sampler {
  /** Tick interval (RSS), ms. */
  readonly intervalMs: number;
  /** Timeline interval (every thread's CPU clock; the CPU slices of peak_cpu_percent), ms. */
  readonly threadIntervalMs: number;
  /** Whole-machine and GPU interval, ms. */
  readonly systemIntervalMs: number;
  /** Timeline samples kept until drained. */
  readonly timelineCapacity: number;
  /** GPU and energy counters interval (their own thread), ms. */
  readonly gpuIntervalMs: number;
  /** Tick interval while no window is open (idle sampling), ms; `intervalMs`: off. */
  readonly idleIntervalMs: number;
  readonly #native: NativeSampler;
  /** closeWindow's numbers, written by the addon (one array per Sampler, reused). */
  readonly #scalars = new Float64Array(WINDOW_SCALARS);

  /**
   * @throws TypeError when an option has the wrong type or is unknown; RangeError when it is out
   * of range (`intervalMs` 0.1–1000 ms). The message names the option.
   */
  constructor(options: SamplerOptions = {}) {
    const o = resolveOptions(options);
    this.intervalMs = o.intervalMs;
    this.threadIntervalMs = o.threadIntervalMs;
    this.systemIntervalMs = o.systemIntervalMs;
    this.timelineCapacity = o.timelineCapacity;
    this.gpuIntervalMs = o.gpuIntervalMs;
    this.idleIntervalMs = o.idleIntervalMs;
    this.#native = new binding.Sampler(
      Math.round(o.intervalMs * NS_PER_MS),
      Math.round(o.threadIntervalMs * NS_PER_MS),
      Math.round(o.systemIntervalMs * NS_PER_MS),
      o.timelineCapacity,
      Math.round(o.gpuIntervalMs * NS_PER_MS),
      Math.round(o.idleIntervalMs * NS_PER_MS),
    );
    for (const t of o.targets) this.#native.addTarget(t.pid, t.role);
  }

  /** Starts the sampling thread (no-op when running). Returns `this`. */
  start(): this {
    this.#native.start();
    trackRunning(this, this.#native);
    return this;
  }

  /** Stops and joins the sampling thread (no-op when stopped). Open windows stay open. */
  stop(): this {
    this.#native.stop();
    untrack(this, this.#native);
    return this;
  }

  /** Whether the sampling thread runs. */
  get running(): boolean {
    return this.#native.running();
  }

  /**
   * Reads every clock now (process and per-thread CPU, RSS) and opens a window. Any number may
   * be open at once; each costs O(1) memory whatever its length. Windows opened while the
   * sampler is stopped still get exact start/end deltas, but only ticks update their peaks.
   *
   * `{ light: true }` reads only the process CPU clock and RSS at open and close (3 syscalls
   * instead of ~4 + one per thread): the window has no `threads` (an empty list), no `targets`,
   * no `gpu` and no `energy`; its `cpu_seconds` is the process CPU clock's change, which on
   * Linux may lag by up to a scheduler tick (4 ms at HZ=250) per thread running on another CPU
   * at each end; `peak_cpu_percent` comes from the sampling thread's own readings inside it
   * (exact), else the average. RSS and its peak are as exact as in a full window.
   *
   * @returns the window's id, for {@link closeWindow}.
   */
  openWindow(options: { light?: boolean } = {}): number {
    if (options === null || typeof options !== 'object')
      throw new TypeError(
        `openWindow options must be an object, got ${options === null ? 'null' : typeof options}`,
      );
    if (options.light !== undefined && typeof options.light !== 'boolean')
      throw new TypeError(`openWindow: light must be a boolean, got ${typeof options.light}`);
    return this.#native.openWindow(options.light === true);
  }

  /**
   * Reads every clock again and returns what happened since `openWindow()`.
   *
   * @throws TypeError when `id` is not an integer; RangeError when no window with that id is
   * open on this Sampler (already closed, or never opened).
   */
  closeWindow(id: number): WindowStats {
    if (typeof id !== 'number' || !Number.isInteger(id)) {
      throw new TypeError(
        `id must be an integer window id from openWindow(), got ${typeof id} ${String(id)}`,
      );
    }
    const f = this.#scalars;
    const parts = this.#native.closeWindow(id, f);
    if (parts === null)
      throw new RangeError(`id ${id} is not an open window of this Sampler (closed already?)`);
    // The addon's order (ScalarsToJs in addon.cpp); NaN: null.
    return {
      wall_seconds: f[0]!,
      cpu_seconds: f[1]!,
      avg_cpu_percent: f[2]!,
      peak_cpu_percent: f[3]!,
      rss_start_bytes: f[4]!,
      rss_end_bytes: f[5]!,
      rss_peak_bytes: f[6]!,
      system_cpu_percent: orNull(f[7]!),
      system_memory_percent: orNull(f[8]!),
      threads: parts === true ? [] : parts.threads,
      gpu: parts === true ? null : parts.gpu,
      cpu_energy_joules: orNull(f[9]!),
      energy: parts === true ? [] : parts.energy,
      sample_count: f[10]!,
      effective_interval_ms: f[11]!,
      targets: parts === true ? [] : parts.targets,
    };
  }

  /** Number of windows open now. */
  get openWindows(): number {
    return this.#native.openWindowCount();
  }

  /** The newest tick's values, or null before the first tick. Cheap: no I/O. */
  latest(): LatestSample | null {
    return this.#native.latest();
  }

  /**
   * Drains the timeline: every sample taken since the previous call, as typed-array columns
   * (NaN = unknown). Call it regularly (say every second): beyond `timelineCapacity`
   * undrained samples, the oldest are dropped and counted in `dropped_samples`.
   */
  timeline(): TimelineBatch {
    return this.#native.timeline();
  }

  /**
   * What this sampler measures (see {@link capabilities}): its own GPU backend and energy source,
   * and each counter's resolution at this sampler's intervals.
   */
  capabilities(): Capabilities {
    return withProcess(this.#native.capabilities());
  }

  /**
   * Attaches another process: from now on it is sampled on the same ticks as this one (RSS every
   * tick, every thread's CPU at every CPU reading), and every window opened while it is attached
   * reports it in `targets`. Find pids with {@link findProcesses}. A pid that does not exist, or
   * that this user may not read, is attached all the same: windows report it with a `status` and a
   * `reason` (never figures of 0). Adding an attached pid again returns it unchanged while it is
   * readable; one found exited or missing is looked up afresh (the pid may name a new process).
   *
   * @param role a label of yours carried into each window's entry (`'server'`, `'runner'`).
   * @throws TypeError / RangeError when `pid` is not a pid (or is this process's own).
   * @example
   * const [server] = findProcesses({ port: 11434 });
   * sampler.addTarget(server.pid, { role: 'server' });
   */
  addTarget(pid: number, options: { role?: string } = {}): TargetInfo {
    const t = resolveTarget({ ...options, pid }, 'addTarget');
    return this.#native.addTarget(t.pid, t.role);
  }

  /**
   * Detaches a process. Windows open now end its figures here (`status: 'detached'`); windows
   * opened later do not list it. Returns false when it was not attached.
   */
  removeTarget(pid: number): boolean {
    if (typeof pid !== 'number' || !Number.isInteger(pid))
      throw new TypeError(`removeTarget: pid must be an integer, got ${typeof pid} ${String(pid)}`);
    return pid > 0 && this.#native.removeTarget(pid);
  }

  /** The attached processes and their state now. */
  get targets(): TargetInfo[] {
    return this.#native.targets();
  }

  /** The sampling thread's own cost (CPU seconds, ticks, missed deadlines). */
  diagnostics(): SamplerDiagnostics {
    return this.#native.diagnostics();
  }

  /** `using sampler = new Sampler().start()` stops it at the end of the scope. */
  [Symbol.dispose](): void {
    this.stop();
  }
}
