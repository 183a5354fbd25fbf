/**
 * What the server did during each level, when it runs on this machine: the native sampler
 * (`@llmmon/sampler-native`) attached to its pid reads the CPU time of all its threads, its
 * resident set and, where counters exist, its GPU use and energy, on the sampler's own thread.
 * Levels are windows of that sampler. Where the sampler cannot load or the process cannot be
 * read, the figures are null and `reason` says why (never 0).
 */
import type { Sampler, TargetWindowStats } from '@llmmon/sampler-native';

/** The server process over one level. */
export interface ServerCost {
  pid: number;
  name: string | null;
  /** CPU time of every thread of the server process (exited ones included). */
  cpuSeconds: number | null;
  avgCpuPercent: number | null;
  peakCpuPercent: number | null;
  /** Highest resident set size seen. */
  peakMemoryMb: number | null;
  /** The process's own energy counter, where the OS keeps one (macOS); else null. */
  energyJoules: number | null;
  /** CPU package energy over the level (RAPL): the whole package, every process on it. */
  packageJoules: number | null;
  /** The process's own GPU utilisation (mean), and its highest GPU memory. */
  gpuUtilAvgPercent: number | null;
  gpuMemoryPeakMb: number | null;
  /** Why figures are missing (null when none is). */
  reason: string | null;
}

export interface ServerWatch {
  /** Starts a level's window. */
  open(): number;
  /** Ends it: what the server did in it. */
  close(window: number): ServerCost;
  stop(): void;
}

const MB = 2 ** 20;
/** Ticks of 5 ms: the server's RSS peak at that resolution, for a fraction of a core's 1 ms cost. */
const INTERVAL_MS = 5;

function cost(pid: number, t: TargetWindowStats | undefined, packageJoules: number | null): ServerCost {
  if (!t) return unmeasured(pid, 'the sampler did not report the process');
  const mb = (b: number | null) => (b === null ? null : b / MB);
  return {
    pid,
    name: t.name,
    cpuSeconds: t.cpu_seconds,
    avgCpuPercent: t.avg_cpu_percent,
    peakCpuPercent: t.peak_cpu_percent,
    peakMemoryMb: mb(t.rss_peak_bytes),
    energyJoules: t.energy_joules,
    packageJoules,
    gpuUtilAvgPercent: t.gpu?.process_util_avg_percent ?? null,
    gpuMemoryPeakMb: mb(t.gpu?.memory_peak_bytes ?? null),
    reason: t.reason ?? (t.status === 'ok' ? null : t.status),
  };
}

/** A cost of nothing measured, with the reason. */
export function unmeasured(pid: number, reason: string): ServerCost {
  return {
    pid,
    name: null,
    cpuSeconds: null,
    avgCpuPercent: null,
    peakCpuPercent: null,
    peakMemoryMb: null,
    energyJoules: null,
    packageJoules: null,
    gpuUtilAvgPercent: null,
    gpuMemoryPeakMb: null,
    reason,
  };
}

/**
 * Attaches the sampler to `pid`.
 * @returns the watch, or the one-line reason it cannot be had (no native sampler here)
 */
export async function watchServer(pid: number): Promise<ServerWatch | { reason: string }> {
  let native: typeof import('@llmmon/sampler-native');
  try {
    native = await import('@llmmon/sampler-native');
  } catch (error) {
    return { reason: `native sampler unavailable: ${(error as Error).message.split('\n')[0]}` };
  }
  let sampler: Sampler;
  try {
    sampler = new native.Sampler({ intervalMs: INTERVAL_MS, targets: [{ pid, role: 'server' }] }).start();
  } catch (error) {
    return { reason: `cannot attach: ${(error as Error).message.split('\n')[0]}` };
  }
  return {
    open: () => sampler.openWindow(),
    close(window) {
      const w = sampler.closeWindow(window);
      return cost(
        pid,
        w.targets.find((t) => t.pid === pid),
        w.cpu_energy_joules,
      );
    },
    stop: () => {
      sampler.stop();
    },
  };
}
