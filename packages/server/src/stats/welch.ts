/**
 * Welch's unequal-variance t-test from summary statistics (n, mean, sample variance), which is
 * what the SQL aggregates give: the test never needs the raw values in JS.
 */
import { studentTTwoSidedP, type WelchTest } from '@llmmon/core/schema';

/** n, mean and sample variance (n − 1) of one side. */
export interface SampleSummary {
  n: number;
  mean: number | null;
  variance: number | null;
}

/**
 * Welch's t-test of `a` (baseline) against `b`: t = (mean_b − mean_a) / √(s²_a/n_a + s²_b/n_b),
 * Welch–Satterthwaite df, two-sided p. Below two values on a side, or with zero variance on
 * both sides, t and p are null (equal means) or p is 0 (different means, no spread: certain).
 * @example welchTest('duration_seconds', { n: 10, mean: 1, variance: 0.01 }, { n: 10, mean: 1.2, variance: 0.01 }, 0.05)
 */
export function welchTest(field: string, a: SampleSummary, b: SampleSummary, alpha: number): WelchTest {
  const base: WelchTest = {
    field,
    n_a: a.n,
    n_b: b.n,
    mean_a: a.mean,
    mean_b: b.mean,
    t: null,
    df: null,
    p_value: null,
    significant: false,
  };
  if (a.n < 2 || b.n < 2 || a.mean === null || b.mean === null || a.variance === null || b.variance === null)
    return base;
  const va = a.variance / a.n;
  const vb = b.variance / b.n;
  const se2 = va + vb;
  const diff = b.mean - a.mean;
  if (se2 === 0) {
    // No spread on either side: the means differ for certain, or they do not at all.
    return diff === 0 ? base : { ...base, p_value: 0, significant: true };
  }
  const t = diff / Math.sqrt(se2);
  const df = (se2 * se2) / ((va * va) / (a.n - 1) + (vb * vb) / (b.n - 1));
  const p = studentTTwoSidedP(t, df);
  return { ...base, t, df, p_value: p, significant: p < alpha };
}
