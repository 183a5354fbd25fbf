/**
 * Public types of `@llmmon/sampler-native`. Measurement fields keep the operation record's
 * style (snake_case, unit in the name) so `@llmmon/core` can pass them through; `null` means
 * unknown or unsupported here (see {@link Capabilities}), never 0.
 */

/** Options of `new Sampler(options)`. */
export interface SamplerOptions {
  /** Tick interval: RSS is read every tick (memory peaks come from here). 0.1–1000 ms, default 1. */
  intervalMs?: number;
  /**
   * Timeline interval: one timeline sample (with every thread's CPU) per interval.
   * `intervalMs`–60000 ms, default max(10, intervalMs).
   */
  threadIntervalMs?: number;
  /** Whole-machine CPU/memory and GPU interval. `intervalMs`–60000 ms, default max(100, intervalMs). */
  systemIntervalMs?: number;
  /** Timeline samples kept until `timeline()` drains them (oldest dropped beyond). Default 65536. */
  timelineCapacity?: number;
}

/** CPU time of one thread inside a window. */
export interface ThreadCpuShare {
  /** OS thread id (Linux kernel tid; macOS 64-bit thread id); `null` for `(exited threads)`. */
  tid: number | null;
  /** Thread name (`comm` on Linux, pthread name on macOS); `'(exited threads)'` for the remainder. */
  name: string;
  cpu_seconds: number;
}

/** GPU counters over a window (null fields: the device does not report them). */
export interface WindowGpuStats {
  util_avg_percent: number | null;
  util_peak_percent: number | null;
  memory_peak_bytes: number | null;
}

/** What happened between `openWindow()` and `closeWindow(id)`. */
export interface WindowStats {
  /** Wall time between open and close (the samples' clock). */
  wall_seconds: number;
  /** Process CPU time in the window: all threads, including ones that exited. */
  cpu_seconds: number;
  /** cpu_seconds ÷ wall_seconds × 100 (100 = one core busy; may exceed 100). */
  avg_cpu_percent: number;
  /** Highest process CPU % over any 10 ms slice (never below avg_cpu_percent). */
  peak_cpu_percent: number;
  /** Resident set size at open, close, and its highest value in between. */
  rss_start_bytes: number;
  rss_end_bytes: number;
  rss_peak_bytes: number;
  /** Whole machine, averaged over the window (null: no reading, see capabilities). */
  system_cpu_percent: number | null;
  /** Whole machine, memory in use at the end. */
  system_memory_percent: number | null;
  /** Busiest first; only threads that used CPU; `tid: null` = `(exited threads)`. */
  threads: ThreadCpuShare[];
  /** `null` when there is no GPU backend (gpu backend `none`). */
  gpu: WindowGpuStats | null;
  /** Ticks that updated the window. */
  sample_count: number;
  /** Mean time between those ticks (the configured interval when fewer than 2). */
  effective_interval_ms: number;
}

/** The newest tick (`Sampler.latest()`). */
export interface LatestSample {
  /** Seconds on the same clock as `now()` and `process.hrtime()`. */
  t: number;
  /** Process CPU % over the newest CPU-reading interval (`threadIntervalMs`, default 10 ms). */
  cpu_percent: number | null;
  rss_bytes: number | null;
  /** macOS phys_footprint (Activity Monitor's "Memory"); null elsewhere. */
  footprint_bytes: number | null;
  system_cpu_percent: number | null;
  system_memory_percent: number | null;
  gpu_util_percent: number | null;
  gpu_memory_bytes: number | null;
  thread_count: number | null;
}

/**
 * Timeline samples since the previous `timeline()` call, as columns (one typed array per
 * field, `length` entries each). **NaN means unknown** (never 0): test with `Number.isNaN`, or
 * use {@link timelineRows} to get objects with `null`.
 */
export interface TimelineBatch {
  length: number;
  /** Seconds on the `now()` / `process.hrtime()` clock. */
  t: Float64Array;
  /** Process CPU % over the interval ending at `t`. */
  cpu_percent: Float64Array;
  /** RSS at `t`. */
  rss_bytes: Float64Array;
  /** Highest RSS any tick saw in the interval ending at `t`. */
  rss_peak_bytes: Float64Array;
  footprint_bytes: Float64Array;
  /** Whole machine, over the newest system-loop interval at `t`. */
  system_cpu_percent: Float64Array;
  system_memory_percent: Float64Array;
  gpu_util_percent: Float64Array;
  gpu_memory_bytes: Float64Array;
  thread_count: Float64Array;
  /**
   * Per-thread CPU %, one entry per (sample, thread that used CPU in that interval):
   * `sample[i]` is the index of its sample in this batch.
   */
  threads: { length: number; sample: Uint32Array; tid: Float64Array; cpu_percent: Float64Array };
  /** Names of the threads in `threads`, by tid. */
  thread_names: Record<string, string>;
  /** Samples lost because the buffer filled before it was drained (raise the drain rate or timelineCapacity). */
  dropped_samples: number;
  dropped_thread_samples: number;
}

/** One timeline sample as an object (`timelineRows`). */
export interface TimelineRow {
  t: number;
  cpu_percent: number | null;
  rss_bytes: number | null;
  rss_peak_bytes: number | null;
  footprint_bytes: number | null;
  system_cpu_percent: number | null;
  system_memory_percent: number | null;
  gpu_util_percent: number | null;
  gpu_memory_bytes: number | null;
  thread_count: number | null;
  threads: { tid: number; name: string; cpu_percent: number }[];
}

/** Counter names of {@link Capabilities.counters}. */
export type CounterName =
  | 'process_cpu'
  | 'rss'
  | 'rss_high_water'
  | 'footprint'
  | 'thread_cpu'
  | 'thread_names'
  | 'system_cpu'
  | 'system_memory'
  | 'gpu_util'
  | 'gpu_memory';

export interface CounterInfo {
  available: boolean;
  /** Where the number comes from (syscall, file, API). */
  source: string;
  /** Why it is not available; null when it is. */
  reason: string | null;
}

/** What this machine's sampler can measure, and why not where it cannot. */
export interface Capabilities {
  platform: NodeJS.Platform;
  arch: string;
  /** Platform backend: `linux-procfs` or `darwin-mach`. */
  backend: string;
  /** Clock of every timestamp: `CLOCK_MONOTONIC` (Linux) or `mach_continuous_time` (macOS). */
  clock: string;
  /** `none` in this build; `nvml`, `drm`, `iokit` plug in behind the same interface. */
  gpu_backend: string;
  napi_version: number;
  counters: Record<CounterName, CounterInfo>;
}

/** The sampler's own cost and health (`Sampler.diagnostics()`). */
export interface SamplerDiagnostics {
  running: boolean;
  /** The sampling thread's OS thread id while it runs. */
  thread_tid: number | null;
  /** CPU time used by this Sampler's sampling threads so far (its overhead). */
  thread_cpu_seconds: number;
  ticks: number;
  /** Deadlines skipped because the thread ran more than one interval late (a busy machine). */
  missed_ticks: number;
  /** Wall time spent inside ticks, excluding sleep. */
  tick_work_seconds: number;
  open_windows: number;
  /** How the sampling thread asked the scheduler for prompt wake-ups, or why it could not. */
  wakeups: string;
  /** Why the sampling thread stopped by itself (it never should); null normally. */
  error: string | null;
}
