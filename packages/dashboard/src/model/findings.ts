/**
 * Findings: the original monitor's optimisation tips (memory high → lower quantization or smaller
 * batches; CPU high → smaller batches or a GPU; duration high → GPU, batching, quantization;
 * throughput low → larger batches if memory allows), turned into rules over the run's own
 * numbers. Each finding carries the figure that triggered it and the threshold it crossed; a run
 * where nothing is out of line gets none. Thresholds are in `FINDING_THRESHOLDS`, documented in
 * the package README.
 */
import { mean, type OperationRecord, quantile, type RunHeader } from '@llmmon/core/schema';
import { formatNumber, withUnit } from './format.js';
import { byModel, countsInStats, type ModelSummary, modelSummaries } from './model-metrics.js';

export const FINDING_THRESHOLDS = {
  /** memory-high: a model's highest RSS as a share of the machine's physical memory. */
  memoryShareOfHost: 0.75,
  /** memory-high: whole-machine memory in use at the end of any of the model's operations, %. */
  systemMemoryPercent: 90,
  /** cpu-high: a model's mean process CPU as a share of all the machine's cores. */
  cpuShareOfHost: 0.9,
  /** cpu-high, when the core count is unknown: mean whole-machine CPU during its operations, %. */
  systemCpuPercent: 90,
  /** slow-model, low-throughput: counted operations each model needs before models are compared. */
  compareMinOperations: 5,
  /**
   * slow-model: a model's median duration over the fastest model's, beyond what its size explains
   * (the ratio is divided by its size over the fastest's when it is larger).
   */
  slowerThanFastest: 3,
  /** long-tail: p95 duration over p50 duration of a model. */
  tailRatio: 3,
  /** long-tail, cold-start: operations a model needs before these rules judge it. */
  minOperations: 10,
  /** low-throughput: a model's throughput under this share of the best model's (beyond its size)… */
  throughputShareOfBest: 0.5,
  /** …counted as "memory allows larger batches" when its peak RSS is under this share of memory. */
  memoryHeadroomShare: 0.5,
  /** cold-start: first counted operation over the median of the model's other operations. */
  coldStartRatio: 3,
  /** degradation: median of the last quarter of a model's operations over that of the first. */
  degradationRatio: 1.5,
  /** degradation: operations a model needs before this rule judges it. */
  degradationMinOperations: 20,
  /** memory-growth: RSS gained across a model's counted operations, MB … */
  memoryGrowthMb: 64,
  /** …and as a share of its RSS at the start of the first of them. */
  memoryGrowthShare: 0.1,
} as const;

export type FindingRule =
  | 'errors'
  | 'memory-high'
  | 'cpu-high'
  | 'slow-model'
  | 'long-tail'
  | 'low-throughput'
  | 'cold-start'
  | 'degradation'
  | 'memory-growth';

export interface Finding {
  rule: FindingRule;
  model: string;
  severity: 'warning' | 'notice';
  /** One line: what is out of line. */
  title: string;
  /** The run's own figure that triggered the rule, and the threshold it crossed. */
  figure: string;
  /** What to try, from the original guide where it has a tip. */
  advice: string;
}

const T = FINDING_THRESHOLDS;
const pct = (share: number) => `${formatNumber(share * 100)} %`;
const median = (xs: readonly number[]) => quantile(xs, 0.5);

/**
 * The findings of one run, most serious first (warnings, then notices; rule order within).
 * `summaries` saves computing them again where the caller has them.
 * @example
 * for (const f of findings(file.run, file.operations)) console.log(`${f.title}: ${f.figure}`);
 */
export function findings(
  run: RunHeader,
  records: readonly OperationRecord[],
  summaries: readonly ModelSummary[] = modelSummaries(records),
): Finding[] {
  const models = byModel(records);
  const out: Finding[] = [];
  const hostMb = run.host.total_memory_mb;
  const cores = run.host.cpu_count;
  const withStats = summaries.filter((s) => s.stats !== null);

  for (const s of summaries) {
    const list = models.get(s.model) ?? [];
    const counted = list.filter(countsInStats).sort((a, b) => (a.seq ?? 0) - (b.seq ?? 0));
    errorsRule(s, list, out);
    memoryRule(s, list, hostMb, out);
    cpuRule(s, counted, cores, out);
    tailRule(s, counted, out);
    coldStartRule(s, counted, out);
    degradationRule(s, counted, out);
    memoryGrowthRule(s, counted, out);
  }
  const sizes = new Map([...models].map(([name, list]) => [name, modelSize(list)]));
  // Whether a model's counted operations carry text at all (median text_length above 0).
  const texts = new Map(
    [...models].map(([name, list]) => [
      name,
      (median(list.filter(countsInStats).map((r) => r.text_length)) ?? 0) > 0,
    ]),
  );
  slowModelRule(withStats, sizes, out);
  throughputRule(withStats, sizes, texts, hostMb, out);

  const order: FindingRule[] = [
    'errors',
    'memory-high',
    'cpu-high',
    'slow-model',
    'long-tail',
    'low-throughput',
    'cold-start',
    'degradation',
    'memory-growth',
  ];
  return out.sort(
    (a, b) =>
      (a.severity === b.severity ? 0 : a.severity === 'warning' ? -1 : 1) ||
      order.indexOf(a.rule) - order.indexOf(b.rule),
  );
}

function errorsRule(s: ModelSummary, list: readonly OperationRecord[], out: Finding[]) {
  const failed = list.filter((r) => r.status === 'error');
  if (failed.length === 0) return;
  const first = failed[0]!.error;
  out.push({
    rule: 'errors',
    model: s.model,
    severity: 'warning',
    title: `${s.model}: ${failed.length} operation${failed.length === 1 ? '' : 's'} failed`,
    figure: `${failed.length} of ${list.length} operations (${pct(failed.length / list.length)})${first ? `; first error: ${first}` : ''}`,
    advice:
      'Failed operations are left out of duration, memory and CPU statistics. Filter the table by status "error" to see them.',
  });
}

function memoryRule(
  s: ModelSummary,
  list: readonly OperationRecord[],
  hostMb: number | null,
  out: Finding[],
) {
  const advice =
    'Use a lower-bit quantization (e.g. Q4 instead of Q8 or F16), smaller batches or a shorter context.';
  const peak = s.stats?.peak_memory_mb ?? null;
  if (peak !== null && hostMb && peak / hostMb >= T.memoryShareOfHost) {
    out.push({
      rule: 'memory-high',
      model: s.model,
      severity: 'warning',
      title: `${s.model} uses ${pct(peak / hostMb)} of the machine's memory`,
      figure: `peak RSS ${withUnit(peak, 'MB')} of ${withUnit(hostMb, 'MB')} (threshold ${pct(T.memoryShareOfHost)})`,
      advice,
    });
    return;
  }
  let sys: OperationRecord | null = null;
  for (const r of list) {
    if (r.system_memory_percent !== null && r.system_memory_percent >= (sys?.system_memory_percent ?? -1))
      sys = r;
  }
  if (sys && sys.system_memory_percent! >= T.systemMemoryPercent) {
    out.push({
      rule: 'memory-high',
      model: s.model,
      severity: 'warning',
      title: `The machine ran out of memory headroom while ${s.model} ran`,
      figure: `system memory ${withUnit(sys.system_memory_percent, 'percent')} in use after operation ${sys.seq ?? '?'} (threshold ${T.systemMemoryPercent} %)`,
      advice,
    });
  }
}

function cpuRule(s: ModelSummary, counted: readonly OperationRecord[], cores: number | null, out: Finding[]) {
  const advice = 'Use smaller batches, or move the work to a GPU.';
  const avg = s.stats?.avg_cpu_percent ?? null;
  if (avg !== null && cores) {
    const share = avg / (cores * 100);
    if (share >= T.cpuShareOfHost) {
      out.push({
        rule: 'cpu-high',
        model: s.model,
        severity: 'warning',
        title: `${s.model} keeps all ${cores} cores busy`,
        figure: `mean process CPU ${withUnit(avg, 'percent')} = ${pct(share)} of ${cores} cores (threshold ${pct(T.cpuShareOfHost)})`,
        advice,
      });
    }
    return;
  }
  const sys = mean(counted.map((r) => r.system_cpu_percent).filter((v): v is number => v !== null));
  if (sys === null || sys < T.systemCpuPercent) return;
  out.push({
    rule: 'cpu-high',
    model: s.model,
    severity: 'warning',
    title: `The machine's CPU was saturated while ${s.model} ran`,
    figure: `mean system CPU ${withUnit(sys, 'percent')} during its operations (threshold ${T.systemCpuPercent} %)`,
    advice,
  });
}

/** Models with enough counted operations (operations less errors) to be compared. */
const comparable = (s: ModelSummary) => s.stats!.operations - s.stats!.errors >= T.compareMinOperations;

/** A model's size as its runtime reported it when loading: parameters, else file bytes. */
interface ModelSize {
  value: number;
  unit: 'parameters' | 'bytes';
}

function modelSize(list: readonly OperationRecord[]): ModelSize | null {
  for (const r of list) {
    const m = r.metadata;
    if (typeof m?.model_parameters === 'number' && m.model_parameters > 0)
      return { value: m.model_parameters, unit: 'parameters' };
  }
  for (const r of list) {
    const m = r.metadata;
    if (typeof m?.file_bytes === 'number' && m.file_bytes > 0) return { value: m.file_bytes, unit: 'bytes' };
  }
  return null;
}

/**
 * Like with like: models are compared with each other only when each one's size is known (in the
 * same unit), so that a run that compares sizes on purpose is not told that the larger model is
 * slower. Returns the models that can be compared, with their sizes.
 */
function sized(models: readonly ModelSummary[], sizes: ReadonlyMap<string, ModelSize | null>) {
  const known = models.map((s) => ({ s, size: sizes.get(s.model) ?? null }));
  if (known.some((k) => k.size === null)) return [];
  const unit = known[0]?.size?.unit;
  if (known.some((k) => k.size!.unit !== unit)) return [];
  return known as { s: ModelSummary; size: ModelSize }[];
}

const sizeText = (a: ModelSize, b: ModelSize) =>
  `${formatNumber(a.value / b.value)}× the ${a.unit === 'parameters' ? 'parameters' : 'file size'}`;

function slowModelRule(
  models: readonly ModelSummary[],
  sizes: ReadonlyMap<string, ModelSize | null>,
  out: Finding[],
) {
  const timed = sized(
    models.filter((s) => comparable(s) && s.stats!.p50_duration_seconds !== null),
    sizes,
  );
  if (timed.length < 2) return;
  const fastest = timed.reduce((a, b) =>
    b.s.stats!.p50_duration_seconds! < a.s.stats!.p50_duration_seconds! ? b : a,
  );
  const base = fastest.s.stats!.p50_duration_seconds!;
  if (base <= 0) return;
  for (const m of timed) {
    const p50 = m.s.stats!.p50_duration_seconds!;
    const ratio = p50 / base;
    // A larger model is expected to take longer, in proportion to its size.
    const explained = Math.max(1, m.size.value / fastest.size.value);
    if (m === fastest || ratio / explained < T.slowerThanFastest) continue;
    out.push({
      rule: 'slow-model',
      model: m.s.model,
      severity: 'notice',
      title: `${m.s.model} is ${formatNumber(ratio)}× slower than ${fastest.s.model}`,
      figure: `median duration ${withUnit(p50, 'seconds')} vs ${withUnit(base, 'seconds')}, with ${sizeText(m.size, fastest.size)} (threshold ${T.slowerThanFastest}× beyond the size ratio)`,
      advice: 'Offload layers to a GPU, batch requests, or use a lower-bit quantization.',
    });
  }
}

function tailRule(s: ModelSummary, counted: readonly OperationRecord[], out: Finding[]) {
  const st = s.stats;
  if (!st || counted.length < T.minOperations) return;
  const p50 = st.p50_duration_seconds;
  const p95 = st.p95_duration_seconds;
  if (p50 === null || p95 === null || p50 <= 0 || p95 / p50 < T.tailRatio) return;
  out.push({
    rule: 'long-tail',
    model: s.model,
    severity: 'notice',
    title: `${s.model} has slow outliers`,
    figure: `p95 duration ${withUnit(p95, 'seconds')} is ${formatNumber(p95 / p50)}× the median ${withUnit(p50, 'seconds')} (threshold ${T.tailRatio}×)`,
    advice:
      'Look for contention (other processes, swapping) or inputs much longer than the rest: sort the table by duration.',
  });
}

function throughputRule(
  models: readonly ModelSummary[],
  sizes: ReadonlyMap<string, ModelSize | null>,
  texts: ReadonlyMap<string, boolean>,
  hostMb: number | null,
  out: Finding[],
) {
  // Throughput is text per second: it says nothing of operations without text (embeddings,
  // tool calls), so those models are not judged by it.
  const measured = sized(
    models.filter((s) => comparable(s) && s.stats!.throughput_chars_per_sec !== null && texts.get(s.model)),
    sizes,
  );
  if (measured.length < 2) return;
  // Throughput per unit of size: a model twice the size is expected at half the throughput.
  const perSize = (m: (typeof measured)[number]) => m.s.stats!.throughput_chars_per_sec! * m.size.value;
  const bestIndex = measured.reduce((bi, m, i) => (perSize(m) > perSize(measured[bi]!) ? i : bi), 0);
  const best = measured[bestIndex]!;
  const top = best.s.stats!.throughput_chars_per_sec!;
  for (const m of measured) {
    const s = m.s;
    const tp = s.stats!.throughput_chars_per_sec!;
    if (m === best || perSize(m) / perSize(best) >= T.throughputShareOfBest) continue;
    const peak = s.stats!.peak_memory_mb;
    const share = peak !== null && hostMb ? peak / hostMb : null;
    if (share !== null && share >= T.memoryHeadroomShare) continue; // memory does not allow it
    out.push({
      rule: 'low-throughput',
      model: s.model,
      severity: 'notice',
      title: `${s.model} has low throughput`,
      figure: `${withUnit(tp, 'chars/s')}, ${pct(tp / top)} of ${best.s.model}'s ${withUnit(top, 'chars/s')} with ${sizeText(m.size, best.size)} (threshold ${pct(T.throughputShareOfBest)} beyond the size ratio)${share !== null ? `; peak RSS is ${pct(share)} of memory` : ''}`,
      advice:
        share !== null
          ? 'Memory allows larger batches, which raise throughput.'
          : 'Larger batches raise throughput, if memory allows (the machine’s memory is not recorded).',
    });
  }
}

function coldStartRule(s: ModelSummary, counted: readonly OperationRecord[], out: Finding[]) {
  if (counted.length < T.minOperations) return;
  const [first, ...rest] = counted;
  const med = median(rest.map((r) => r.duration_seconds));
  if (!first || med === null || med <= 0) return;
  const ratio = first.duration_seconds / med;
  if (ratio < T.coldStartRatio) return;
  out.push({
    rule: 'cold-start',
    model: s.model,
    severity: 'notice',
    title: `${s.model}'s statistics include a cold start`,
    figure: `first ${first.operation} (seq ${first.seq ?? '?'}) took ${withUnit(first.duration_seconds, 'seconds')}, ${formatNumber(ratio)}× the median ${withUnit(med, 'seconds')} of the other ${rest.length} (threshold ${T.coldStartRatio}×)`,
    advice:
      'Run warm-up operations first (ModelBenchmark warmupRuns) or name them "warmup" so statistics leave them out.',
  });
}

function degradationRule(s: ModelSummary, counted: readonly OperationRecord[], out: Finding[]) {
  if (counted.length < T.degradationMinOperations) return;
  // Leave the first operation out: a cold start is its own finding.
  const ops = counted.slice(1);
  const q = Math.floor(ops.length / 4);
  const early = median(ops.slice(0, q).map((r) => r.duration_seconds));
  const late = median(ops.slice(ops.length - q).map((r) => r.duration_seconds));
  if (early === null || late === null || early <= 0 || late / early < T.degradationRatio) return;
  out.push({
    rule: 'degradation',
    model: s.model,
    severity: 'notice',
    title: `${s.model} slows down during the run`,
    figure: `median duration rose from ${withUnit(early, 'seconds')} (first ${q} operations) to ${withUnit(late, 'seconds')} (last ${q}), ${formatNumber(late / early)}× (threshold ${T.degradationRatio}×)`,
    advice: 'Look for thermal throttling, memory pressure, or a context that grows between calls.',
  });
}

function memoryGrowthRule(s: ModelSummary, counted: readonly OperationRecord[], out: Finding[]) {
  const deltas = counted.filter((r) => r.memory_delta_mb !== null);
  if (deltas.length < T.minOperations) return;
  const grown = deltas.reduce((a, r) => a + r.memory_delta_mb!, 0);
  // Without rss_start_mb (original monitor files) only the absolute threshold applies.
  const start = deltas[0]!.rss_start_mb ?? 0;
  if (grown < T.memoryGrowthMb || (start > 0 && grown / start < T.memoryGrowthShare)) return;
  out.push({
    rule: 'memory-growth',
    model: s.model,
    severity: 'notice',
    title: `${s.model}'s memory keeps growing`,
    figure: `RSS grew by ${withUnit(grown, 'MB')} over ${deltas.length} operations (${withUnit(grown / deltas.length, 'MB')} each${start > 0 ? `, ${pct(grown / start)} of the ${withUnit(start, 'MB')} at the start` : ''}; thresholds ${T.memoryGrowthMb} MB and ${pct(T.memoryGrowthShare)})`,
    advice:
      'Memory that is never given back: a leak, or a cache that grows (KV cache, chat history). Dispose contexts between runs.',
  });
}
