/**
 * One span per operation, in the caller's active trace (so it nests under the app's HTTP or agent
 * spans), shaped as the GenAI conventions' inference span
 * (https://github.com/open-telemetry/semantic-conventions/blob/v1.41.0/docs/gen-ai/gen-ai-spans.md):
 * name `{gen_ai.operation.name} {gen_ai.request.model}`, kind INTERNAL (llmmon measures work
 * that this process does or waits for), `gen_ai.operation.name`, `gen_ai.provider.name`,
 * `gen_ai.request.model`, `gen_ai.usage.*_tokens`, `gen_ai.response.time_to_first_chunk`,
 * `error.type` and status ERROR on failure; llmmon's measurements as `llmmon.*` attributes
 * (`attributes.ts`). The span starts when the operation starts and ends at start + the record's
 * duration, so its duration is the record's.
 *
 * Without a tracer provider (no SDK registered) nothing is created: `startSpan` returns undefined
 * after one lookup.
 */
import type { Span } from '@opentelemetry/api';
import type { OperationRecord } from '../schema/operation.js';
import type { OtelApi } from './api.js';
import { recordAttributes } from './attributes.js';
import { ATTR, genAiOperationName, OTHER } from './semconv.js';

export const INSTRUMENTATION_NAME = '@llmmon/core';

/** What the conventions want as `error.type`: the error's class name, else `_OTHER`. */
export function errorType(error: unknown): string {
  if (error instanceof Error) return error.constructor?.name || error.name || OTHER;
  return OTHER;
}

/** Starts the operation's span, or returns undefined when no SDK records spans. */
export function startSpan(
  api: OtelApi,
  version: string,
  provider: string,
  modelName: string,
  operation: string,
  startedAt: Date,
): Span | undefined {
  const tracers = api.trace.getTracerProvider() as { getDelegateTracer?: (n: string, v?: string) => unknown };
  // The global provider is a proxy; without a registered SDK it has no delegate.
  const tracer = tracers.getDelegateTracer
    ? (tracers.getDelegateTracer(INSTRUMENTATION_NAME, version) as ReturnType<typeof api.trace.getTracer>)
    : api.trace.getTracer(INSTRUMENTATION_NAME, version);
  if (!tracer) return undefined;
  const name = genAiOperationName(operation);
  const span = tracer.startSpan(
    `${name} ${modelName}`,
    {
      kind: api.SpanKind.INTERNAL,
      startTime: startedAt,
      attributes: {
        [ATTR.operationName]: name,
        [ATTR.providerName]: provider,
        [ATTR.requestModel]: modelName,
      },
    },
    api.context.active(),
  );
  return span.isRecording() ? span : undefined;
}

/** Ends the span with the record's attributes, at start + `duration_seconds`. */
export function endSpan(api: OtelApi, span: Span, record: OperationRecord, error: unknown): void {
  span.setAttributes(recordAttributes(record));
  if (record.time_to_first_token_seconds !== null) {
    span.setAttribute(ATTR.timeToFirstChunk, record.time_to_first_token_seconds);
  }
  if (record.status === 'error') {
    span.setAttribute(ATTR.errorType, errorType(error));
    if (error instanceof Error) span.recordException(error);
    span.setStatus({
      code: api.SpanStatusCode.ERROR,
      ...(record.error !== null && { message: record.error }),
    });
  }
  span.end(Date.parse(record.timestamp) + record.duration_seconds * 1000);
}

/** Runs `fn` with `span` as the active span (children of the work nest under it). */
export function withSpan<T>(api: OtelApi, span: Span, fn: () => T): T {
  return api.context.with(api.trace.setSpan(api.context.active(), span), fn);
}
