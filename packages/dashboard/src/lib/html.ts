/**
 * Filling the single-file static template with a run: the data block, the page title and a
 * Content-Security-Policy that forbids every network request, so the file provably works
 * offline.
 */
import { readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { type MetricsFile, normalizeMetrics } from '@llmmon/core/schema';
import {
  DATA_ELEMENT_ID,
  DATA_PLACEHOLDER,
  type DataEnvelope,
  EMBED_FORMAT,
  type Encoding,
  escapeJsonForHtml,
  INLINE_JSON_LIMIT,
} from '../model/embed.js';
import { packMetrics } from '../model/packed.js';
import { staticTemplatePath } from './paths.js';

/**
 * No fetch, no image, font or frame from anywhere; only the inline script and styles of the
 * file itself, and data:/blob: images (the CSV download is a blob: URL).
 */
export const STATIC_CSP =
  "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; img-src data: blob:; base-uri 'none'; form-action 'none'";

/** The data element exactly as the template (index.html) has it. */
const DATA_BLOCK = `<script id="${DATA_ELEMENT_ID}" type="application/json">${DATA_PLACEHOLDER}</script>`;

let template: string | undefined;

function readTemplate(): string {
  if (template) return template;
  let text: string;
  try {
    text = readFileSync(staticTemplatePath, 'utf8');
  } catch {
    throw new Error(
      `dashboard template not built: ${staticTemplatePath} is missing (run "pnpm build" in the repository)`,
    );
  }
  if (!text.includes(DATA_BLOCK)) {
    throw new Error(`dashboard template ${staticTemplatePath} has no data placeholder: rebuild it`);
  }
  template = text;
  return text;
}

const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/**
 * The data block's JSON: the file itself for runs up to `INLINE_JSON_LIMIT` characters of JSON,
 * else its columns (`packMetrics`), gzipped, in base64. `encoding` forces one (tests, benchmarks).
 */
export function encodeEnvelope(file: MetricsFile, encoding?: Encoding): string {
  // Serializing 100,000 operations only to learn that they are too many would cost a second:
  // JSON of a record is over 100 characters, so only short runs are measured.
  const inline = encoding
    ? encoding === 'json'
    : file.operations.length + file.samples.length + file.alerts.length < INLINE_JSON_LIMIT / 100 &&
      JSON.stringify(file).length <= INLINE_JSON_LIMIT;
  let envelope: DataEnvelope;
  if (inline) envelope = { format: EMBED_FORMAT, encoding: 'json', data: file };
  else {
    const { header, bytes } = packMetrics(file);
    envelope = { format: EMBED_FORMAT, encoding: 'packed', header, data: gzipSync(bytes).toString('base64') };
  }
  return escapeJsonForHtml(JSON.stringify(envelope));
}

/**
 * Splices `insert` in place of `marker` (its last occurrence: the data block follows the inlined
 * script). Unlike String.replace, `$&` and friends in the data stay as they are.
 */
function splice(text: string, marker: string, insert: string, last = false): string {
  const at = last ? text.lastIndexOf(marker) : text.indexOf(marker);
  if (at < 0) return text;
  return text.slice(0, at) + insert + text.slice(at + marker.length);
}

/**
 * The static dashboard for a run, as one self-contained HTML document.
 * @param metrics a metrics file (llmmon's, or the original monitor's); validated here
 * @throws MetricsFormatError naming the first bad field
 * @example
 * const html = renderDashboardHtml(monitorFile);
 * await writeFile('run_dashboard.html', html);
 */
export function renderDashboardHtml(metrics: unknown): string {
  return renderValidated(normalizeMetrics(metrics));
}

/** `renderDashboardHtml` for a file `normalizeMetrics` already returned (skips validating twice). */
export function renderValidated(file: MetricsFile, encoding?: Encoding): string {
  let html = readTemplate();
  const title = `${file.run.name ?? file.run.id} · llmmon`;
  html = splice(html, '<title>llmmon dashboard</title>', `<title>${escapeHtml(title)}</title>`);
  html = splice(
    html,
    '<meta charset="utf-8" />',
    `<meta charset="utf-8" />\n    <meta http-equiv="Content-Security-Policy" content="${STATIC_CSP}" />`,
  );
  const block = `<script id="${DATA_ELEMENT_ID}" type="application/json">${encodeEnvelope(file, encoding)}</script>`;
  return splice(html, DATA_BLOCK, block, true);
}
