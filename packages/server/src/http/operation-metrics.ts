/**
 * The per-operation metrics of `GET /metrics`, with the names core's OpenTelemetry export uses
 * (`@llmmon/core/otel` semconv.ts), in Prometheus form: GenAI conventions v1.41
 * (`gen_ai_client_operation_duration_seconds`, `gen_ai_client_token_usage`, …), or the latest
 * experimental ones (`gen_ai_client_inference_*`) when `OTEL_SEMCONV_STABILITY_OPT_IN` lists
 * `gen_ai_latest_experimental`; the conventions' bucket boundaries; attribute names as labels.
 */
import {
  ATTR,
  genAiOperationName,
  type MetricDef,
  OTHER,
  operationMetricNames,
  prometheusLabel,
  prometheusName,
  SEMCONV_OPT_IN_ENV,
} from '@llmmon/core/otel';
import { BYTES_PER_MB, type OperationRecord } from '@llmmon/core/schema';
import type { Registry } from 'prom-client';
import { type Series, SeriesCounter, SeriesHistogram, series, withLabel } from './series.js';

export const MODEL = prometheusLabel(ATTR.requestModel);
export const OPERATION = prometheusLabel(ATTR.operationName);
const TOKEN_TYPE = prometheusLabel(ATTR.tokenType);
const ERROR_TYPE = prometheusLabel(ATTR.errorType);

/** The series of one (model, operation) pair as the conventions label it. */
interface PairSeries {
  ok: Series;
  error: Series;
  input: Series;
  output: Series;
}

export class OperationMetrics {
  private readonly duration: SeriesHistogram;
  private readonly timeToFirstChunk: SeriesHistogram;
  private readonly timePerOutputChunk: SeriesHistogram;
  private readonly tokenUsage: SeriesHistogram | null;
  private readonly tokens: { input: SeriesHistogram; output: SeriesHistogram } | null;
  private readonly tokenCounters: { input: SeriesCounter; output: SeriesCounter } | null;
  private readonly peakMemory: SeriesHistogram;
  private readonly cpuTime: SeriesCounter;
  private readonly errors: SeriesCounter;
  private readonly pairs = new WeakMap<Series, PairSeries>();

  /** @param optIn the value of `OTEL_SEMCONV_STABILITY_OPT_IN` (default: the environment's) */
  constructor(registry: Registry, optIn: string | undefined = process.env[SEMCONV_OPT_IN_ENV]) {
    const names = operationMetricNames(optIn);
    const histogram = (def: MetricDef) =>
      new SeriesHistogram({
        name: prometheusName(def),
        help: def.description,
        buckets: def.buckets ?? [],
        registry,
      });
    const counter = (def: MetricDef) =>
      new SeriesCounter({ name: prometheusName(def), help: def.description, registry });
    this.duration = histogram(names.duration);
    this.timeToFirstChunk = histogram(names.timeToFirstChunk);
    this.timePerOutputChunk = histogram(names.timePerOutputChunk);
    this.tokenUsage = names.tokenUsage ? histogram(names.tokenUsage) : null;
    this.tokens =
      names.inputTokens && names.outputTokens
        ? { input: histogram(names.inputTokens), output: histogram(names.outputTokens) }
        : null;
    this.tokenCounters =
      names.inputTokensUsage && names.outputTokensUsage
        ? { input: counter(names.inputTokensUsage), output: counter(names.outputTokensUsage) }
        : null;
    this.peakMemory = histogram(names.peakMemory);
    this.cpuTime = counter(names.cpuTime);
    this.errors = counter(names.errors);
  }

  /**
   * Counts one stored operation under its (bounded) model and operation labels: `bounded` has
   * `MODEL` and `OPERATION` (see Metrics.labels).
   */
  observe(op: OperationRecord, bounded: Series): void {
    const s = this.pairSeries(bounded);
    // error.type only on failures, as the conventions have it (the error's class is not stored).
    this.duration.observe(op.status === 'error' ? s.error : s.ok, op.duration_seconds);
    for (const type of ['input', 'output'] as const) {
      const n = op[`${type}_tokens`];
      if (n === null) continue;
      this.tokenUsage?.observe(s[type], n);
      this.tokens?.[type].observe(s.ok, n);
      this.tokenCounters?.[type].inc(s.ok, n);
    }
    if (op.time_to_first_token_seconds !== null)
      this.timeToFirstChunk.observe(s.ok, op.time_to_first_token_seconds);
    if (op.inter_token_latency_seconds !== null)
      this.timePerOutputChunk.observe(s.ok, op.inter_token_latency_seconds);
    if (op.peak_memory_mb !== null) this.peakMemory.observe(s.ok, op.peak_memory_mb * BYTES_PER_MB);
    if (op.cpu_time_seconds !== null) this.cpuTime.inc(s.ok, op.cpu_time_seconds);
    if (op.status === 'error') this.errors.inc(s.ok);
  }

  private pairSeries(bounded: Series): PairSeries {
    let s = this.pairs.get(bounded);
    if (s) return s;
    // The conventions' well-known operation names, as core's export gives them (a bounded name
    // that is not one stays as it is).
    const name = bounded.labels[OPERATION]!;
    const ok = series({
      [MODEL]: bounded.labels[MODEL]!,
      [OPERATION]: name === OTHER ? OTHER : genAiOperationName(name),
    });
    s = {
      ok,
      error: withLabel(ok, ERROR_TYPE, OTHER),
      input: withLabel(ok, TOKEN_TYPE, 'input'),
      output: withLabel(ok, TOKEN_TYPE, 'output'),
    };
    this.pairs.set(bounded, s);
    return s;
  }
}
