import { binding, type NativeCapabilities } from './binding.js';
import type { Capabilities, CounterName } from './types.js';

let cached: Capabilities | undefined;

/**
 * What this machine's native sampler can measure: the platform backend, the clock of every
 * timestamp, the GPU backend and its devices, the energy source, and for each counter whether it
 * is available, where it comes from, why not, its scope and its resolution at the default
 * intervals (`sampler.capabilities()` gives a sampler's own). Computed once (it opens the
 * counters' files and loads the GPU library), then cached.
 *
 * @example
 * const caps = capabilities();
 * if (!caps.counters.gpu_util.available) console.log('GPU: null because', caps.counters.gpu_util.reason);
 */
export function capabilities(): Capabilities {
  cached ??= withProcess(binding.capabilities());
  return structuredClone(cached);
}

/** The native description plus what only JS knows (platform, arch, Node-API version). */
export function withProcess(native: NativeCapabilities): Capabilities {
  return { platform: process.platform, arch: process.arch, napi_version: binding.napiVersion, ...native };
}

/** Names of every counter {@link capabilities} reports. */
export const COUNTER_NAMES: readonly CounterName[] = [
  'process_cpu',
  'rss',
  'rss_high_water',
  'footprint',
  'thread_cpu',
  'thread_names',
  'system_cpu',
  'system_memory',
  'target_cpu',
  'target_thread_cpu',
  'target_thread_names',
  'target_rss',
  'target_rss_high_water',
  'target_energy',
  'gpu_util',
  'gpu_memory_util',
  'gpu_memory',
  'gpu_power',
  'gpu_energy',
  'gpu_clock',
  'gpu_temperature',
  'gpu_throttle',
  'gpu_process_memory',
  'gpu_process_util',
  'gpu_process_busy',
  'cpu_energy',
];
