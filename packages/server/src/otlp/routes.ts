/**
 * OTLP/HTTP ingest: `POST /v1/traces` (https://opentelemetry.io/docs/specs/otlp/#otlphttp), the
 * path an OpenTelemetry SDK's or Collector's OTLP HTTP exporter sends to when pointed at this
 * server (`OTEL_EXPORTER_OTLP_ENDPOINT=http://host:8737`). Protobuf
 * (`application/x-protobuf`) or JSON (`application/json`), optionally gzip-compressed; the body
 * limit holds for the compressed and the decompressed size. GenAI spans become operations
 * (`records.ts`); other spans are skipped. Spans that cannot be stored are reported in OTLP's
 * partial success and the rest is stored; a payload that cannot be read at all gets a one-line
 * 4xx like the other endpoints.
 */
import { gunzip } from 'node:zlib';
import type { Hono } from 'hono';
import { bodyLimitBySize } from '../http/body-limit.js';
import { ApiHttpError } from '../http/errors.js';
import type { Store } from '../store/store.js';
import { decodeTraceJson, decodeTraceProtobuf, encodeTraceResponse, OtlpDecodeError } from './codec.js';
import { operationsFromSpans } from './records.js';

const PROTOBUF = 'application/x-protobuf';

function format(contentType: string | undefined): 'protobuf' | 'json' {
  const type = (contentType ?? '').split(';')[0]!.trim().toLowerCase();
  if (type === PROTOBUF) return 'protobuf';
  if (type === 'application/json') return 'json';
  throw new ApiHttpError(
    415,
    `body: expected Content-Type ${PROTOBUF} or application/json (OTLP/HTTP), got ${contentType ?? 'none'}`,
  );
}

const mb = (bytes: number) => `${Math.round(bytes / 1024 / 1024)} MB`;

/** The request body, gunzipped when it says so; at most `limit` bytes either way. */
async function body(encoding: string | undefined, raw: ArrayBuffer, limit: number): Promise<Uint8Array> {
  const how = (encoding ?? 'identity').trim().toLowerCase();
  const bytes = new Uint8Array(raw);
  if (how === 'identity') return bytes;
  if (how !== 'gzip') throw new ApiHttpError(415, `Content-Encoding: expected gzip or none, got ${encoding}`);
  return new Promise((resolve, reject) =>
    gunzip(bytes, { maxOutputLength: limit }, (error, out) => {
      if (!error) return resolve(out);
      if ((error as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE') {
        reject(
          new ApiHttpError(413, `body: larger than the server's limit of ${mb(limit)} once decompressed`),
        );
      } else reject(new ApiHttpError(400, `body: not valid gzip (${error.message})`));
    }),
  );
}

function decode(kind: 'protobuf' | 'json', bytes: Uint8Array) {
  try {
    if (kind === 'protobuf') return decodeTraceProtobuf(bytes);
    const text = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8');
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch (error) {
      throw new OtlpDecodeError(`body: malformed JSON (${(error as Error).message})`);
    }
    return decodeTraceJson(json);
  } catch (error) {
    if (error instanceof OtlpDecodeError) throw new ApiHttpError(400, error.message);
    throw error;
  }
}

/**
 * Adds `POST /v1/traces` to the app, with the body limit of the other endpoints; the caller
 * applies their token rule to `/v1/*`.
 */
export function mountOtlp(app: Hono, store: Store, limit: number): void {
  app.use(
    '/v1/*',
    bodyLimitBySize(limit, (c) =>
      c.json(
        { error: `body: larger than the server's limit of ${mb(limit)} (llmmon serve --body-limit)` },
        413,
      ),
    ),
  );
  app.post('/v1/traces', async (c) => {
    const kind = format(c.req.header('content-type'));
    const bytes = await body(c.req.header('content-encoding'), await c.req.arrayBuffer(), limit);
    const { batches, rejected } = operationsFromSpans(decode(kind, bytes));
    for (const batch of batches) await store.ingest(batch, { live: true });
    const partial = rejected.length
      ? {
          rejectedSpans: rejected.length,
          errorMessage: `${rejected.length} span(s) refused; first: ${rejected[0]}`,
        }
      : null;
    const answer = encodeTraceResponse(partial, kind);
    return kind === 'json'
      ? c.json(answer)
      : c.body(answer as Uint8Array<ArrayBuffer>, 200, { 'Content-Type': PROTOBUF });
  });
}
