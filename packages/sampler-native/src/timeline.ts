import type { TimelineBatch, TimelineRow } from './types.js';

const nullable = (v: number | undefined): number | null => (v === undefined || Number.isNaN(v) ? null : v);

/**
 * Turns a columnar {@link TimelineBatch} into one object per sample, with `null` where the
 * batch holds NaN (unknown) and each sample's per-thread CPU attached.
 *
 * @example
 * for (const row of timelineRows(sampler.timeline())) console.log(row.t, row.cpu_percent, row.rss_bytes);
 */
export function timelineRows(batch: TimelineBatch): TimelineRow[] {
  const rows: TimelineRow[] = [];
  for (let i = 0; i < batch.length; i++) {
    rows.push({
      t: batch.t[i]!,
      cpu_percent: nullable(batch.cpu_percent[i]),
      rss_bytes: nullable(batch.rss_bytes[i]),
      rss_peak_bytes: nullable(batch.rss_peak_bytes[i]),
      footprint_bytes: nullable(batch.footprint_bytes[i]),
      system_cpu_percent: nullable(batch.system_cpu_percent[i]),
      system_memory_percent: nullable(batch.system_memory_percent[i]),
      gpu_util_percent: nullable(batch.gpu_util_percent[i]),
      gpu_process_util_percent: nullable(batch.gpu_process_util_percent[i]),
      gpu_memory_bytes: nullable(batch.gpu_memory_bytes[i]),
      gpu_power_watts: nullable(batch.gpu_power_watts[i]),
      thread_count: nullable(batch.thread_count[i]),
      tick_interval_ms: batch.tick_interval_ms[i]!,
      threads: [],
      targets: [],
    });
  }
  const { threads, targets } = batch;
  for (let j = 0; j < threads.length; j++) {
    const tid = threads.tid[j]!;
    rows[threads.sample[j]!]?.threads.push({
      pid: threads.pid[j]!,
      tid,
      name: batch.thread_names[String(tid)] ?? '',
      cpu_percent: threads.cpu_percent[j]!,
    });
  }
  for (let j = 0; j < targets.length; j++) {
    rows[targets.sample[j]!]?.targets.push({
      pid: targets.pid[j]!,
      t: targets.t[j]!,
      cpu_percent: nullable(targets.cpu_percent[j]),
      rss_bytes: nullable(targets.rss_bytes[j]),
      rss_peak_bytes: nullable(targets.rss_peak_bytes[j]),
      thread_count: nullable(targets.thread_count[j]),
    });
  }
  return rows;
}
