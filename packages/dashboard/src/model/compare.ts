/**
 * Shaping the server's comparison (`GET /api/compare`) for display: whether a verdict is better,
 * worse or neither. The verdicts themselves are the server's (Welch's t-test); nothing is
 * recomputed here.
 */
import type { CompareVerdict, MetricDelta } from '@llmmon/core/schema';

export type Tone = 'better' | 'worse' | 'neutral';

/** Worse = the server flagged a regression; better = a significant change the good way. */
export function verdictTone(d: Pick<MetricDelta, 'verdict' | 'regression'>): Tone {
  if (d.regression) return 'worse';
  if (d.verdict === 'faster' || d.verdict === 'lower') return 'better';
  if (d.verdict === 'slower' || d.verdict === 'higher') return 'worse';
  return 'neutral';
}

const LABELS: Record<CompareVerdict, string> = {
  faster: 'faster',
  slower: 'slower',
  higher: 'higher',
  lower: 'lower',
  no_significant_change: 'no significant change',
  insufficient_data: 'too few values',
};

export const verdictLabel = (v: CompareVerdict | null) => (v === null ? '' : LABELS[v]);
