/**
 * Run comparison: per model, the baseline run's statistics against each other run's, with
 * absolute and relative deltas and a verdict per metric from Welch's t-test on the
 * per-operation values behind the metric.
 */
import {
  COMPARE_FAMILIES,
  COMPARE_METRIC_FAMILY,
  COMPARE_METRICS,
  type CompareAgainstBaseline,
  type CompareFamilyVerdict,
  type CompareMetric,
  type CompareModel,
  type CompareResponse,
  type CompareVerdict,
  type MetricDelta,
  type RunModelStats,
  type RunSummary,
  type WelchTest,
} from '@llmmon/core/schema';
import { type SampleSummary, welchTest } from '../stats/welch.js';
import type { ModelStatsRow, TestedField } from './stats-sql.js';

type Direction = 'slower' | 'faster' | 'higher';
const FAMILY = Object.fromEntries(COMPARE_FAMILIES.map((f) => [f.family, f]));

/** How each metric is judged: its family's test (core's `COMPARE_FAMILIES`), if it has one. */
function testOf(metric: CompareMetric): { field: TestedField; up: Direction } | undefined {
  const family = COMPARE_METRIC_FAMILY[metric];
  return family ? { field: FAMILY[family]!.field as TestedField, up: FAMILY[family]!.up } : undefined;
}

const OPPOSITE = { slower: 'faster', faster: 'slower', higher: 'lower' } as const;

function verdictOf(test: WelchTest, up: Direction): CompareVerdict {
  if (test.n_a < 2 || test.n_b < 2) return 'insufficient_data';
  if (!test.significant) return 'no_significant_change';
  const increased = (test.mean_b ?? 0) > (test.mean_a ?? 0);
  return increased ? up : OPPOSITE[up];
}

function delta(
  baseline: number | null,
  value: number | null,
  test: WelchTest | undefined,
  up?: Direction,
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
  const run = (field: TestedField) => {
    tests[field] ??= welchTest(field, base.samples[field], other.samples[field], alpha);
    return tests[field];
  };
  const metrics = {} as Record<CompareMetric, MetricDelta>;
  for (const m of COMPARE_METRICS) {
    const how = testOf(m);
    metrics[m] = delta(base.stats[m], other.stats[m], how ? run(how.field) : undefined, how?.up);
  }
  const families: CompareFamilyVerdict[] = COMPARE_FAMILIES.map((f) => {
    const test = run(f.field as TestedField);
    const verdict = verdictOf(test, f.up);
    return {
      family: f.family,
      metric: f.metric,
      field: f.field,
      verdict,
      p_value: test.p_value,
      regression: verdict === 'slower' || verdict === 'higher',
    };
  });
  return {
    run_id: other.run_id,
    metrics,
    tests,
    families,
    verdict: verdictOf(run('duration_seconds'), 'slower'),
  };
}

/** A compare answer from the runs' summaries and per-(run, model) statistics; `runIds[0]` is the baseline. */
export function compareResponse(
  runIds: readonly string[],
  runs: RunSummary[],
  rows: readonly ModelStatsRow[],
  alpha: number,
  exclude: readonly string[],
): CompareResponse {
  return {
    runs,
    baseline: runIds[0]!,
    alpha,
    excluded_operations: [...exclude],
    models: compareModels(runIds, rows, alpha),
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
