/**
 * The sampler seen from core: one small interface with two implementations, the native addon
 * (`@llmmon/sampler-native`, a background thread) and a pure-JS fallback (a timer on the event
 * loop). Measurements keep the record's style (snake_case, unit in the name) so that a window's
 * statistics map onto the operation record field by field.
 */
// Types only: erased at run time, so core still loads (and falls back to the JS sampler) when
// the native package cannot.
import type { WindowStats as NativeWindowStats, TargetWindowStats } from '@llmmon/sampler-native';
import type { HostInfo, SamplerInfo } from '../schema/run.js';

/**
 * Aggregates of one window (one operation): `@llmmon/sampler-native`'s `WindowStats` (each
 * field is documented there), which the JS sampler fills too, except that `threads` may be null.
 */
export interface WindowStats extends Omit<NativeWindowStats, 'threads'> {
  /** Busiest first; `tid` null for the "(exited threads)" remainder; null when not measured (JS sampler). */
  threads: NativeWindowStats['threads'] | null;
}

export type { TargetWindowStats };

/** One timeline point as a sampler hands it over (before core buckets it). */
export interface TimelinePoint {
  /** `process.hrtime.bigint()` clock, in nanoseconds (as a number). */
  t_ns: number;
  /**
   * Process CPU % over the interval that ends at `t_ns` (100 = one core); null when this reading
   * has none (a native reading preempted midway: the next known one covers its interval).
   */
  cpu_percent: number | null;
  /** Length of that interval in seconds (since the previous reading with a known CPU figure). */
  interval_seconds: number;
  rss_bytes: number;
  system_cpu_percent: number | null;
  gpu_util_percent: number | null;
  /** This process's GPU memory, else the devices' in use; null without a GPU backend. */
  gpu_memory_bytes: number | null;
  /** Power the devices report. */
  gpu_power_watts: number | null;
  /** Attached processes read at this point (empty when none). */
  processes: TimelineProcessPoint[];
  /** The sampler's tick interval over the interval (the longest when it changed); null or absent: unknown. */
  tick_interval_ms?: number | null;
}

/** An attached process's reading at a timeline point. */
export interface TimelineProcessPoint {
  pid: number;
  /** When its counters were read (ns, `process.hrtime` clock). */
  t_ns: number;
  /** Its CPU % over `interval_seconds` ending at `t_ns`; null when this reading has none. */
  cpu_percent: number | null;
  interval_seconds: number;
  /** Highest RSS in the interval (else RSS at the reading); null: unreadable. */
  rss_bytes: number | null;
}

/** What attaching a process gave: its name, and why it will not be measured, if so. */
export interface TargetAttach {
  name: string | null;
  /** Null when the sampler reads it; else why not (not found, another user, JS sampler). */
  reason: string | null;
}

/** The run header's `sampler.kind` (`native` or `js`). */
export type SamplerKind = NonNullable<SamplerInfo['kind']>;
/** Which sampler to use: the native one when it loads (`auto`), or one of them by force. */
export type SamplerChoice = 'auto' | SamplerKind;

export interface SamplerBackend {
  readonly kind: SamplerKind;
  /** Tick interval in milliseconds. */
  readonly intervalMs: number;
  /** Windows open now (the poller backs off while there are none). */
  readonly openWindows: number;
  /** How the run header describes this sampler (kind, interval, GPU backend, reason). */
  readonly info: SamplerInfo;
  /** GPUs the backend found; null when it cannot look. */
  readonly gpus: HostInfo['gpus'];
  /** Whether a GPU backend is in use (the record's `gpu_available`). */
  readonly gpuAvailable: boolean;
  /** `light`: the process CPU clock and RSS only (the native sampler; the JS one reads nothing else anyway). */
  openWindow(light?: boolean): number;
  /** Samples `pid` besides this process from now on (`role`: a label of the caller's). */
  addTarget(pid: number, role: string | null): TargetAttach;
  /** Stops sampling `pid`. */
  removeTarget(pid: number): void;
  closeWindow(id: number): WindowStats;
  /** Timeline points since the last call (each point is handed out once). */
  drainTimeline(): TimelinePoint[];
  /** Stop background work; the backend is not used afterwards. */
  stop(): void;
}
