/**
 * `@llmmon/sampler-native`: a native background sampler of per-thread CPU clocks, RSS,
 * whole-machine CPU/memory and GPU counters, with begin/end windows and a timeline.
 *
 * Importing this module loads the native addon; when it cannot, the import throws one
 * `SamplerLoadError` (`code: 'ERR_LLMMON_SAMPLER_LOAD'`) whose message lists every path tried
 * with its reason and the possible solutions. `@llmmon/core` catches it and uses its JS sampler.
 */
import { binding } from './binding.js';

export { COUNTER_NAMES, capabilities } from './capabilities.js';
export {
  FindProcessError,
  type FindProcessErrorCode,
  type FoundProcess,
  findProcesses,
  type ProcessQuery,
} from './find.js';
export { type LoadAttempt, SamplerLoadError } from './load.js';
export { Sampler } from './sampler.js';
export { timelineRows } from './timeline.js';
export type * from './types.js';

/**
 * The calling thread's OS thread id: the Linux kernel tid (`/proc/self/task/<tid>`, what
 * `WindowStats.threads[].tid` holds), the 64-bit thread id on macOS. Call it inside a worker to
 * learn the worker's tid.
 *
 * @example
 * const mainTid = threadId(); // === process.pid on Linux's main thread
 */
export function threadId(): number {
  return binding.threadId();
}

/**
 * Now, in seconds, on the clock of every sample's `t`: the same clock as
 * `process.hrtime.bigint()` (libuv's uv_hrtime: CLOCK_MONOTONIC on Linux,
 * mach_continuous_time on macOS), so `Number(process.hrtime.bigint()) / 1e9` and `now()` agree.
 *
 * @example
 * const t0 = now(); await op(); const samples = timelineRows(sampler.timeline()).filter((s) => s.t >= t0);
 */
export function now(): number {
  return binding.now();
}

/** {@link now} in nanoseconds, directly comparable with `process.hrtime.bigint()`. */
export function nowNs(): bigint {
  return binding.nowNs();
}
