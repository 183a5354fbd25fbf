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
  /** Whole-machine CPU/memory interval. `intervalMs`–60000 ms, default max(100, intervalMs). */
  systemIntervalMs?: number;
  /**
   * GPU and energy counters interval (a thread of its own, started only when there is a GPU
   * backend or an energy counter). 10–1000 ms, default 100. NVML itself updates utilisation
   * every 1/6–1 s and (recent GPUs) power as a 1 s average: faster polling shows no more detail.
   */
  gpuIntervalMs?: number;
  /** Timeline samples kept until `timeline()` drains them (oldest dropped beyond). Default 65536. */
  timelineCapacity?: number;
  /**
   * Idle sampling: while no window is open, the thread ticks only this often (RSS, a CPU reading,
   * a timeline sample, the slower loops) instead of every `intervalMs`; the first window to open
   * wakes it at once and the fast ticks resume from there (the window's own first reading is
   * taken at open). Each timeline sample says which interval it was taken at
   * (`tick_interval_ms`). `intervalMs`–1000 ms; default `intervalMs`: off (a Sampler samples at
   * its one rate unless asked; `@llmmon/core`'s monitors ask for 100 ms).
   */
  idleIntervalMs?: number;
  /**
   * Other processes to sample besides this one, from the start (see `Sampler.addTarget`): a pid,
   * or `{ pid, role }` where `role` is a label of yours (`'server'`, `'runner'`).
   */
  targets?: (number | TargetSpec)[];
}

/** A process to attach (`new Sampler({ targets })`, `Sampler.addTarget`). */
export interface TargetSpec {
  pid: number;
  /** A label of yours carried into every window's entry for this process (`'server'`); default null. */
  role?: string;
}

/**
 * `ok`: readable. `exited`: it was seen, then found gone (its figures end at the last reading that
 * saw it running). `permission_denied`: the OS hides its threads and memory from this user (on
 * Linux the process CPU may still be read). `not_found`: no such process when it was attached.
 * `detached`: `removeTarget()` was called while the window was open.
 */
export type TargetStatus = 'ok' | 'exited' | 'permission_denied' | 'not_found' | 'detached';

/** An attached process (`Sampler.addTarget`, `Sampler.targets`). */
export interface TargetInfo {
  pid: number;
  /** Its name when attached (Linux `comm`, macOS `p_comm`); null when unreadable. */
  name: string | null;
  role: string | null;
  status: TargetStatus;
  /** Why the status is not `ok`, or which figures cannot be read though it is; null when all is readable. */
  reason: string | null;
}

/** CPU time of one thread inside a window. */
export interface ThreadCpuShare {
  /** OS thread id (Linux kernel tid; macOS 64-bit thread id); `null` for `(exited threads)`. */
  tid: number | null;
  /** Thread name (`comm` on Linux, pthread name on macOS); `'(exited threads)'` for the remainder. */
  name: string;
  cpu_seconds: number;
}

/**
 * GPU figures over a window (null fields: not reported here; `capabilities()` says why).
 * Device-wide figures add up over `devices`: 100 % = one device fully busy.
 */
export interface WindowGpuStats {
  /** Device indices (`capabilities().gpus`) the figures cover. */
  devices: number[];
  /** `process`: the devices this process used in the window; `all`: it used none, or the backend cannot tell. */
  device_scope: 'process' | 'all';
  /** Device utilisation (every process's work), mean of the GPU loop's readings in the window. */
  util_avg_percent: number | null;
  util_peak_percent: number | null;
  /**
   * This process's utilisation: `busy_seconds ÷ wall_seconds` where the backend counts engine
   * time (DRM), else the mean of the API's per-process samples (NVML).
   */
  process_util_avg_percent: number | null;
  /** Highest per-reading process utilisation (never below the average). */
  process_util_peak_percent: number | null;
  /** This process's GPU engine time in the window (busiest engine per device); null where the API has no per-process engine time. */
  busy_seconds: number | null;
  /**
   * Highest GPU memory seen: this process's (`memory_scope: 'process'`; 0 when the backend listed
   * every device's processes and this one held none), else, where the backend cannot tell per
   * process, the devices' in use by all processes (`'device'`).
   */
  memory_peak_bytes: number | null;
  memory_scope: 'process' | 'device' | null;
  /** Device energy counters, close − open, over `devices`: shared by every process and every concurrent window on them. */
  energy_joules: number | null;
  /** A covered device reported power or thermal throttling at a reading in the window; null: no reading said either way. */
  throttled: boolean | null;
  /** GPU loop readings inside the window. */
  reading_count: number;
}

/** One energy channel's counter over a window (`capabilities().energy_channels`). */
export interface WindowEnergy {
  /** `cpu` (CPU packages), `dram`, … */
  name: string;
  /** `package` / `machine`: shared by every process and concurrent window; `process`: this process only. */
  scope: string;
  joules: number | null;
}

/**
 * What an attached process did in a window (`WindowStats.targets`). Figures are null where they
 * could not be read, and `reason` says why; a process that exited inside the window ends its
 * figures at the last reading that saw it running (`wall_seconds` is then shorter than the window's).
 */
export interface TargetWindowStats {
  pid: number;
  /** The process's name when it was attached; null when unreadable. */
  name: string | null;
  /** The caller's label (`addTarget(pid, { role })`); null when none was given. */
  role: string | null;
  status: TargetStatus;
  /** One line: why figures are missing or end early, or which cannot be read; null when none. */
  reason: string | null;
  /** The span the figures cover: window open to close, or to the process's last reading. */
  wall_seconds: number;
  /** CPU time of every thread of the process, exited ones included. */
  cpu_seconds: number | null;
  /** cpu_seconds ÷ wall_seconds × 100. */
  avg_cpu_percent: number | null;
  /**
   * Highest CPU % over slices of at least 100 ms (not 10 ms as for this process: another
   * process's counts lag by up to a scheduler tick per running thread); never below the average.
   */
  peak_cpu_percent: number | null;
  /** Resident set size at open, at close (or its last reading), and the highest in between. */
  rss_start_bytes: number | null;
  rss_end_bytes: number | null;
  rss_peak_bytes: number | null;
  /** Busiest first, only threads that used CPU, `(exited threads)` for the rest; null when per-thread CPU is unreadable. */
  threads: ThreadCpuShare[] | null;
  /** The process's GPU figures (same rules as `WindowStats.gpu`); null without a GPU backend. */
  gpu: WindowGpuStats | null;
  /** The process's own energy counter (macOS `proc_pid_rusage`), joules; null where the OS has none. */
  energy_joules: number | null;
  /** Ticks that read its RSS. */
  sample_count: number;
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
  /**
   * CPU package energy (RAPL on Linux), close − open, in joules: the whole package, shared by
   * every process and every concurrent window. null: unreadable here (see `capabilities().counters.cpu_energy`).
   */
  cpu_energy_joules: number | null;
  /** Every channel of the platform's energy source, when at least one is readable (else empty). */
  energy: WindowEnergy[];
  /** Ticks that updated the window. */
  sample_count: number;
  /** Mean time between those ticks (the configured interval when fewer than 2). */
  effective_interval_ms: number;
  /** The processes attached when the window opened, in attach order (empty when none). */
  targets: TargetWindowStats[];
}

/** The newest tick (`Sampler.latest()`). */
export interface LatestSample {
  /** Seconds on the same clock as `now()` and `process.hrtime()`. */
  t: number;
  /**
   * Process CPU % over the newest CPU-reading interval (`threadIntervalMs`, default 10 ms) that
   * was read at one instant; null until there is one.
   */
  cpu_percent: number | null;
  rss_bytes: number | null;
  /** macOS phys_footprint (Activity Monitor's "Memory"); null elsewhere. */
  footprint_bytes: number | null;
  system_cpu_percent: number | null;
  system_memory_percent: number | null;
  gpu_util_percent: number | null;
  gpu_process_util_percent: number | null;
  gpu_memory_bytes: number | null;
  gpu_power_watts: number | null;
  thread_count: number | null;
}

/**
 * Timeline samples since the previous `timeline()` call, as columns (one typed array per
 * field, `length` entries each). **NaN means unknown** (never 0): test with `Number.isNaN`, or
 * use {@link timelineRows} to get objects with `null`.
 */
export interface TimelineBatch {
  length: number;
  /** Seconds on the `now()` / `process.hrtime()` clock: right after the CPU clocks were read. */
  t: Float64Array;
  /**
   * Process CPU % since the previous sample with a known figure (one reading interval as a rule);
   * NaN when this reading was preempted midway (no single time: the next known sample covers its
   * interval, so the timeline integrates to the process CPU time). Per-thread entries follow the
   * same rule.
   */
  cpu_percent: Float64Array;
  /** RSS at `t`. */
  rss_bytes: Float64Array;
  /** Highest RSS any tick saw in the interval ending at `t`. */
  rss_peak_bytes: Float64Array;
  footprint_bytes: Float64Array;
  /** Whole machine, over the newest system-loop interval at `t`. */
  system_cpu_percent: Float64Array;
  system_memory_percent: Float64Array;
  /** Newest GPU reading at `t` (the GPU loop, default 100 ms): device utilisation over the covered devices. */
  gpu_util_percent: Float64Array;
  /** This process's GPU utilisation over the newest GPU interval. */
  gpu_process_util_percent: Float64Array;
  /** This process's GPU memory, else the covered devices' memory in use. */
  gpu_memory_bytes: Float64Array;
  /** Power the covered devices report (NVML: a 1 s average on recent GPUs). */
  gpu_power_watts: Float64Array;
  thread_count: Float64Array;
  /**
   * The longest tick interval in force over the sample's interval: `intervalMs` while a window
   * was open throughout it, `idleIntervalMs` when any of it was sampled idle (so `rss_peak_bytes`
   * is the highest of readings that far apart).
   */
  tick_interval_ms: Float64Array;
  /**
   * Per-thread CPU %, one entry per (sample, thread that used CPU in that interval):
   * `sample[i]` is the index of its sample in this batch; `pid[i]` is this process or the
   * attached process the thread belongs to.
   */
  threads: {
    length: number;
    sample: Uint32Array;
    pid: Float64Array;
    tid: Float64Array;
    cpu_percent: Float64Array;
  };
  /** Names of the threads in `threads`, by tid. */
  thread_names: Record<string, string>;
  /**
   * Attached processes, one entry per (sample, process still readable): when its counters were
   * read (`t`, just after the sample's own), its CPU % over the interval since its previous
   * reading with a known figure (NaN: preempted reading, or CPU unreadable), RSS at the sample and
   * the highest tick reading in the interval, thread count. A 10 ms figure is uncertain by up to
   * a scheduler tick per running thread (see the README); sums over time are not.
   */
  targets: {
    length: number;
    sample: Uint32Array;
    pid: Float64Array;
    t: Float64Array;
    cpu_percent: Float64Array;
    rss_bytes: Float64Array;
    rss_peak_bytes: Float64Array;
    thread_count: Float64Array;
  };
  /** Samples lost because the buffer filled before it was drained (raise the drain rate or timelineCapacity). */
  dropped_samples: number;
  dropped_thread_samples: number;
  dropped_target_samples: number;
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
  gpu_process_util_percent: number | null;
  gpu_memory_bytes: number | null;
  gpu_power_watts: number | null;
  thread_count: number | null;
  tick_interval_ms: number;
  /** This process's threads and attached processes' threads (`pid` says whose). */
  threads: { pid: number; tid: number; name: string; cpu_percent: number }[];
  targets: {
    pid: number;
    t: number;
    cpu_percent: number | null;
    rss_bytes: number | null;
    rss_peak_bytes: number | null;
    thread_count: number | null;
  }[];
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
  | 'target_cpu'
  | 'target_thread_cpu'
  | 'target_thread_names'
  | 'target_rss'
  | 'target_rss_high_water'
  | 'target_energy'
  | 'gpu_util'
  | 'gpu_memory_util'
  | 'gpu_memory'
  | 'gpu_power'
  | 'gpu_energy'
  | 'gpu_clock'
  | 'gpu_temperature'
  | 'gpu_throttle'
  | 'gpu_process_memory'
  | 'gpu_process_util'
  | 'gpu_process_busy'
  | 'cpu_energy';

export interface CounterInfo {
  available: boolean;
  /** Where the number comes from (syscall, file, API). */
  source: string;
  /** Why it is not available; null when it is. */
  reason: string | null;
  /** `process`, `thread`, `machine`, `device` (every process on the GPU), `package` (the CPU package), `target` (an attached process). */
  scope: string;
  /**
   * The finest detail the sampler's figures from this counter show, ms: the loop that reads it,
   * or the counter's own update period where that is longer (NVML utilisation 1000). null: a
   * cumulative counter read exactly at window open and close, or a kernel-kept maximum.
   */
  resolution_ms: number | null;
}

/** A GPU the backend found (the run header's `host.gpus`). */
export interface GpuInfo {
  /** Index in this list; `WindowGpuStats.devices` refers to it. */
  index: number;
  /** PCI bus id (NVML, DRM) or registry id. */
  id: string;
  name: string;
  /** `nvidia`, `amd`, `intel`, `apple`; null: unknown. */
  vendor: string | null;
  memory_total_bytes: number | null;
  driver_version: string | null;
  core_count: number | null;
}

/** A channel of the platform's energy source. */
export interface EnergyChannel {
  name: string;
  scope: string;
  available: boolean;
  source: string;
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
  /** `nvml`, `drm` (Linux), `iokit` (macOS), or `none` (every GPU counter's reason says why). */
  gpu_backend: string;
  /** Every GPU the backend found (empty with `none`). */
  gpus: GpuInfo[];
  /** `rapl` (Linux powercap) or `none`. */
  energy_source: string;
  energy_channels: EnergyChannel[];
  /** The GPU loop's interval these resolutions assume (a sampler's own, or the default 100). */
  gpu_interval_ms: number;
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
  /** Of those, ticks taken at the idle interval (no window open). */
  idle_ticks: number;
  /** Deadlines skipped because the thread ran more than one interval late (a busy machine). */
  missed_ticks: number;
  /** Wall time spent inside ticks, excluding sleep. */
  tick_work_seconds: number;
  /** CPU time of the GPU thread (included in thread_cpu_seconds); 0 when it never ran. */
  gpu_thread_cpu_seconds: number;
  /** Passes of the GPU loop, and the wall time spent reading in them. */
  gpu_readings: number;
  gpu_read_seconds: number;
  open_windows: number;
  /** How the sampling thread asked the scheduler for prompt wake-ups, or why it could not. */
  wakeups: string;
  /** Why the sampling thread stopped by itself (it never should); null normally. */
  error: string | null;
}
