/** `createDashboard`: a metrics file in, its static dashboard file out, beside it. */
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { MetricsFormatError, normalizeMetrics } from '@llmmon/core/schema';
import { renderValidated } from './html.js';

export interface CreateDashboardOptions {
  /** Where to write the HTML; default `<metrics file name>_dashboard.html` beside the metrics file. */
  out?: string;
}

export interface CreatedDashboard {
  /** Absolute path of the HTML file written. */
  path: string;
  /** Its absolute `file://` URL, to print or open. */
  url: string;
}

/** `metrics_20240501_120000.json` → `metrics_20240501_120000_dashboard.html`, in the same folder. */
export function dashboardPathFor(metricsFile: string): string {
  const { dir, name } = path.parse(path.resolve(metricsFile));
  return path.join(dir, `${name}_dashboard.html`);
}

/**
 * Writes the static dashboard of a metrics file (llmmon's format or the original monitor's):
 * one HTML file with the app and the data inside, which opens from `file://` with no network.
 * @throws Error with one line naming the file and the problem (missing, not JSON, bad field)
 * @example
 * const { url } = await createDashboard('data/output/llm_metrics/metrics_20240501_120000.json');
 * console.log(`dashboard: ${url}`);
 */
export async function createDashboard(
  metricsFile: string,
  options: CreateDashboardOptions = {},
): Promise<CreatedDashboard> {
  const source = path.resolve(metricsFile);
  let text: string;
  try {
    text = await readFile(source, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const why =
      code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'is a directory' : (e as Error).message;
    throw new Error(`${metricsFile}: cannot read metrics file (${why})`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new MetricsFormatError(`${metricsFile}: not valid JSON (${(e as Error).message.split('\n')[0]})`);
  }
  let file: ReturnType<typeof normalizeMetrics>;
  try {
    file = normalizeMetrics(json, { runName: path.basename(source) });
  } catch (e) {
    if (e instanceof MetricsFormatError) throw new MetricsFormatError(`${metricsFile}: ${e.message}`);
    throw e;
  }
  const out = path.resolve(options.out ?? dashboardPathFor(source));
  await writeFile(out, renderValidated(file));
  return { path: out, url: pathToFileURL(out).href };
}
