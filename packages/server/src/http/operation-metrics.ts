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
import { Counter, Histogram, type Registry } from 'prom-client';

export const MODEL = prometheusLabel(ATTR.requestModel);
export const OPERATION = prometheusLabel(ATTR.operationName);
const TOKEN_TYPE = prometheusLabel(ATTR.tokenType);
const ERROR_TYPE = prometheusLabel(ATTR.errorType);

type Labels = Record<typeof MODEL | typeof OPERATION, string>;

export class OperationMetrics {
  private readonly duration: Histogram;
  private readonly timeToFirstChunk: Histogram;
  private readonly timePerOutputChunk: Histogram;
  private readonly tokenUsage: Histogram | null;
  private readonly tokens: { input: Histogram; output: Histogram } | null;
  private readonly tokenCounters: { input: Counter; output: Counter } | null;
  private readonly peakMemory: Histogram;
  private readonly cpuTime: Counter;
  private readonly errors: Counter;

  /** @param optIn the value of `OTEL_SEMCONV_STABILITY_OPT_IN` (default: the environment's) */
  constructor(registry: Registry, optIn: string | undefined = process.env[SEMCONV_OPT_IN_ENV]) {
    const names = operationMetricNames(optIn);
    const labelNames = [MODEL, OPERATION];
    const histogram = (def: MetricDef, extra: string[] = []) =>
      new Histogram({
        name: prometheusName(def),
        help: def.description,
        labelNames: [...labelNames, ...extra],
        buckets: [...(def.buckets ?? [])],
        registers: [registry],
      });
    const counter = (def: MetricDef) =>
      new Counter({ name: prometheusName(def), help: def.description, labelNames, registers: [registry] });
    this.duration = histogram(names.duration, [ERROR_TYPE]);
    this.timeToFirstChunk = histogram(names.timeToFirstChunk);
    this.timePerOutputChunk = histogram(names.timePerOutputChunk);
    this.tokenUsage = names.tokenUsage ? histogram(names.tokenUsage, [TOKEN_TYPE]) : null;
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

  /** Counts one stored operation under its (bounded) model and operation labels. */
  observe(op: OperationRecord, bounded: Labels): void {
    // The conventions' well-known operation names, as core's export gives them.
    const l = {
      ...bounded,
      [OPERATION]: bounded[OPERATION] === OTHER ? OTHER : genAiOperationName(op.operation),
    };
    // error.type only on failures, as the conventions have it (the error's class is not stored).
    this.duration.observe(op.status === 'error' ? { ...l, [ERROR_TYPE]: OTHER } : l, op.duration_seconds);
    for (const type of ['input', 'output'] as const) {
      const n = op[`${type}_tokens`];
      if (n === null) continue;
      this.tokenUsage?.observe({ ...l, [TOKEN_TYPE]: type }, n);
      this.tokens?.[type].observe(l, n);
      this.tokenCounters?.[type].inc(l, n);
    }
    if (op.time_to_first_token_seconds !== null)
      this.timeToFirstChunk.observe(l, op.time_to_first_token_seconds);
    if (op.inter_token_latency_seconds !== null)
      this.timePerOutputChunk.observe(l, op.inter_token_latency_seconds);
    if (op.peak_memory_mb !== null) this.peakMemory.observe(l, op.peak_memory_mb * BYTES_PER_MB);
    if (op.cpu_time_seconds !== null) this.cpuTime.inc(l, op.cpu_time_seconds);
    if (op.status === 'error') this.errors.inc(l);
  }
}
