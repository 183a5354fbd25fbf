/**
 * Shapes for the time-based charts: operations as spans on the run's time axis (seconds since
 * the run started, the axis the sampler's samples use) and min/max decimation of long sample
 * series so a line stays cheap to draw without losing its peaks.
 */
import type { OperationRecord, RunHeader, Sample } from '@llmmon/core/schema';

export interface Span {
  /** Start and end, seconds since the run started. */
  t0: number;
  t1: number;
  /** Lane (the model's index in first-seen order). */
  lane: number;
  record: OperationRecord;
}

/**
 * One span per operation whose timestamp parses. The zero is `run.started_at`; files of the
 * original monitor have none, and `normalizeMetrics` sets it to their first timestamp.
 */
export function operationSpans(
  run: RunHeader,
  records: readonly OperationRecord[],
  models: readonly string[],
) {
  const zero = Date.parse(run.started_at);
  const lanes = new Map(models.map((m, i) => [m, i]));
  const spans: Span[] = [];
  for (const record of records) {
    const start = Date.parse(record.timestamp);
    if (Number.isNaN(start) || Number.isNaN(zero)) continue;
    const t0 = (start - zero) / 1000;
    spans.push({ t0, t1: t0 + record.duration_seconds, lane: lanes.get(record.model_name) ?? 0, record });
  }
  return spans;
}

/** [min, max] of the time axis covering the spans and the samples; null when both are empty. */
export function timeExtent(spans: readonly Span[], samples: readonly Sample[]): [number, number] | null {
  let lo = Number.POSITIVE_INFINITY;
  let hi = Number.NEGATIVE_INFINITY;
  for (const s of spans) {
    if (s.t0 < lo) lo = s.t0;
    if (s.t1 > hi) hi = s.t1;
  }
  for (const s of samples) {
    if (s.t < lo) lo = s.t;
    if (s.t > hi) hi = s.t;
  }
  if (lo > hi) return null;
  return lo === hi ? [lo, lo + 1] : [Math.min(0, lo), hi];
}

export interface Point {
  t: number;
  v: number;
}

/**
 * At most about `2 × buckets` points: for each of `buckets` equal time slices, the lowest and the
 * highest value in time order. A line through them looks like the line through every point at
 * that width (every peak and dip is kept), at a fraction of the cost. Null values are skipped.
 * @example
 * decimateMinMax(samples, (s) => s.cpu_percent, 600); // ≤ 1200 points whatever the sample count
 */
export function decimateMinMax<T extends { t: number }>(
  items: readonly T[],
  value: (item: T) => number | null,
  buckets: number,
): Point[] {
  const points: Point[] = [];
  for (const it of items) {
    const v = value(it);
    if (v !== null && Number.isFinite(v)) points.push({ t: it.t, v });
  }
  if (points.length <= 2 * buckets || buckets < 1) return points;
  const t0 = points[0]!.t;
  const width = (points[points.length - 1]!.t - t0) / buckets || 1;
  const out: Point[] = [];
  let i = 0;
  while (i < points.length) {
    const bucket = Math.min(buckets - 1, Math.floor((points[i]!.t - t0) / width));
    let min = points[i]!;
    let max = points[i]!;
    i++;
    while (i < points.length && Math.min(buckets - 1, Math.floor((points[i]!.t - t0) / width)) === bucket) {
      const p = points[i]!;
      if (p.v < min.v) min = p;
      if (p.v > max.v) max = p;
      i++;
    }
    if (min === max) out.push(min);
    else if (min.t <= max.t) out.push(min, max);
    else out.push(max, min);
  }
  return out;
}

/** Index of the sample nearest to time `t` (samples sorted by t); -1 when there are none. */
export function nearestIndex(items: readonly { t: number }[], t: number): number {
  if (items.length === 0) return -1;
  let lo = 0;
  let hi = items.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (items[mid]!.t < t) lo = mid + 1;
    else hi = mid;
  }
  if (lo > 0 && Math.abs(items[lo - 1]!.t - t) <= Math.abs(items[lo]!.t - t)) return lo - 1;
  return lo;
}

/** Spans sorted by start, and the longest one's length: what `spansAt` searches. */
export interface SpanIndex {
  byStart: readonly Span[];
  longest: number;
}

export function indexSpans(spans: readonly Span[]): SpanIndex {
  let longest = 0;
  for (const s of spans) if (s.t1 - s.t0 > longest) longest = s.t1 - s.t0;
  return { byStart: [...spans].sort((a, b) => a.t0 - b.t0), longest };
}

/**
 * The spans that contain time `t`, each widened by `slack` both ways, in start order. The
 * timeline's hover asks at every pointer move over up to 100,000 spans, so a binary search skips
 * the spans that start more than the longest span's length before `t` (they have ended).
 */
export function spansAt({ byStart, longest }: SpanIndex, t: number, slack = 0): Span[] {
  const from = t - slack - longest;
  let a = 0;
  let b = byStart.length;
  while (a < b) {
    const m = (a + b) >> 1;
    if (byStart[m]!.t0 < from) a = m + 1;
    else b = m;
  }
  const out: Span[] = [];
  for (let i = a; i < byStart.length && byStart[i]!.t0 - slack <= t; i++) {
    if (byStart[i]!.t1 + slack >= t) out.push(byStart[i]!);
  }
  return out;
}

/** A thread's share of an operation's CPU, for the per-thread chart. */
export interface ThreadBar {
  label: string;
  name: string;
  tid: number | null;
  cpu_seconds: number;
  /** Share of the operation's CPU time (cpu_time_seconds, or the threads' sum when absent). */
  share: number | null;
}

export function threadBars(record: OperationRecord): ThreadBar[] {
  const threads = record.threads ?? [];
  const total = record.cpu_time_seconds ?? threads.reduce((a, t) => a + t.cpu_seconds, 0);
  return threads.map((t) => ({
    label: t.tid === null ? t.name : `${t.name} (${t.tid})`,
    name: t.name,
    tid: t.tid,
    cpu_seconds: t.cpu_seconds,
    share: total > 0 ? t.cpu_seconds / total : null,
  }));
}
