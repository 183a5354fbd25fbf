/**
 * The records of an `llmmon load` run: each load level is one operation of kind `load-level`
 * whose metadata holds the figures `llmmon load` computed for it (throughputs, latency
 * percentiles, concurrency achieved, the attached server's cost), read back here for the
 * dashboard's load view and `llmmon compare`.
 */
import type { OperationRecord } from './operation.js';

/** The operation kind of a load level's summary record. */
export const LOAD_LEVEL_OPERATION = 'load-level';

/** The latencies `llmmon load` reports, each as p50 and p99 in seconds. */
export const LOAD_LATENCIES = ['ttft', 'tpot', 'itl', 'e2el'] as const;
export type LoadLatency = (typeof LOAD_LATENCIES)[number];

/** A load level's stored figures, and its cost per 1,000 output tokens. */
export interface LoadLevelFigures {
  index: number;
  /** `c=4`, `r=2/s`, … */
  label: string;
  completed: number;
  failed: number;
  requestThroughput: number | null;
  outputTokenThroughput: number | null;
  /** Mean requests in flight (Little's law: Σ E2EL ÷ duration). */
  concurrency: number | null;
  /**
   * Output tokens per second each request in flight received: output token throughput ÷
   * concurrency achieved (= Σ output tokens ÷ Σ E2EL).
   */
  perUserOutputTokenThroughput: number | null;
  /** p50 and p99 of each latency, in seconds. */
  latency: Record<LoadLatency, { p50: number | null; p99: number | null }>;
  outputTokens: number | null;
  /** Client process CPU-seconds per 1,000 output tokens (the level operation's CPU time). */
  clientCpuPer1k: number | null;
  /** Attached server process CPU-seconds per 1,000 output tokens; null when none was measured. */
  serverCpuPer1k: number | null;
  /** Joules per 1,000 output tokens: the server's own energy, else the CPU package's. */
  joulesPer1k: number | null;
  joulesSource: 'process' | 'package' | null;
}

type Meta = Record<string, unknown>;
const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);
const per1k = (value: number | null, tokens: number | null) =>
  value !== null && tokens !== null && tokens > 0 ? (value / tokens) * 1000 : null;

/** A record's metadata as an object (empty when it has none). */
export const metadataOf = (r: OperationRecord): Meta =>
  r.metadata && typeof r.metadata === 'object' && !Array.isArray(r.metadata) ? (r.metadata as Meta) : {};

/** The figures of a level record; null for any other record. */
export function loadLevelFigures(r: OperationRecord): LoadLevelFigures | null {
  if (r.operation !== LOAD_LEVEL_OPERATION) return null;
  const m = metadataOf(r);
  const index = num(m.load_level) ?? 0;
  const server = m.server && typeof m.server === 'object' ? (m.server as Meta) : null;
  const out = r.output_tokens;
  const outputTokenThroughput = num(m.output_token_throughput);
  const concurrency = num(m.concurrency);
  const processJoules = num(server?.energyJoules);
  const packageJoules = num(server?.packageJoules);
  const latency = Object.fromEntries(
    LOAD_LATENCIES.map((k) => [k, { p50: num(m[`${k}_p50_seconds`]), p99: num(m[`${k}_p99_seconds`]) }]),
  ) as LoadLevelFigures['latency'];
  return {
    index,
    label: typeof m.load_level_label === 'string' ? m.load_level_label : `level ${index + 1}`,
    completed: num(m.completed) ?? 0,
    failed: num(m.failed) ?? 0,
    requestThroughput: num(m.request_throughput),
    outputTokenThroughput,
    concurrency,
    perUserOutputTokenThroughput:
      outputTokenThroughput !== null && concurrency ? outputTokenThroughput / concurrency : null,
    latency,
    outputTokens: out,
    clientCpuPer1k: per1k(r.cpu_time_seconds, out),
    serverCpuPer1k: per1k(num(server?.cpuSeconds), out),
    joulesPer1k: per1k(processJoules ?? packageJoules, out),
    joulesSource: processJoules !== null ? 'process' : packageJoules !== null ? 'package' : null,
  };
}

/** The level records' figures in level order. */
export function loadLevelsOf(records: readonly OperationRecord[]): LoadLevelFigures[] {
  const levels: LoadLevelFigures[] = [];
  for (const r of records) {
    const f = loadLevelFigures(r);
    if (f) levels.push(f);
  }
  return levels.sort((a, b) => a.index - b.index);
}
