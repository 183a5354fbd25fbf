/**
 * GenAI spans as llmmon operations. A span is an operation when it carries a `gen_ai.*` or
 * `llmmon.*` attribute; others (HTTP, database, the app's own spans) are not llmmon's business and
 * are skipped.
 *
 * - Spans that llmmon's core exported (they carry `llmmon.run_id` and `llmmon.seq`) go back to
 *   their run, every field as it was measured.
 * - Other GenAI spans (the official instrumentations, OpenLLMetry, OpenInference) become operations
 *   of one run per `service.name` and `host.name`: model, operation kind, tokens, duration, time to
 *   first chunk (the `gen_ai.response.time_to_first_chunk` attribute, else the first
 *   completion-chunk event), status and error. The process figures (CPU, memory, GPU) are null: the
 *   run header's `sampler.reason` says why. `text_length` is 0 (spans carry no prompt length).
 *   `seq` (the idempotency key of a run's operations) comes from the span id, so a retried export
 *   is stored once; it does not give the order (sort by `timestamp`). `metadata` keeps the
 *   provider, service, span name and the trace, span and parent span ids, to join back to traces.
 * - A span with some `llmmon.*` attributes but not its run and seq is a GenAI span whose fields
 *   those attributes set.
 */
import { createHash } from 'node:crypto';
import { ATTR, LLMMON_PREFIX, recordFieldsFromAttributes } from '@llmmon/core/otel';
import {
  describeZodError,
  LIMITS,
  type LiveOperationsBatch,
  LiveOperationsBatchSchema,
  type OperationRecord,
  OperationRecordSchema,
  type RunHeaderInput,
  tokenRates,
} from '@llmmon/core/schema';
import type { OtlpAttributes, OtlpResourceSpans, OtlpSpan, OtlpValue } from './codec.js';

/** Why a run built from spans has no process figures. */
export const NO_MEASUREMENTS_REASON =
  'operations from OpenTelemetry spans without llmmon measurements: CPU, memory and GPU figures are unknown';

/** Event names instrumentations give a streamed response's chunks (the first one gives TTFT). */
const CHUNK_EVENTS = new Set(['gen_ai.content.completion.chunk', 'llm.content.completion.chunk']);

export interface SpansAsOperations {
  /** One batch per run, ready for `store.ingest(batch, { live: true })`. */
  batches: LiveOperationsBatch[];
  /** Spans that are neither GenAI nor llmmon's. */
  skipped: number;
  /** GenAI spans refused, each with why (`span <id>: …`). */
  rejected: string[];
}

const isOperationSpan = (a: OtlpAttributes) =>
  Object.keys(a).some((k) => k.startsWith('gen_ai.') || k.startsWith(LLMMON_PREFIX));

const text = (v: OtlpValue | undefined) => (typeof v === 'string' && v !== '' ? v : null);
const count = (v: OtlpValue | undefined) =>
  typeof v === 'number' && Number.isInteger(v) && v >= 0
    ? v
    : typeof v === 'string' && /^\d+$/.test(v)
      ? Number(v)
      : null;
const seconds = (ns: bigint) => Number(ns) / 1e9;

function firstChunkSeconds(span: OtlpSpan): number | null {
  const given = span.attributes[ATTR.timeToFirstChunk];
  if (typeof given === 'number' && given >= 0) return given;
  const first = span.events.find((e) => CHUNK_EVENTS.has(e.name));
  return first ? seconds(first.timeUnixNano - span.startTimeUnixNano) : null;
}

/** The record of a span without llmmon's attributes: GenAI attributes, the span's times and status. */
function genAiRecord(span: OtlpSpan, service: string): Record<string, unknown> {
  const a = span.attributes;
  const duration = Math.max(0, seconds(span.endTimeUnixNano - span.startTimeUnixNano));
  const ttft = firstChunkSeconds(span);
  const output = count(a[ATTR.outputTokens]) ?? count(a[ATTR.completionTokens]);
  const failed = span.statusCode === 2;
  return {
    timestamp: new Date(Number(span.startTimeUnixNano / 1_000_000n)).toISOString(),
    model_name: text(a[ATTR.requestModel]) ?? text(a[ATTR.responseModel]) ?? 'unknown',
    operation: text(a[ATTR.operationName]) ?? text(a['llm.request.type']) ?? 'unknown',
    text_length: 0,
    duration_seconds: duration,
    gpu_available: false,
    status: failed ? 'error' : 'ok',
    error: failed ? (text(span.statusMessage) ?? text(a[ATTR.errorType]) ?? 'error') : null,
    input_tokens: count(a[ATTR.inputTokens]) ?? count(a[ATTR.promptTokens]),
    output_tokens: output,
    time_to_first_token_seconds: ttft,
    ...tokenRates(duration, ttft, output),
    metadata: {
      provider: text(a[ATTR.providerName]) ?? text(a[ATTR.system]),
      service,
      span_name: span.name,
      trace_id: span.traceId,
      span_id: span.spanId,
      parent_span_id: span.parentSpanId || null,
    },
  };
}

/**
 * The `seq` of a span's operation: the low 52 bits of its span id (random by the specification),
 * so a retried export is stored once and two spans of a run collide with a chance of about n²/2^53.
 */
const seqOf = (spanId: string) => Number.parseInt(spanId.slice(-13), 16);

/** A run id for a service on a host: readable when it fits, else a hash of both. */
function runIdOf(service: string, host: string): string {
  const id = `otlp:${service}@${host}`;
  if (id.length <= LIMITS.idLength) return id;
  return `otlp:${createHash('sha256').update(`${service}\0${host}`).digest('hex').slice(0, 32)}`;
}

const PLATFORMS: Record<string, string> = { windows: 'win32' };
const ARCHES: Record<string, string> = { amd64: 'x64', x86: 'ia32', arm64: 'arm64', arm32: 'arm' };

function runHeader(
  id: string,
  resource: OtlpAttributes,
  service: string,
  host: string | null,
  startedAt: string,
  measured: OperationRecord | null,
): RunHeaderInput {
  const os = text(resource['os.type']);
  const arch = text(resource['host.arch']);
  return {
    id,
    name: host ? `${service} on ${host}` : service,
    started_at: startedAt,
    ended_at: null,
    tags: { source: 'otlp', [ATTR.serviceName]: service, ...(host && { [ATTR.hostName]: host }) },
    host: {
      hostname: host,
      platform: os ? (PLATFORMS[os] ?? os) : null,
      arch: arch ? (ARCHES[arch] ?? arch) : null,
      cpu_model: null,
      cpu_count: null,
      total_memory_mb: null,
      node_version:
        text(resource['process.runtime.name']) === 'nodejs'
          ? text(resource['process.runtime.version'])
          : null,
      gpus: null,
    },
    sampler: measured
      ? { kind: measured.sampler, interval_ms: null, gpu_backend: null, reason: null }
      : { kind: null, interval_ms: null, gpu_backend: null, reason: NO_MEASUREMENTS_REASON },
  };
}

/** The operations a trace export carries, grouped into one batch per run. */
export function operationsFromSpans(resources: readonly OtlpResourceSpans[]): SpansAsOperations {
  const runs = new Map<
    string,
    { resource: OtlpAttributes; service: string; host: string | null; ops: OperationRecord[] }
  >();
  const rejected: string[] = [];
  let skipped = 0;
  for (const { resource, spans } of resources) {
    const service = text(resource[ATTR.serviceName]) ?? 'unknown_service';
    const host = text(resource[ATTR.hostName]);
    for (const span of spans) {
      if (!isOperationSpan(span.attributes)) {
        skipped++;
        continue;
      }
      const where = `span ${span.spanId || '(no id)'} "${span.name}"`;
      const { fields, problems } = recordFieldsFromAttributes(span.attributes);
      if (problems.length) {
        rejected.push(`${where}: ${problems[0]}`);
        continue;
      }
      // llmmon's own spans carry their whole record: run, seq and metadata as measured.
      const measured = typeof fields.run_id === 'string' && typeof fields.seq === 'number';
      const base = genAiRecord(span, service);
      if (!measured && (!/^[0-9a-f]{16}$/.test(span.spanId) || /^0+$/.test(span.spanId))) {
        rejected.push(`${where}: no valid span id (OTLP needs 8 bytes)`);
        continue;
      }
      const candidate: Record<string, unknown> = measured
        ? { timestamp: base.timestamp, ...fields }
        : { ...base, ...fields, run_id: runIdOf(service, host ?? 'unknown host'), seq: seqOf(span.spanId) };
      const parsed = OperationRecordSchema.safeParse(candidate);
      if (!parsed.success) {
        rejected.push(`${where}: ${describeZodError(parsed.error)}`);
        continue;
      }
      const runId = parsed.data.run_id!;
      const run = runs.get(runId) ?? { resource, service, host, ops: [] };
      runs.set(runId, run);
      run.ops.push(parsed.data);
    }
  }
  const batches: LiveOperationsBatch[] = [];
  for (const [id, run] of runs) {
    const startedAt = run.ops.map((op) => op.timestamp).sort()[0]!;
    const measured = run.ops.find((op) => op.sampler !== null) ?? null;
    const batch = LiveOperationsBatchSchema.safeParse({
      run: runHeader(id, run.resource, run.service, run.host, startedAt, measured),
      operations: run.ops,
    });
    if (batch.success) batches.push(batch.data);
    // A resource the run header cannot hold (e.g. an over-long host name): its spans are refused.
    else
      for (const op of run.ops)
        rejected.push(`run ${JSON.stringify(id)} (${op.model_name}): ${describeZodError(batch.error)}`);
  }
  return { batches, skipped, rejected };
}
