/**
 * A monitor's OpenTelemetry export: a span per operation (`spans.ts`) and metrics (`metrics.ts`)
 * through `@opentelemetry/api`, to whatever SDK the app registered. With no API installed the
 * monitor has no telemetry at all; with the API but no SDK each operation costs one lookup.
 */
import { createRequire } from 'node:module';
import type { Attributes, Span } from '@opentelemetry/api';
import type { TimelinePoint } from '../sampler/types.js';
import type { OperationRecord } from '../schema/operation.js';
import type { SamplerInfo } from '../schema/run.js';
import { type OtelApi, otelApi } from './api.js';
import { ensureResourceMetrics, noteSample, recordOperationMetrics } from './metrics.js';
import {
  ATTR,
  genAiOperationName,
  type OperationMetricNames,
  operationMetricNames,
  SEMCONV_OPT_IN_ENV,
} from './semconv.js';
import { endSpan, errorType, startSpan, withSpan } from './spans.js';

/**
 * A span as the monitor holds it. Opaque, so that core's declarations never name
 * `@opentelemetry/api` (an optional peer: a TypeScript app without it must still type-check).
 */
export type TelemetrySpan = object;

/** The monitor's `otel` option. */
export interface OtelOptions {
  /**
   * `gen_ai.provider.name` of the spans and metrics (the conventions' well-known values: `openai`,
   * `anthropic`, …, or your own such as `llama.cpp`); default: `metadata.provider` of each
   * record when it is a string, else `unknown`.
   */
  providerName?: string;
}

const VERSION: string = createRequire(import.meta.url)('../../package.json').version;

export class OperationTelemetry {
  private readonly names: OperationMetricNames;

  private constructor(
    private readonly api: OtelApi,
    private readonly providerName: string | null,
  ) {
    this.names = operationMetricNames(process.env[SEMCONV_OPT_IN_ENV]);
  }

  /** The telemetry of a monitor, or null when it is off (`otel: false`) or the API is not installed. */
  static create(options: OtelOptions | false | undefined): OperationTelemetry | null {
    if (options === false) return null;
    const api = otelApi();
    return api ? new OperationTelemetry(api, options?.providerName ?? null) : null;
  }

  /** The operation's span, started now in the active trace; undefined when nothing records spans. */
  start(modelName: string, operation: string, startedAt: Date): TelemetrySpan | undefined {
    return startSpan(this.api, VERSION, this.providerName ?? 'unknown', modelName, operation, startedAt);
  }

  /** Runs `fn` with `span` active (no-op without a span). */
  run<T>(span: TelemetrySpan | undefined, fn: () => T): T {
    return span ? withSpan(this.api, span as Span, fn) : fn();
  }

  /** Ends the span (if any) and records the operation's metrics. */
  end(telemetrySpan: TelemetrySpan | undefined, record: OperationRecord, error: unknown): void {
    const provider = this.provider(record);
    const span = telemetrySpan as Span | undefined;
    if (span) {
      if (provider !== (this.providerName ?? 'unknown')) span.setAttribute(ATTR.providerName, provider);
      endSpan(this.api, span, record, error);
    }
    const attrs: Attributes = {
      [ATTR.operationName]: genAiOperationName(record.operation),
      [ATTR.providerName]: provider,
      [ATTR.requestModel]: record.model_name,
      ...(record.status === 'error' && { [ATTR.errorType]: errorType(error) }),
    };
    recordOperationMetrics(this.api, VERSION, this.names, record, attrs);
  }

  /** Hands the newest timeline point to the process, system and GPU gauges. */
  sample(points: readonly TimelinePoint[], sampler: SamplerInfo): void {
    const last = points[points.length - 1];
    if (!last) return;
    noteSample({
      cpuPercent: last.cpu_percent,
      rssBytes: last.rss_bytes,
      systemCpuPercent: last.system_cpu_percent,
      gpuUtilPercent: last.gpu_util_percent,
      gpuBackend: sampler.gpu_backend,
    });
    ensureResourceMetrics(this.api, VERSION, this.names);
  }

  private provider(record: OperationRecord): string {
    const fromMetadata = record.metadata?.provider;
    return this.providerName ?? (typeof fromMetadata === 'string' && fromMetadata ? fromMetadata : 'unknown');
  }
}
