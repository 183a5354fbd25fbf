/**
 * The native sampler's timeline batch (columns, NaN for unknown) as core's timeline points: one
 * per sample, with the attached processes read at it. A CPU figure covers the time since the
 * previous reading of the same process that had one (a reading preempted midway has none; the
 * next known one covers its interval), which is what lets the timeline integrate to CPU time.
 */
import type { TimelineBatch } from '@llmmon/sampler-native';
import type { TimelinePoint, TimelineProcessPoint } from './types.js';

const known = (x: number | undefined) => (x === undefined || Number.isNaN(x) ? null : x);

/**
 * @param lastCpuT per pid (this process under `process.pid`), the time of its newest reading
 *   with a CPU figure; updated in place, so consecutive batches continue each other
 * @param readingIntervalMs the sampler's CPU reading interval (the first interval's length)
 */
export function nativeTimelinePoints(
  batch: TimelineBatch,
  lastCpuT: Map<number, number>,
  readingIntervalMs: number,
): TimelinePoint[] {
  /** Seconds covered by a reading at `t` of `pid` with a known CPU figure (and remembers it). */
  const interval = (pid: number, t: number, cpu: number | null) => {
    if (cpu === null) return 0;
    const previous = lastCpuT.get(pid) ?? t - readingIntervalMs / 1000;
    lastCpuT.set(pid, t);
    return Math.max(0, t - previous);
  };
  const byIndex = processesBySample(batch, interval);
  const points: TimelinePoint[] = [];
  for (let i = 0; i < batch.length; i++) {
    const t = batch.t[i]!;
    const cpu = known(batch.cpu_percent[i]);
    const seconds = interval(process.pid, t, cpu);
    const rss = known(batch.rss_peak_bytes[i]) ?? known(batch.rss_bytes[i]);
    if (rss === null) continue;
    points.push({
      t_ns: t * 1e9,
      cpu_percent: cpu,
      interval_seconds: seconds,
      rss_bytes: rss,
      system_cpu_percent: known(batch.system_cpu_percent[i]),
      gpu_util_percent: known(batch.gpu_util_percent[i]),
      gpu_memory_bytes: known(batch.gpu_memory_bytes[i]),
      gpu_power_watts: known(batch.gpu_power_watts[i]),
      processes: byIndex.get(i) ?? [],
      tick_interval_ms: known(batch.tick_interval_ms[i]),
    });
  }
  return points;
}

/** The attached processes' readings of a batch, by sample index, in time order per process. */
function processesBySample(
  batch: TimelineBatch,
  interval: (pid: number, t: number, cpu: number | null) => number,
): Map<number, TimelineProcessPoint[]> {
  const out = new Map<number, TimelineProcessPoint[]>();
  const targets = batch.targets;
  for (let j = 0; j < targets.length; j++) {
    const pid = targets.pid[j]!;
    const t = targets.t[j]!;
    const cpu = known(targets.cpu_percent[j]);
    const sample = targets.sample[j]!;
    const list = out.get(sample) ?? [];
    list.push({
      pid,
      t_ns: t * 1e9,
      cpu_percent: cpu,
      interval_seconds: interval(pid, t, cpu),
      rss_bytes: known(targets.rss_peak_bytes[j]) ?? known(targets.rss_bytes[j]),
    });
    out.set(sample, list);
  }
  return out;
}
