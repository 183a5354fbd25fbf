/**
 * Reading metrics from disk: llmmon metrics files, the original monitor's files and journals.
 * Every failure is one line that names the file and the problem.
 */
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { alertsFor, type Thresholds, validateThresholds } from './alerts.js';
import { JOURNAL_FORMAT, JOURNAL_SUFFIX, journalRunPath } from './journal.js';
import { METRICS_FORMAT, type MetricsFile } from './schema/metrics-file.js';
import { describeZodError, MetricsFormatError, normalizeMetrics } from './schema/normalize.js';
import { type OperationRecord, OperationRecordSchema } from './schema/operation.js';
import { RunSchema } from './schema/run.js';
import { maxOrNull } from './schema/stats.js';

/** Where files go when no directory is given: `data/output/llm_metrics` under the working directory. */
export const DEFAULT_OUTPUT_DIR = path.join('data', 'output', 'llm_metrics');

const pad = (n: number) => String(n).padStart(2, '0');

/** `YYYYMMDD_HHMMSS` in local time, as in the original monitor's file names. */
export function fileTimestamp(date = new Date()): string {
  return (
    `${date.getFullYear()}${pad(date.getMonth() + 1)}${pad(date.getDate())}_` +
    `${pad(date.getHours())}${pad(date.getMinutes())}${pad(date.getSeconds())}`
  );
}

const firstLine = (e: unknown) => (e instanceof Error ? e.message : String(e)).split('\n')[0];

/**
 * Reads a metrics file: `llmmon.metrics/1`, an original monitor file (a bare array of records, or
 * an object whose `metrics` or `operations` key holds one), or a journal (`*.journal.jsonl`, with
 * its `.run.json` beside it when present).
 * @throws MetricsFormatError with one line: `<file>: <problem>` (for journals `<file>:<line>: …`)
 * @example
 * const { run, operations } = await loadMetrics('data/output/llm_metrics/metrics_20240501_120000.json');
 */
export async function loadMetrics(file: string): Promise<MetricsFile> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw new MetricsFormatError(`${file}: cannot read: ${firstLine(error)}`);
  }
  if (text.trim() === '') throw new MetricsFormatError(`${file}: empty file`);
  if (file.endsWith('.jsonl')) return readJournal(file, text);
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new MetricsFormatError(`${file}: not valid JSON: ${firstLine(error)}`);
  }
  try {
    return normalizeMetrics(json, { runName: path.basename(file) });
  } catch (error) {
    if (error instanceof MetricsFormatError) throw new MetricsFormatError(`${file}: ${error.message}`);
    throw error;
  }
}

async function readJournal(file: string, text: string): Promise<MetricsFile> {
  const lines = text.split('\n');
  const complete = text.endsWith('\n');
  const operations: OperationRecord[] = [];
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    if (line.trim() === '') continue;
    const last = i === lines.length - 1;
    let json: unknown;
    try {
      json = JSON.parse(line);
    } catch (error) {
      // A last line without its newline is a write the process did not finish: not a record yet.
      if (last && !complete) break;
      throw new MetricsFormatError(`${file}:${i + 1}: not valid JSON: ${firstLine(error)}`);
    }
    const parsed = OperationRecordSchema.safeParse(json);
    if (!parsed.success) throw new MetricsFormatError(`${file}:${i + 1}: ${describeZodError(parsed.error)}`);
    operations.push(parsed.data);
  }
  const header = await readJournalRun(file);
  const fallback = normalizeMetrics(operations, {
    runName: path.basename(file, JOURNAL_SUFFIX),
    ...(operations[0]?.run_id ? { runId: operations[0].run_id } : {}),
  });
  const run = header?.run ?? fallback.run;
  if (run.ended_at === null && operations.length) {
    const ends = operations.map((o) => Date.parse(o.timestamp) + o.duration_seconds * 1000);
    run.ended_at = new Date(maxOrNull(ends)!).toISOString();
  }
  const records = header ? operations : fallback.operations;
  const thresholds = header?.thresholds ?? {};
  return {
    format: METRICS_FORMAT,
    run,
    operations: records,
    samples: [],
    alerts: alertsFor(records, thresholds),
  };
}

async function readJournalRun(file: string) {
  const runFile = journalRunPath(file);
  if (!existsSync(runFile)) return null;
  let json: { format?: unknown; run?: unknown; thresholds?: unknown };
  try {
    json = JSON.parse(await readFile(runFile, 'utf8'));
  } catch (error) {
    throw new MetricsFormatError(`${runFile}: not valid JSON: ${firstLine(error)}`);
  }
  if (json.format !== JOURNAL_FORMAT) {
    throw new MetricsFormatError(
      `${runFile}: format: expected "${JOURNAL_FORMAT}", got ${JSON.stringify(json.format)}`,
    );
  }
  const run = RunSchema.safeParse(json.run);
  if (!run.success) throw new MetricsFormatError(`${runFile}: ${describeZodError(run.error, 'run')}`);
  let thresholds: Thresholds;
  try {
    thresholds = validateThresholds((json.thresholds ?? {}) as Record<string, unknown>);
  } catch (error) {
    throw new MetricsFormatError(`${runFile}: ${firstLine(error)}`);
  }
  return { run: run.data, thresholds };
}
