/**
 * Median and spread of a measurement series. Quantiles are core's type 7 (`quantileSorted`, the
 * method of DuckDB's `quantile_cont`), so a figure here and one computed in SQL agree.
 */
import { quantileSorted } from '@llmmon/core/schema';

/** A series reduced to what the tables print: median, quartiles and extremes. */
export interface Spread {
  n: number;
  median: number | null;
  p25: number | null;
  p75: number | null;
  min: number | null;
  max: number | null;
}

/**
 * Median, quartiles and extremes of the finite values (NaN and ±Infinity are left out: they mark
 * "no reading", which the caller counts separately).
 * @example spread([3, 1, 2]) // { n: 3, median: 2, p25: 1.5, p75: 2.5, min: 1, max: 3 }
 */
export function spread(values: readonly number[]): Spread {
  const sorted = values.filter(Number.isFinite).sort((a, b) => a - b);
  return {
    n: sorted.length,
    median: quantileSorted(sorted, 0.5),
    p25: quantileSorted(sorted, 0.25),
    p75: quantileSorted(sorted, 0.75),
    min: sorted[0] ?? null,
    max: sorted[sorted.length - 1] ?? null,
  };
}

/** Median of the finite values; null when there are none. */
export function median(values: readonly number[]): number | null {
  return spread(values).median;
}

/**
 * Wilson score interval (95 %) of a proportion: an honest spread for "caught k of n" even at
 * k = n, where the normal approximation collapses to a zero-width interval.
 * @example wilson(200, 200) // { low: 0.981…, high: 1 }
 */
export function wilson(successes: number, trials: number): { low: number; high: number } {
  if (trials === 0) return { low: 0, high: 1 };
  const z = 1.959964;
  const p = successes / trials;
  const denom = 1 + (z * z) / trials;
  const centre = (p + (z * z) / (2 * trials)) / denom;
  const half = (z * Math.sqrt((p * (1 - p)) / trials + (z * z) / (4 * trials * trials))) / denom;
  return { low: Math.max(0, centre - half), high: Math.min(1, centre + half) };
}

/** a ÷ b, or null when either is unknown or b is 0. */
export function ratio(a: number | null | undefined, b: number | null | undefined): number | null {
  if (a == null || b == null || !Number.isFinite(a) || !Number.isFinite(b) || b === 0) return null;
  return a / b;
}
