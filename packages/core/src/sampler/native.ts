/**
 * The native sampler (`@llmmon/sampler-native`), loaded on first use. Loading is synchronous
 * (`require` of the ES module, supported since Node 20.19) so that `startOperation()`, which is
 * synchronous, is measured by the native sampler from the very first operation. A package that
 * cannot load (not built, unsupported platform) throws one actionable Error; its first line
 * becomes the reason the run records for using the JS sampler.
 *
 * The package's built entry point (its `exports` `default`, i.e. `dist/`) is required by path:
 * `require` cannot run the TypeScript sources that the workspace's `llmmon-source` export
 * condition points at, and that condition is active under Vitest.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import type * as NativeModule from '@llmmon/sampler-native';
import { BYTES_PER_MB, LIMITS } from '../schema/field.js';
import type { HostInfo, SamplerInfo } from '../schema/run.js';
import { nativeTimelinePoints } from './native-timeline.js';
import type { SamplerBackend, TargetAttach, TimelinePoint, WindowStats } from './types.js';

export const NATIVE_DEFAULT_INTERVAL_MS = 1;
/**
 * Tick interval while no operation is open (idle sampling): a monitor left on in a service that
 * calls a model now and then. What a tick costs is mostly waking the thread, and a wake-up after
 * a long sleep costs more than one after a short one (cold caches; on the loaded 2-vCPU test VM
 * a bare sleep loop costs ~124 us per wake-up at 100 ms, ~420 us at 1 s): 1 s idle ticks cost
 * the sampling thread ~0.08 % of a core there, 100 ms ones ~0.25 %, 1 ms ones ~3-4 %
 * (sampler-native's `pnpm perf`). 100 ms, not 1 s: with 1 s idle ticks the timeline's integral
 * read 1-2 % above the process's CPU time in 3 of 6 runs of timeline-invariants.test.ts (the
 * reading that ends an idle stretch spans up to a second); at 100 ms it holds.
 */
export const NATIVE_DEFAULT_IDLE_INTERVAL_MS = 100;
const NATIVE_MODULE = '@llmmon/sampler-native';

/** Intervals of a native sampler (ms); undefined: the sampler's default. */
export interface NativeIntervals {
  intervalMs: number;
  /** Tick while no window is open (idle sampling). */
  idleIntervalMs: number;
  gpuIntervalMs?: number;
}

export type NativeLoad =
  | {
      ok: true;
      create(intervals: NativeIntervals): SamplerBackend;
      /** `@llmmon/sampler-native`'s `findProcesses`. */
      findProcesses: typeof NativeModule.findProcesses;
    }
  | { ok: false; reason: string };

const loads = new Map<string, NativeLoad>();

const firstLine = (e: unknown) => (e instanceof Error ? e.message : String(e)).split('\n')[0]!.trim();

const GPU_BACKENDS: readonly NonNullable<SamplerInfo['gpu_backend']>[] = ['nvml', 'drm', 'iokit', 'none'];
/**
 * Counters whose absence the run header reports, each behind a record field (process CPU and RSS
 * are always there). Counters missing for one reason are named together, once.
 */
const REPORTED_COUNTERS = [
  'thread_cpu',
  'system_cpu',
  'system_memory',
  'gpu_util',
  'gpu_memory',
  'gpu_process_memory',
  'gpu_process_util',
  'gpu_process_busy',
  'gpu_energy',
  'gpu_throttle',
  'cpu_energy',
] as const;

/** The run header's reason: each reason once, after the counters it explains; cut to the schema's limit. */
export function missingCounters(counters: NativeModule.Capabilities['counters']): string | null {
  const byReason = new Map<string, string[]>();
  for (const name of REPORTED_COUNTERS) {
    const c = counters[name];
    if (c.available) continue;
    const reason = c.reason ?? 'unavailable';
    byReason.set(reason, [...(byReason.get(reason) ?? []), name]);
  }
  const text = [...byReason].map(([reason, names]) => `${names.join(', ')}: ${reason}`).join('; ');
  if (!text) return null;
  return text.length <= LIMITS.textLength ? text : `${text.slice(0, LIMITS.textLength - 1)}…`;
}

/** The run header's `host.gpus` from the backend's device list. */
export function hostGpus(gpus: readonly NativeModule.GpuInfo[]): NonNullable<HostInfo['gpus']> {
  return gpus.map((g) => ({
    index: g.index,
    id: g.id || null,
    name: g.name,
    vendor: g.vendor,
    memory_total_mb: g.memory_total_bytes === null ? null : g.memory_total_bytes / BYTES_PER_MB,
    driver_version: g.driver_version,
    core_count: g.core_count,
  }));
}

/** Loads `@llmmon/sampler-native` once per process (per specifier); never throws. */
export function loadNativeSampler(specifier = NATIVE_MODULE): NativeLoad {
  let cached = loads.get(specifier);
  if (cached) return cached;
  try {
    const require = createRequire(import.meta.url);
    const mod = require(builtEntry(require, specifier)) as typeof NativeModule;
    cached =
      typeof mod.Sampler === 'function'
        ? {
            ok: true,
            create: (intervals) => new NativeBackend(mod, intervals),
            findProcesses: mod.findProcesses,
          }
        : { ok: false, reason: `${specifier} has no Sampler export` };
  } catch (error) {
    cached = { ok: false, reason: firstLine(error) };
  }
  loads.set(specifier, cached);
  return cached;
}

/** Absolute path of a package's built entry point (`exports["."].default`, else `main`). */
function builtEntry(require: NodeJS.Require, specifier: string): string {
  const manifest = require.resolve(`${specifier}/package.json`);
  const pkg = JSON.parse(readFileSync(manifest, 'utf8')) as {
    exports?: { '.'?: { default?: string } };
    main?: string;
  };
  const entry = pkg.exports?.['.']?.default ?? pkg.main ?? 'index.js';
  return path.resolve(path.dirname(manifest), entry);
}

class NativeBackend implements SamplerBackend {
  readonly kind = 'native';
  readonly intervalMs: number;
  readonly info: SamplerInfo;
  readonly gpus: HostInfo['gpus'];
  readonly gpuAvailable: boolean;
  #sampler: NativeModule.Sampler;
  #lastCpuT = new Map<number, number>();

  constructor(mod: typeof NativeModule, intervals: NativeIntervals) {
    // The idle tick is at least the tick interval: a slower tick than the idle one needs no idle sampling.
    this.#sampler = new mod.Sampler({
      intervalMs: intervals.intervalMs,
      idleIntervalMs: Math.max(intervals.intervalMs, intervals.idleIntervalMs),
      ...(intervals.gpuIntervalMs !== undefined && { gpuIntervalMs: intervals.gpuIntervalMs }),
    }).start();
    this.intervalMs = this.#sampler.intervalMs;
    const caps = this.#sampler.capabilities();
    // A backend is in use even where it has no device-wide utilisation (DRM on Intel: per-process
    // engine time only); the fields it cannot fill are null with the reason in the header.
    this.gpuAvailable = caps.gpu_backend !== 'none';
    this.gpus = hostGpus(caps.gpus);
    this.info = {
      kind: 'native',
      interval_ms: this.intervalMs,
      idle_interval_ms: this.#sampler.idleIntervalMs > this.intervalMs ? this.#sampler.idleIntervalMs : null,
      gpu_backend: GPU_BACKENDS.find((b) => b === caps.gpu_backend) ?? null,
      gpu_interval_ms: this.#sampler.gpuIntervalMs,
      energy_source: caps.energy_source,
      reason: missingCounters(caps.counters),
    };
  }

  get openWindows(): number {
    return this.#sampler.openWindows;
  }

  openWindow(light = false): number {
    return this.#sampler.openWindow({ light });
  }

  closeWindow(id: number): WindowStats {
    return this.#sampler.closeWindow(id);
  }

  addTarget(pid: number, role: string | null): TargetAttach {
    const info = this.#sampler.addTarget(pid, role === null ? {} : { role });
    return { name: info.name, reason: info.status === 'ok' ? null : info.reason };
  }

  removeTarget(pid: number): void {
    this.#sampler.removeTarget(pid);
    this.#lastCpuT.delete(pid);
  }

  drainTimeline(): TimelinePoint[] {
    return nativeTimelinePoints(this.#sampler.timeline(), this.#lastCpuT, this.#sampler.threadIntervalMs);
  }

  stop(): void {
    this.#sampler.stop();
  }
}
