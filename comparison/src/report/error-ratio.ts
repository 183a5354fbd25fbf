/**
 * Ratios of two errors when the smaller one can be below what the clocks resolve: llmmon's
 * per-thread attribution reads the same nanosecond counter as the truth, so its error can be
 * 0 or 1e-14, and a plain ratio would print 10^15×. Errors below the floor count as the floor,
 * and the ratio is then a lower bound ("> N×").
 */
import { NA, times } from './markdown.js';

/** Smallest error, in percentage points of one core, that the report resolves. */
export const ERROR_FLOOR_PP = 0.01;

/** a ÷ max(b, floor), and whether the floor was used (the ratio is then a lower bound). */
export function errorRatio(
  a: number | null | undefined,
  b: number | null | undefined,
): { ratio: number; bound: boolean } | null {
  if (a == null || b == null || !Number.isFinite(a) || !Number.isFinite(b)) return null;
  const bound = b < ERROR_FLOOR_PP;
  return { ratio: a / Math.max(b, ERROR_FLOOR_PP), bound };
}

/** "12.3×", "> 3,800×", "both < 0.01 pp" or NA. */
export function errorRatioText(a: number | null | undefined, b: number | null | undefined): string {
  const r = errorRatio(a, b);
  if (!r) return NA;
  if (r.bound && a! < ERROR_FLOOR_PP) return `both < ${ERROR_FLOOR_PP} pp`;
  return `${r.bound ? '> ' : ''}${times(r.ratio)}`;
}
