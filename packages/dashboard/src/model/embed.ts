/**
 * The data block of a static dashboard: one `<script type="application/json">` element that holds
 * the run. Small runs are stored as plain JSON (readable with "view source"); larger ones packed
 * in columns (`packed.ts`: typed arrays, nothing to parse) and gzipped, which keeps a
 * 1,000-operation dashboard under 1 MB at full precision and lets 100,000 operations load in a
 * fraction of the time JSON takes. The browser inflates it with its own `DecompressionStream`
 * (no network, no library). Shared by the Node writer (`src/lib`) and the browser reader
 * (`src/app`); runs in both.
 */
import type { MetricsFile } from '@llmmon/core/schema';
import { type PackedHeader, unpackMetrics } from './packed.js';

/** `id` of the data `<script>` element. */
export const DATA_ELEMENT_ID = 'llmmon-data';
/** What the static template holds in the data element until the writer replaces it. */
export const DATA_PLACEHOLDER = '"__LLMMON_DATA__"';
/** Version of the envelope below. */
export const EMBED_FORMAT = 'llmmon.dashboard-data/1';
/** Raw JSON up to this many characters is embedded as is; larger runs are gzipped. */
export const INLINE_JSON_LIMIT = 256 * 1024;

export type DataEnvelope =
  | { format: typeof EMBED_FORMAT; encoding: 'json'; data: MetricsFile }
  /** `packMetrics` columns: a JSON header, and the binary blob gzipped and in base64. */
  | { format: typeof EMBED_FORMAT; encoding: 'packed'; header: PackedHeader; data: string };

export type Encoding = DataEnvelope['encoding'];

/**
 * Makes JSON safe inside an HTML `<script>` element. The HTML parser ends a script at `</script`
 * and treats `<!--` specially, whatever JSON says, so every `<`, `>` and `&` becomes its `\u`
 * escape (still the same JSON value). U+2028/U+2029 are escaped too, for any reader that treats
 * the block as JavaScript.
 * @example
 * escapeJsonForHtml(JSON.stringify({ name: '</script>' })); // '{"name":"\\u003c/script\\u003e"}'
 */
export function escapeJsonForHtml(json: string): string {
  return json.replace(/[<>&\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

function base64ToBytes(text: string): Uint8Array<ArrayBuffer> {
  const native = (Uint8Array as unknown as { fromBase64?: (s: string) => Uint8Array<ArrayBuffer> })
    .fromBase64;
  if (native) return native(text);
  const bin = atob(text);
  const bytes = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
  return bytes;
}

async function gunzip(bytes: Uint8Array<ArrayBuffer>): Promise<ArrayBuffer> {
  const stream = new Blob([bytes]).stream().pipeThrough(new DecompressionStream('gzip'));
  return new Response(stream).arrayBuffer();
}

/**
 * Reads the envelope back into the metrics file. The data was validated by the writer
 * (`normalizeMetrics`), so it is not validated again here: that would cost seconds at 100,000
 * operations.
 * @throws Error naming what is wrong with the block
 */
export async function decodeEnvelope(envelope: unknown): Promise<MetricsFile> {
  const env = envelope as Partial<DataEnvelope> | null;
  if (!env || env.format !== EMBED_FORMAT) {
    throw new Error(`dashboard data: expected format "${EMBED_FORMAT}", got ${JSON.stringify(env?.format)}`);
  }
  if (env.encoding === 'json') return env.data as MetricsFile;
  if (env.encoding === 'packed' && typeof env.data === 'string' && env.header) {
    return unpackMetrics(env.header, await gunzip(base64ToBytes(env.data)));
  }
  throw new Error(`dashboard data: unknown encoding ${JSON.stringify(env.encoding)}`);
}
