/**
 * Decoding an OTLP/HTTP trace export (`ExportTraceServiceRequest`) from protobuf or JSON into
 * plain spans, and encoding the answer (`ExportTraceServiceResponse`), with protobufjs and the official .proto files (`packages/server/proto/`, from
 * open-telemetry/opentelemetry-proto v1.9.0).
 *
 * OTLP's JSON is protobuf's JSON mapping with two differences
 * (https://opentelemetry.io/docs/specs/otlp/#json-protobuf-encoding): trace and span ids are hex,
 * not base64, and enums are integers. Both encodings go through the same message type, so a field
 * of the wrong type is refused the same way.
 */
import { fileURLToPath } from 'node:url';
import protobuf from 'protobufjs';

const PROTO_DIR = fileURLToPath(new URL('../../proto/', import.meta.url));
const SERVICE = 'opentelemetry.proto.collector.trace.v1';

let root: protobuf.Root | undefined;
function traceType(name: 'ExportTraceServiceRequest' | 'ExportTraceServiceResponse'): protobuf.Type {
  if (!root) {
    root = new protobuf.Root();
    root.resolvePath = (_origin, target) => PROTO_DIR + target;
    root.loadSync('opentelemetry/proto/collector/trace/v1/trace_service.proto');
  }
  return root.lookupType(`${SERVICE}.${name}`);
}

/** A bad payload: its message names the problem (the route answers 400). */
export class OtlpDecodeError extends Error {}

/** An attribute value as OTLP carries it, flattened: arrays and maps as JS arrays and objects. */
export type OtlpValue = string | number | boolean | null | OtlpValue[] | { [key: string]: OtlpValue };
export type OtlpAttributes = Record<string, OtlpValue>;

export interface OtlpEvent {
  name: string;
  timeUnixNano: bigint;
  attributes: OtlpAttributes;
}

export interface OtlpSpan {
  traceId: string;
  spanId: string;
  parentSpanId: string;
  name: string;
  startTimeUnixNano: bigint;
  endTimeUnixNano: bigint;
  attributes: OtlpAttributes;
  events: OtlpEvent[];
  /** 0 unset, 1 ok, 2 error. */
  statusCode: number;
  statusMessage: string;
}

export interface OtlpResourceSpans {
  resource: OtlpAttributes;
  spans: OtlpSpan[];
}

// The decoded message as `toObject` gives it (longs as strings, bytes as Uint8Array).
interface RawKeyValue {
  key?: string;
  value?: RawAnyValue;
}
interface RawAnyValue {
  stringValue?: string;
  boolValue?: boolean;
  intValue?: string;
  doubleValue?: number;
  arrayValue?: { values?: RawAnyValue[] };
  kvlistValue?: { values?: RawKeyValue[] };
  bytesValue?: Uint8Array;
}
interface RawSpan {
  traceId?: Uint8Array;
  spanId?: Uint8Array;
  parentSpanId?: Uint8Array;
  name?: string;
  startTimeUnixNano?: string;
  endTimeUnixNano?: string;
  attributes?: RawKeyValue[];
  events?: { name?: string; timeUnixNano?: string; attributes?: RawKeyValue[] }[];
  status?: { code?: number; message?: string };
}
interface RawRequest {
  resourceSpans?: {
    resource?: { attributes?: RawKeyValue[] };
    scopeSpans?: { spans?: RawSpan[] }[];
  }[];
}

function value(v: RawAnyValue | undefined): OtlpValue {
  if (!v) return null;
  if (v.stringValue !== undefined) return v.stringValue;
  if (v.boolValue !== undefined) return v.boolValue;
  if (v.intValue !== undefined) {
    const n = Number(v.intValue);
    return Number.isSafeInteger(n) ? n : v.intValue;
  }
  if (v.doubleValue !== undefined) return v.doubleValue;
  if (v.arrayValue) return (v.arrayValue.values ?? []).map(value);
  if (v.kvlistValue) return attributes(v.kvlistValue.values);
  if (v.bytesValue) return Buffer.from(v.bytesValue).toString('base64');
  return null;
}

function attributes(list: RawKeyValue[] | undefined): OtlpAttributes {
  const out: OtlpAttributes = {};
  for (const kv of list ?? []) if (kv.key) out[kv.key] = value(kv.value);
  return out;
}

const hex = (b: Uint8Array | undefined) => (b ? Buffer.from(b).toString('hex') : '');
const nanos = (s: string | undefined) => BigInt(s ?? 0);

function spans(raw: RawRequest): OtlpResourceSpans[] {
  return (raw.resourceSpans ?? []).map((rs) => ({
    resource: attributes(rs.resource?.attributes),
    spans: (rs.scopeSpans ?? []).flatMap((ss) =>
      (ss.spans ?? []).map((s) => ({
        traceId: hex(s.traceId),
        spanId: hex(s.spanId),
        parentSpanId: hex(s.parentSpanId),
        name: s.name ?? '',
        startTimeUnixNano: nanos(s.startTimeUnixNano),
        endTimeUnixNano: nanos(s.endTimeUnixNano),
        attributes: attributes(s.attributes),
        events: (s.events ?? []).map((e) => ({
          name: e.name ?? '',
          timeUnixNano: nanos(e.timeUnixNano),
          attributes: attributes(e.attributes),
        })),
        statusCode: s.status?.code ?? 0,
        statusMessage: s.status?.message ?? '',
      })),
    ),
  }));
}

const TO_OBJECT: protobuf.IConversionOptions = { longs: String, enums: Number };

/** Decodes a protobuf `ExportTraceServiceRequest`. */
export function decodeTraceProtobuf(body: Uint8Array): OtlpResourceSpans[] {
  const type = traceType('ExportTraceServiceRequest');
  let message: protobuf.Message;
  try {
    message = type.decode(body);
  } catch (error) {
    throw new OtlpDecodeError(`body: not a protobuf ExportTraceServiceRequest (${(error as Error).message})`);
  }
  return spans(type.toObject(message, TO_OBJECT) as RawRequest);
}

const ID_FIELDS = new Set(['traceId', 'spanId', 'parentSpanId']);

/** Turns OTLP JSON's hex ids into bytes so that protobuf's JSON reader takes them. */
function hexIdsToBytes(json: unknown, path: string): unknown {
  if (Array.isArray(json)) return json.map((x, i) => hexIdsToBytes(x, `${path}[${i}]`));
  if (json === null || typeof json !== 'object') return json;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(json)) {
    if (ID_FIELDS.has(k) && typeof v === 'string') {
      if (!/^([0-9a-fA-F]{2})*$/.test(v))
        throw new OtlpDecodeError(`${path}.${k}: expected hex, got ${JSON.stringify(v)}`);
      out[k] = Buffer.from(v, 'hex');
    } else out[k] = hexIdsToBytes(v, `${path}.${k}`);
  }
  return out;
}

/** Decodes an OTLP JSON `ExportTraceServiceRequest` (already parsed). */
export function decodeTraceJson(json: unknown): OtlpResourceSpans[] {
  if (json === null || typeof json !== 'object' || Array.isArray(json)) {
    throw new OtlpDecodeError('body: expected a JSON object (ExportTraceServiceRequest)');
  }
  const type = traceType('ExportTraceServiceRequest');
  let message: protobuf.Message;
  try {
    message = type.fromObject(hexIdsToBytes(json, 'body') as Record<string, unknown>);
  } catch (error) {
    if (error instanceof OtlpDecodeError) throw error;
    throw new OtlpDecodeError(`body: not an OTLP ExportTraceServiceRequest (${(error as Error).message})`);
  }
  return spans(type.toObject(message, TO_OBJECT) as RawRequest);
}

/** Spans refused from an export that was otherwise stored (OTLP's partial success). */
export interface PartialSuccess {
  rejectedSpans: number;
  errorMessage: string;
}

/** The answer to an export, in the request's encoding (an empty message when all was taken). */
export function encodeTraceResponse(
  partial: PartialSuccess | null,
  format: 'protobuf' | 'json',
): Uint8Array | object {
  const body = partial ? { partialSuccess: partial } : {};
  if (format === 'json') return body;
  const type = traceType('ExportTraceServiceResponse');
  return type.encode(type.fromObject(body)).finish();
}
