/**
 * What a polling tool would report for a window of time, computed the same way for every tool
 * from its readings alone (`ToolSample`). Each reading is placed at the middle of the span in
 * which it was taken.
 *
 * - Peak: the highest RSS among readings taken (even partly) inside the window. None inside:
 *   the tool has no reading of the window (it missed it).
 * - CPU % over the window, from cumulative CPU times: the change between the last reading at or
 *   before the window's start and the first at or after its end, over the time between them.
 *   That is the tightest span the tool's readings can bracket; everything it cannot see inside
 *   (idle time before and after the work) dilutes its figure, as it would on a dashboard.
 * - CPU % from per-interval percentages (tools that report "% since my last reading"): the
 *   time-weighted mean of the intervals that overlap the window; the same bracket.
 */
import type { ToolSample } from '../tools/types.js';

/** When a reading counts as taken: the middle of the span in which it was taken. */
export const instant = (s: ToolSample) => (s.t0 + s.t1) / 2;

/** Highest RSS a tool saw in [a, b] (bytes); null when none of its readings falls inside. */
export function peakInWindow(samples: readonly ToolSample[], a: number, b: number): number | null {
  let peak: number | null = null;
  for (const s of samples) {
    if (s.t1 < a || s.t0 > b || s.rss_bytes === null) continue;
    if (peak === null || s.rss_bytes > peak) peak = s.rss_bytes;
  }
  return peak;
}

/** The reading pair that brackets [a, b]: last at or before a, first at or after b. */
export function bracket(
  samples: readonly ToolSample[],
  a: number,
  b: number,
): { before: ToolSample; after: ToolSample } | null {
  let before: ToolSample | null = null;
  let after: ToolSample | null = null;
  for (const s of samples) {
    const t = instant(s);
    if (t <= a && (before === null || t > instant(before))) before = s;
    if (t >= b && (after === null || t < instant(after))) after = s;
  }
  return before && after ? { before, after } : null;
}

/**
 * CPU % (100 = one core) from a cumulative CPU time: its change across the readings that bracket
 * [a, b] over the time between them; null when the readings do not bracket the window.
 */
function bracketRate(
  samples: readonly ToolSample[],
  a: number,
  b: number,
  cpuSeconds: (s: ToolSample) => number,
): number | null {
  const br = bracket(samples, a, b);
  if (!br) return null;
  const dt = instant(br.after) - instant(br.before);
  return dt > 0 ? (100 * (cpuSeconds(br.after) - cpuSeconds(br.before))) / dt : null;
}

/**
 * Process CPU % (100 = one core) a tool reports for [a, b]; null when its readings do not
 * bracket the window (it started late or stopped early).
 */
export function cpuPercentOverWindow(samples: readonly ToolSample[], a: number, b: number): number | null {
  const cumulative = samples.filter((s) => s.cpu_seconds !== null);
  if (cumulative.length > 0) return bracketRate(cumulative, a, b, (s) => s.cpu_seconds!);
  const percent = samples.filter((s) => s.cpu_percent !== null);
  let weighted = 0;
  let total = 0;
  let coversStart = false;
  let coversEnd = false;
  for (let i = 1; i < percent.length; i++) {
    const from = instant(percent[i - 1]!);
    const to = instant(percent[i]!);
    if (to <= a || from >= b) continue;
    if (from <= a) coversStart = true;
    if (to >= b) coversEnd = true;
    weighted += percent[i]!.cpu_percent! * (to - from);
    total += to - from;
  }
  return coversStart && coversEnd && total > 0 ? weighted / total : null;
}

/**
 * CPU % (100 = one core) that a tool attributes to the threads `tids` over [a, b], from its
 * per-thread cumulative times; null when it cannot see threads or its readings do not bracket
 * the window. A thread missing from a reading counts as 0 there (it had not started).
 */
export function threadCpuPercentOverWindow(
  samples: readonly ToolSample[],
  a: number,
  b: number,
  tids: readonly number[],
): number | null {
  const sum = (s: ToolSample) => {
    let total = 0;
    for (const [tid, seconds] of s.threads!) if (tids.includes(tid)) total += seconds;
    return total;
  };
  return bracketRate(
    samples.filter((s) => s.threads !== null),
    a,
    b,
    sum,
  );
}
