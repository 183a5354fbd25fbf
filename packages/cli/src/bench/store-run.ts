/**
 * The bench's last step: store the run, whole, in one transaction — in the DuckDB file, or
 * through a running `llmmon serve` (`--server`, or automatically when that server holds the
 * file) — and with `--compare-last` compare it with the previous run of the same config (same
 * models, prompts and settings: the `bench_config_hash` tag) using the server's comparison
 * (Welch's t-test per metric, regressions marked).
 */
import { readFile } from 'node:fs/promises';
import {
  type CompareModel,
  type CompareResponse,
  compareColumn,
  DEFAULT_STATS_EXCLUDED_OPERATIONS,
  familyVerdictText,
  headerText,
  type IngestResponse,
  type QueryResponse,
  summaryCell,
} from '@llmmon/core';
import { DatabaseLockedError, literal, Store } from '@llmmon/server';
import { DEFAULT_QUERY_TIMEOUT_MS } from '@llmmon/server/defaults';
import { ApiClient, servingUrl } from '../context.js';
import { percent, table } from '../format.js';

/** Significance level of the comparison's t-tests. */
export const COMPARE_ALPHA = 0.05;

/** Where a run goes: the local file or a server. */
interface RunSink {
  /** "the file X" or "the server at URL", for messages. */
  where: string;
  ingest(metricsFile: string): Promise<{ run_id: string; operations: number }>;
  query(sql: string): Promise<unknown[][]>;
  compare(ids: string[]): Promise<CompareModel[]>;
  close(): Promise<void>;
}

const previousRunSql = (configHash: string, runId: string) =>
  `SELECT id FROM runs WHERE tags->>'$.bench_config_hash' = ${literal(configHash)} AND id <> ${literal(runId)} ` +
  'ORDER BY started_at DESC LIMIT 1';

async function localSink(db: string): Promise<RunSink> {
  const store = await Store.open(db);
  return {
    where: store.path,
    async ingest(file) {
      const r = await store.ingestFile(file);
      return { run_id: r.run_id, operations: r.operations.received };
    },
    query: async (sql) => (await store.query(sql, { maxRows: 10, timeoutMs: DEFAULT_QUERY_TIMEOUT_MS })).rows,
    async compare(ids) {
      return (await store.compare(ids, COMPARE_ALPHA, DEFAULT_STATS_EXCLUDED_OPERATIONS)).models;
    },
    close: () => store.close(),
  };
}

function remoteSink(url: string): RunSink {
  const client = new ApiClient(url);
  return {
    where: `the server at ${client.base}`,
    async ingest(file) {
      const body = await readFile(file, 'utf8');
      const r = await client.json<IngestResponse>('/api/runs', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body,
      });
      return { run_id: r.run_id, operations: r.operations.received };
    },
    async query(sql) {
      return (await client.post<QueryResponse>('/api/query', { sql, format: 'json' })).rows;
    },
    async compare(ids) {
      const r = await client.json<CompareResponse>(
        `/api/compare?runs=${ids.map(encodeURIComponent).join(',')}&alpha=${COMPARE_ALPHA}`,
      );
      return r.models;
    },
    close: async () => {},
  };
}

export interface StoreRunOptions {
  db: string;
  /** Store through this llmmon server instead of the file. */
  server?: string | undefined;
  metricsFile: string;
  runId: string;
  configHash: string;
  compareLast: boolean;
  /** Status lines. */
  log: (line: string) => void;
  /** The comparison. */
  out: NodeJS.WritableStream;
}

export interface StoredRun {
  where: string;
  /** The run `--compare-last` compared with (null when none, or not asked). */
  previousRunId: string | null;
}

/**
 * Stores the run; with `compareLast`, prints the comparison.
 * @throws Error when the run cannot be stored (nothing is: the ingest is one transaction)
 */
export async function storeBenchRun(options: StoreRunOptions): Promise<StoredRun> {
  let sink: RunSink;
  if (options.server) sink = remoteSink(options.server);
  else {
    try {
      sink = await localSink(options.db);
    } catch (error) {
      const url = error instanceof DatabaseLockedError ? servingUrl(error.path, error.pid) : null;
      if (!url) throw error;
      options.log(`${options.db} is held by llmmon serve at ${url}: storing the run through it`);
      sink = remoteSink(url);
    }
  }
  try {
    const stored = await sink.ingest(options.metricsFile);
    if (stored.run_id !== options.runId)
      throw new Error(`stored run ${stored.run_id}, expected ${options.runId}`);
    if (!options.compareLast) return { where: sink.where, previousRunId: null };
    const rows = await sink.query(previousRunSql(options.configHash, options.runId));
    const previous = (rows[0]?.[0] as string | undefined) ?? null;
    if (!previous) {
      options.out.write(`compare:   no earlier run of this config in ${sink.where}\n`);
      return { where: sink.where, previousRunId: null };
    }
    const models = await sink.compare([previous, options.runId]);
    options.out.write(`\n${formatComparison(previous, models)}\n\n`);
    return { where: sink.where, previousRunId: previous };
  } finally {
    await sink.close();
  }
}

/**
 * One row per model and metric family: the family's mean before and now, the change, and the
 * verdict of its test (each verdict once, with its p-value); `REGRESSION` marks a significant
 * change for the worse. The figures are means because the test compares means.
 */
export function formatComparison(previousRunId: string, models: readonly CompareModel[]): string {
  const rows: string[][] = [];
  for (const m of models) {
    const against = m.against_baseline[0];
    if (!against) {
      rows.push([m.model_name, 'not in both runs', '', '', '', '']);
      continue;
    }
    against.families.forEach((f, i) => {
      const column = compareColumn(f.metric);
      const d = against.metrics[f.metric];
      rows.push([
        i === 0 ? m.model_name : '',
        headerText(column),
        summaryCell(column, d.baseline),
        summaryCell(column, d.value),
        percent(d.relative_delta),
        `${familyVerdictText(f)}${f.regression ? '  REGRESSION' : ''}`,
      ]);
    });
  }
  return [
    `compared with the previous run of this config (${previousRunId}): Welch's t-test per metric family, α = ${COMPARE_ALPHA}`,
    table(['model', 'metric', 'before', 'now', 'change', 'verdict'], rows, [
      false,
      false,
      true,
      true,
      true,
      false,
    ]),
  ].join('\n');
}
