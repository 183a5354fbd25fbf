/**
 * The strips under the resource timeline, from a run's samples: this process's CPU and RSS, the
 * machine's CPU, the GPU (utilisation, memory, power) and each attached process's CPU and RSS
 * (a local model server). A strip appears only when its samples have a value: a run without a
 * GPU or an attached process shows none of theirs.
 */
import type { RunHeader, Sample } from '@llmmon/core/schema';
import { OKABE_ITO } from './palette.js';
import { decimateMinMax, type Point } from './timeline.js';

export interface StripSeries {
  label: string;
  points: readonly Point[];
  stroke: string;
  dashed?: boolean;
  area?: number;
}

export interface Strip {
  id: string;
  title: string;
  series: StripSeries[];
  yMax: number;
}

const maxOf = (series: readonly StripSeries[]) =>
  series.reduce((m, s) => s.points.reduce((n, p) => Math.max(n, p.v), m), 0);

/** The attached processes' pids in the samples, first-seen order, each with its label. */
export function attachedProcesses(
  samples: readonly Sample[],
  attached: RunHeader['attached'],
): { pid: number; label: string }[] {
  const pids: number[] = [];
  for (const s of samples) for (const p of s.processes ?? []) if (!pids.includes(p.pid)) pids.push(p.pid);
  return pids.map((pid) => {
    const entry = attached?.find((a) => a.pid === pid);
    const name = entry?.name ? `${entry.name} ` : '';
    return { pid, label: `${name}(${pid})${entry?.role ? ` ${entry.role}` : ''}` };
  });
}

/** The strips to draw, in order; `buckets`: points per series (min/max decimation). */
export function timelineStrips(samples: readonly Sample[], run: RunHeader, buckets: number): Strip[] {
  const line = (value: (s: Sample) => number | null) => decimateMinMax(samples, value, buckets);
  const procs = attachedProcesses(samples, run.attached);
  const perProcess = (value: (p: NonNullable<Sample['processes']>[number]) => number | null) =>
    procs.map(({ pid, label }, i) => ({
      label,
      points: line((s) => {
        const p = s.processes?.find((x) => x.pid === pid);
        return p ? value(p) : null;
      }),
      stroke: OKABE_ITO[(i + 4) % OKABE_ITO.length]!,
    }));
  const strips: (Omit<Strip, 'yMax'> & { min?: number })[] = [
    {
      id: 'cpu',
      title: 'process CPU (%)',
      series: [{ label: 'process CPU', points: line((s) => s.cpu_percent), stroke: '#0072B2', area: 0.12 }],
    },
    {
      id: 'rss',
      title: 'RSS (MB)',
      series: [{ label: 'RSS', points: line((s) => s.rss_mb), stroke: '#009E73', area: 0.12 }],
    },
    {
      id: 'system-cpu',
      title: 'system CPU (%)',
      series: [
        { label: 'system CPU', points: line((s) => s.system_cpu_percent), stroke: '#E69F00', dashed: true },
      ],
      min: 100,
    },
    {
      id: 'gpu',
      title: 'GPU (%)',
      series: [{ label: 'GPU', points: line((s) => s.gpu_util_percent), stroke: '#CC79A7' }],
      min: 100,
    },
    {
      id: 'gpu-memory',
      title: 'GPU memory (MB)',
      series: [{ label: 'GPU memory', points: line((s) => s.gpu_memory_mb), stroke: '#CC79A7', area: 0.12 }],
    },
    {
      id: 'gpu-power',
      title: 'GPU power (W)',
      series: [{ label: 'GPU power', points: line((s) => s.gpu_power_watts), stroke: '#D55E00' }],
    },
    { id: 'attached-cpu', title: 'attached processes: CPU (%)', series: perProcess((p) => p.cpu_percent) },
    { id: 'attached-rss', title: 'attached processes: RSS (MB)', series: perProcess((p) => p.rss_mb) },
  ];
  return strips
    .map(({ min, ...s }) => ({ ...s, series: s.series.filter((x) => x.points.length > 0) }))
    .filter((s) => s.series.length > 0)
    .map((s) => ({ ...s, yMax: Math.max(strips.find((x) => x.id === s.id)!.min ?? 0, maxOf(s.series)) }));
}
