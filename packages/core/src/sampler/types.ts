/**
 * The sampler seen from core: one small interface with two implementations, the native addon
 * (`@llmmon/sampler-native`, a background thread) and a pure-JS fallback (a timer on the event
 * loop). Measurements keep the record's style (snake_case, unit in the name) so that a window's
 * statistics map onto the operation record field by field.
 */
// Types only: erased at run time, so core still loads (and falls back to the JS sampler) when
// the native package cannot.
import type { WindowStats as NativeWindowStats } from '@llmmon/sampler-native';
import type { HostInfo, SamplerInfo } from '../schema/run.js';

/**
 * Aggregates of one window (one operation): `@llmmon/sampler-native`'s `WindowStats` (each
 * field is documented there), which the JS sampler fills too, except that `threads` may be null.
 */
export interface WindowStats extends Omit<NativeWindowStats, 'threads'> {
  /** Busiest first; `tid` null for the "(exited threads)" remainder; null when not measured (JS sampler). */
  threads: NativeWindowStats['threads'] | null;
}

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
  /** The sampler's tick interval over the interval (the longest when it changed); null or absent: unknown. */
  tick_interval_ms?: number | null;
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
  /** Whether GPU counters are available (the record's `gpu_available`). */
  readonly gpuAvailable: boolean;
  /** `light`: the process CPU clock and RSS only (the native sampler; the JS one reads nothing else anyway). */
  openWindow(light?: boolean): number;
  closeWindow(id: number): WindowStats;
  /** Timeline points since the last call (each point is handed out once). */
  drainTimeline(): TimelinePoint[];
  /** Stop background work; the backend is not used afterwards. */
  stop(): void;
}
