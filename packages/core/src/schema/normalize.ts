/**
 * Reading metrics JSON from any source llmmon accepts: its own `llmmon.metrics/1` files and the
 * original Python monitor's files (a bare array of records, or an object whose `metrics` or
 * `operations` key holds one). Browser-safe: the dashboard and the server use it as core does.
 */
import type { z } from 'zod';
import { METRICS_FORMAT, type MetricsFile, MetricsFileSchema } from './metrics-file.js';
import { OperationRecordSchema } from './operation.js';
import { type RunHeader, RunSchema } from './run.js';

/** Bad metrics input; `message` is one line that names the problem and where it is. */
export class MetricsFormatError extends Error {
  override name = 'MetricsFormatError';
}

/** One line for a zod error: the first issue with its path, plus how many more there are. */
export function describeZodError(error: z.ZodError, prefix = ''): string {
  const [first] = error.issues;
  if (!first) return `${prefix || 'input'}: invalid`;
  const path = first.path.reduce<string>(
    (acc, key) => (typeof key === 'number' ? `${acc}[${key}]` : acc ? `${acc}.${String(key)}` : String(key)),
    prefix,
  );
  const more = error.issues.length > 1 ? ` (and ${error.issues.length - 1} more problems)` : '';
  return `${path || 'input'}: ${first.message}${more}`;
}

export interface NormalizeOptions {
  /** Run id for files that carry none (original monitor files); default `legacy-<first timestamp>`. */
  runId?: string;
  /** Run name for such files (e.g. the file name). */
  runName?: string;
}

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * Validates parsed JSON as a metrics file and returns it in llmmon's format.
 * @throws MetricsFormatError naming the problem (the first bad field, with its path)
 * @example
 * const file = normalizeMetrics(JSON.parse(text), { runName: 'metrics_20240501_120000.json' });
 */
export function normalizeMetrics(input: unknown, options: NormalizeOptions = {}): MetricsFile {
  if (isObject(input) && 'format' in input) {
    if (input.format !== METRICS_FORMAT) {
      throw new MetricsFormatError(
        `format: unsupported metrics format ${JSON.stringify(input.format)} (expected "${METRICS_FORMAT}")`,
      );
    }
    const parsed = MetricsFileSchema.safeParse(input);
    if (!parsed.success) throw new MetricsFormatError(describeZodError(parsed.error));
    return parsed.data;
  }
  let records: unknown;
  let key = '';
  if (Array.isArray(input)) records = input;
  else if (isObject(input) && Array.isArray(input.operations))
    [records, key] = [input.operations, 'operations'];
  else if (isObject(input) && Array.isArray(input.metrics)) [records, key] = [input.metrics, 'metrics'];
  else {
    throw new MetricsFormatError(
      `not a metrics file: expected {"format":"${METRICS_FORMAT}",…}, an array of operation records, or an object with an "operations" or "metrics" array`,
    );
  }
  return fromOriginalRecords(records as unknown[], key, options);
}

function fromOriginalRecords(records: unknown[], key: string, options: NormalizeOptions): MetricsFile {
  if (records.length === 0) throw new MetricsFormatError(noRecords(key));
  const operations = records.map((raw, i) => {
    const parsed = OperationRecordSchema.safeParse(raw);
    if (!parsed.success) throw new MetricsFormatError(describeZodError(parsed.error, `${key}[${i}]`));
    return parsed.data;
  });
  const starts = operations.map((o) => o.timestamp).sort();
  const run = originalRunHeader(starts[0], starts[starts.length - 1], options);
  return {
    format: METRICS_FORMAT,
    run,
    operations: operations.map((o, seq) => ({ ...o, run_id: run.id, seq: o.seq ?? seq })),
    samples: [],
    alerts: [],
  };
}

const noRecords = (key: string) =>
  `${key || 'records'}: no operation records (an original monitor file has no run header: its run is dated by its records, so an empty one has nothing to store)`;

/**
 * The run header given to an original-monitor file, which has none: started at its earliest
 * operation timestamp, ended at its latest (by string order, as the timestamps are ISO 8601),
 * id `legacy-<digits of the first timestamp>` unless `options.runId` says otherwise. The server's
 * bulk reader uses it too, so both name the same file's run alike.
 * @throws MetricsFormatError when there is no first timestamp (a file without records)
 * @example originalRunHeader('2024-05-01T12:00:00', '2024-05-01T12:05:00').id // 'legacy-20240501120000'
 */
export function originalRunHeader(
  firstTimestamp: string | undefined,
  lastTimestamp: string | undefined,
  options: NormalizeOptions & { key?: string } = {},
): RunHeader {
  if (firstTimestamp === undefined) throw new MetricsFormatError(noRecords(options.key ?? ''));
  const startedAt = firstTimestamp;
  const id = options.runId ?? `legacy-${startedAt.replace(/[^0-9]/g, '').slice(0, 14)}`;
  return RunSchema.parse({
    id,
    name: options.runName ?? null,
    started_at: startedAt,
    ended_at: lastTimestamp ?? null,
    host: {},
    sampler: {},
  });
}
