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
import type { SamplerInfo } from '../schema/run.js';
import type { SamplerBackend, TimelinePoint, WindowStats } from './types.js';

export const NATIVE_DEFAULT_INTERVAL_MS = 1;
/**
 * Tick interval while no operation is open (idle sampling): a monitor left on in a service that
 * calls a model now and then costs ~0.2-0.3 % of a core at 100 ms instead of ~3-4 % at 1 ms.
 */
export const NATIVE_DEFAULT_IDLE_INTERVAL_MS = 100;
const NATIVE_MODULE = '@llmmon/sampler-native';

export type NativeLoad =
  | { ok: true; create(intervalMs: number, idleIntervalMs: number): SamplerBackend }
  | { ok: false; reason: string };

const loads = new Map<string, NativeLoad>();

const firstLine = (e: unknown) => (e instanceof Error ? e.message : String(e)).split('\n')[0]!.trim();

const GPU_BACKENDS: readonly NonNullable<SamplerInfo['gpu_backend']>[] = ['nvml', 'drm', 'iokit', 'none'];
/** Counters whose absence the run header reports (process CPU and RSS are always there). */
const REPORTED_COUNTERS = ['thread_cpu', 'system_cpu', 'system_memory', 'gpu_util', 'gpu_memory'] as const;

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
            create: (intervalMs, idleIntervalMs) => new NativeBackend(mod, intervalMs, idleIntervalMs),
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
  /** The native sampler cannot list devices yet; null = not known (not "no GPU"). */
  readonly gpus = null;
  readonly gpuAvailable: boolean;
  #sampler: NativeModule.Sampler;
  #lastCpuT: number | null = null;

  constructor(mod: typeof NativeModule, intervalMs: number, idleIntervalMs: number) {
    // At least the tick interval: a slower tick than the idle one needs no idle sampling.
    this.#sampler = new mod.Sampler({
      intervalMs,
      idleIntervalMs: Math.max(intervalMs, idleIntervalMs),
    }).start();
    this.intervalMs = this.#sampler.intervalMs;
    const caps = this.#sampler.capabilities();
    this.gpuAvailable = caps.counters.gpu_util.available;
    const missing = REPORTED_COUNTERS.flatMap((name) => {
      const c = caps.counters[name];
      return c.available ? [] : [`${name}: ${c.reason ?? 'unavailable'}`];
    });
    const gpuBackend = GPU_BACKENDS.find((b) => b === caps.gpu_backend) ?? null;
    this.info = {
      kind: 'native',
      interval_ms: this.intervalMs,
      idle_interval_ms: this.#sampler.idleIntervalMs > this.intervalMs ? this.#sampler.idleIntervalMs : null,
      gpu_backend: gpuBackend,
      reason: missing.length ? missing.join('; ') : null,
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

  drainTimeline(): TimelinePoint[] {
    const batch = this.#sampler.timeline();
    const points: TimelinePoint[] = [];
    const nullable = (x: number | undefined) => (x === undefined || Number.isNaN(x) ? null : x);
    for (let i = 0; i < batch.length; i++) {
      const t = batch.t[i]!;
      const cpu = batch.cpu_percent[i]!;
      const rss = nullable(batch.rss_peak_bytes[i]) ?? nullable(batch.rss_bytes[i]);
      // A sample's CPU covers the time since the previous sample whose CPU is known (a sample
      // without it was read while the sampler was preempted; the next one covers its interval).
      const known = !Number.isNaN(cpu);
      // (The first sample covers one CPU reading interval, or one idle tick when it was idle.)
      const first = Math.max(this.#sampler.threadIntervalMs, batch.tick_interval_ms[i] ?? 0);
      const previous = this.#lastCpuT ?? t - first / 1000;
      if (known) this.#lastCpuT = t;
      if (rss === null) continue;
      points.push({
        t_ns: t * 1e9,
        cpu_percent: known ? cpu : null,
        interval_seconds: known ? Math.max(0, t - previous) : 0,
        rss_bytes: rss,
        system_cpu_percent: nullable(batch.system_cpu_percent[i]),
        gpu_util_percent: nullable(batch.gpu_util_percent[i]),
        tick_interval_ms: nullable(batch.tick_interval_ms[i]),
      });
    }
    return points;
  }

  stop(): void {
    this.#sampler.stop();
  }
}
