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
  DEFAULT_STATS_EXCLUDED_OPERATIONS,
  type IngestResponse,
  type QueryResponse,
} from '@llmmon/core';
import { DatabaseLockedError, literal, Store } from '@llmmon/server';
import { DEFAULT_QUERY_TIMEOUT_MS } from '@llmmon/server/defaults';
import { ApiClient, servingUrl } from '../context.js';

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

const METRICS = [
  ['p50 s', 'p50_duration_seconds', 3],
  ['tok/s', 'avg_tokens_per_sec', 1],
  ['TTFT s', 'avg_time_to_first_token_seconds', 4],
  ['mem MB', 'avg_memory_mb', 1],
  ['CPU %', 'avg_cpu_percent', 0],
] as const;

/**
 * One line per model: each metric as `previous → now (±%, verdict)`; the verdict is named only
 * where the change is significant, and `REGRESSION` marks significant changes for the worse.
 */
export function formatComparison(previousRunId: string, models: readonly CompareModel[]): string {
  const lines = [`compared with the previous run of this config (${previousRunId}), α = ${COMPARE_ALPHA}:`];
  for (const m of models) {
    const against = m.against_baseline[0];
    if (!against) {
      lines.push(`  ${m.model_name}: not in both runs`);
      continue;
    }
    const cells = METRICS.map(([label, key, digits]) => {
      const d = against.metrics[key];
      const fmt = (v: number | null) => (v === null ? '—' : v.toFixed(digits));
      const rel =
        d.relative_delta === null
          ? 'n/a'
          : `${d.relative_delta >= 0 ? '+' : ''}${(d.relative_delta * 100).toFixed(1)}%`;
      // Significant changes name their direction; regressions (worse, significant) are flagged.
      const verdict =
        d.verdict && d.verdict !== 'no_significant_change' && d.verdict !== 'insufficient_data'
          ? `, ${d.verdict}`
          : '';
      return `${label} ${fmt(d.baseline)} → ${fmt(d.value)} (${rel}${verdict})${d.regression ? ' REGRESSION' : ''}`;
    });
    const regressions = METRICS.filter(([, key]) => against.metrics[key].regression).length;
    lines.push(`  ${regressions ? '✗' : '✓'} ${m.model_name}: ${cells.join(' | ')}`);
  }
  return lines.join('\n');
}
