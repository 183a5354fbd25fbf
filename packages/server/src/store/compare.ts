/**
 * Run comparison: per model, the baseline run's statistics against each other run's, with
 * absolute and relative deltas and a verdict per metric from Welch's t-test on the
 * per-operation values behind the metric.
 */
import {
  COMPARE_METRICS,
  type CompareAgainstBaseline,
  type CompareMetric,
  type CompareModel,
  type CompareVerdict,
  type MetricDelta,
  type RunModelStats,
  type WelchTest,
} from '@llmmon/core/schema';
import { type SampleSummary, welchTest } from '../stats/welch.js';
import type { ModelStatsRow, TestedField } from './stats-sql.js';

/** How each metric is judged: which per-operation field is tested, and what "up" means. */
const METRIC_TESTS: Partial<
  Record<CompareMetric, { field: TestedField; up: 'slower' | 'faster' | 'higher' }>
> = {
  avg_duration_seconds: { field: 'duration_seconds', up: 'slower' },
  p50_duration_seconds: { field: 'duration_seconds', up: 'slower' },
  p95_duration_seconds: { field: 'duration_seconds', up: 'slower' },
  p99_duration_seconds: { field: 'duration_seconds', up: 'slower' },
  throughput_chars_per_sec: { field: 'throughput_chars_per_sec', up: 'faster' },
  avg_tokens_per_sec: { field: 'tokens_per_sec', up: 'faster' },
  avg_time_to_first_token_seconds: { field: 'time_to_first_token_seconds', up: 'slower' },
  avg_memory_mb: { field: 'peak_memory_mb', up: 'higher' },
  avg_cpu_percent: { field: 'cpu_delta_percent', up: 'higher' },
};

const OPPOSITE = { slower: 'faster', faster: 'slower', higher: 'lower' } as const;

function verdictOf(test: WelchTest, up: 'slower' | 'faster' | 'higher'): CompareVerdict {
  if (test.n_a < 2 || test.n_b < 2) return 'insufficient_data';
  if (!test.significant) return 'no_significant_change';
  const increased = (test.mean_b ?? 0) > (test.mean_a ?? 0);
  return increased ? up : OPPOSITE[up];
}

function delta(
  baseline: number | null,
  value: number | null,
  test: WelchTest | undefined,
  up?: 'slower' | 'faster' | 'higher',
): MetricDelta {
  const d = baseline === null || value === null ? null : value - baseline;
  const verdict = test && up ? verdictOf(test, up) : null;
  return {
    baseline,
    value,
    delta: d,
    relative_delta: d === null || !baseline ? null : d / Math.abs(baseline),
    verdict,
    test_field: test?.field ?? null,
    regression: verdict === 'slower' || verdict === 'higher',
  };
}

/** One model, one run against the baseline. */
export function compareAgainst(
  base: { stats: RunModelStats; samples: Record<TestedField, SampleSummary> },
  other: { run_id: string; stats: RunModelStats; samples: Record<TestedField, SampleSummary> },
  alpha: number,
): CompareAgainstBaseline {
  const tests: Record<string, WelchTest> = {};
  const testOf = (field: TestedField) => {
    tests[field] ??= welchTest(field, base.samples[field], other.samples[field], alpha);
    return tests[field];
  };
  const metrics = {} as Record<CompareMetric, MetricDelta>;
  for (const m of COMPARE_METRICS) {
    const how = METRIC_TESTS[m];
    metrics[m] = delta(base.stats[m], other.stats[m], how ? testOf(how.field) : undefined, how?.up);
  }
  return {
    run_id: other.run_id,
    metrics,
    tests,
    verdict: verdictOf(testOf('duration_seconds'), 'slower'),
  };
}

/** Compare answers' `models` from per-(run, model) statistics; `runIds[0]` is the baseline. */
export function compareModels(
  runIds: readonly string[],
  rows: readonly ModelStatsRow[],
  alpha: number,
): CompareModel[] {
  const byModel = new Map<string, Map<string, ModelStatsRow>>();
  // Models in order of first appearance, baseline run first.
  const ordered = [...rows].sort((a, b) => runIds.indexOf(a.run_id) - runIds.indexOf(b.run_id));
  for (const row of ordered) {
    const runs = byModel.get(row.model_name) ?? new Map<string, ModelStatsRow>();
    byModel.set(row.model_name, runs);
    runs.set(row.run_id, row);
  }
  const [baselineId, ...others] = runIds;
  return [...byModel].map(([model, runs]) => {
    const base = runs.get(baselineId!);
    const against: CompareAgainstBaseline[] = [];
    if (base) {
      for (const id of others) {
        const other = runs.get(id);
        if (other) against.push(compareAgainst(base, other, alpha));
      }
    }
    return {
      model_name: model,
      stats: Object.fromEntries(runIds.map((id) => [id, runs.get(id)?.stats ?? null])),
      against_baseline: against,
    };
  });
}
