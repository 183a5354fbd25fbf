/**
 * The levels of an `llmmon load` run, read back from its records: each level is one operation
 * (`load-level`) whose metadata holds the figures `llmmon load` computed (throughputs, latency
 * percentiles, concurrency achieved, the attached server's cost), and each measured request an
 * operation (`request`) whose metadata holds its TTFT and every inter-chunk gap. The charts plot
 * the stored figures as they are; only the distributions are drawn from the requests.
 */
import { type OperationRecord, quantileSorted } from '@llmmon/core/schema';

/** The latency figures of a level, in seconds. */
export const LOAD_LATENCIES = ['ttft', 'tpot', 'itl', 'e2el'] as const;
export type LoadLatency = (typeof LOAD_LATENCIES)[number];

/** A distribution in seconds: p1, p25, p50, p75 and p99 of `n` values. */
export interface Spread {
  n: number;
  p1: number;
  p25: number;
  p50: number;
  p75: number;
  p99: number;
}

export interface LoadLevel {
  index: number;
  label: string;
  completed: number;
  failed: number;
  requestThroughput: number | null;
  outputTokenThroughput: number | null;
  /** Mean requests in flight (Little's law: Σ E2EL ÷ duration), as stored. */
  concurrency: number | null;
  /**
   * Output tokens per second each request in flight received: output token throughput ÷
   * concurrency achieved (= Σ output tokens ÷ Σ E2EL). The y axis of the Pareto view.
   */
  perUserOutputTokenThroughput: number | null;
  /** p50 and p99 of each latency, in seconds, as stored. */
  latency: Record<LoadLatency, { p50: number | null; p99: number | null }>;
  outputTokens: number | null;
  /** Client process CPU-seconds per 1,000 output tokens (the level operation's CPU time). */
  clientCpuPer1k: number | null;
  /** Attached server process CPU-seconds per 1,000 output tokens; null when none was measured. */
  serverCpuPer1k: number | null;
  /** Joules per 1,000 output tokens: the server's own energy, else the CPU package's. */
  joulesPer1k: number | null;
  joulesSource: 'process' | 'package' | null;
  /** TTFT of each succeeded measured request, and every inter-chunk gap of them. */
  ttft: Spread | null;
  itl: Spread | null;
}

/** A level's point on a load chart: x and y in the axes' units. */
export interface CurvePoint {
  level: string;
  x: number;
  y: number;
}

/** A line through the levels' points. */
export interface CurveSeries {
  label: string;
  stroke: string;
  dashed?: boolean;
  points: CurvePoint[];
}

type Meta = Record<string, unknown>;
const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);
const meta = (r: OperationRecord): Meta =>
  r.metadata && typeof r.metadata === 'object' && !Array.isArray(r.metadata) ? (r.metadata as Meta) : {};
const per1k = (value: number | null, tokens: number | null) =>
  value !== null && tokens !== null && tokens > 0 ? (value / tokens) * 1000 : null;

function listOf(map: Map<number, number[]>, key: number): number[] {
  const list = map.get(key) ?? [];
  map.set(key, list);
  return list;
}

/** p1/p25/p50/p75/p99 of the values (linear interpolation between ranks), or null for none. */
export function spread(values: number[]): Spread | null {
  if (values.length === 0) return null;
  const s = values.sort((a, b) => a - b);
  const q = (p: number) => quantileSorted(s, p)!;
  return { n: s.length, p1: q(0.01), p25: q(0.25), p50: q(0.5), p75: q(0.75), p99: q(0.99) };
}

/** True when the records are an `llmmon load` run (they hold a level operation). */
export const isLoadRun = (records: readonly OperationRecord[]) =>
  records.some((r) => r.operation === 'load-level');

/** The run's load levels in order, with their requests' TTFT and ITL; empty for other runs. */
export function loadLevels(records: readonly OperationRecord[]): LoadLevel[] {
  const ttft = new Map<number, number[]>();
  const itl = new Map<number, number[]>();
  for (const r of records) {
    if (r.operation !== 'request' || r.status === 'error') continue;
    const m = meta(r);
    const level = num(m.load_level);
    if (level === null) continue;
    const t = num(m.ttft_seconds);
    if (t !== null) listOf(ttft, level).push(t);
    if (Array.isArray(m.itl_seconds)) {
      const gaps = listOf(itl, level);
      for (const g of m.itl_seconds) if (num(g) !== null) gaps.push(g as number);
    }
  }
  const levels: LoadLevel[] = [];
  for (const r of records) {
    if (r.operation !== 'load-level') continue;
    const m = meta(r);
    const index = num(m.load_level) ?? levels.length;
    const server = m.server && typeof m.server === 'object' ? (m.server as Meta) : null;
    const out = r.output_tokens;
    const outputTokenThroughput = num(m.output_token_throughput);
    const concurrency = num(m.concurrency);
    const processJoules = num(server?.energyJoules);
    const packageJoules = num(server?.packageJoules);
    const latency = Object.fromEntries(
      LOAD_LATENCIES.map((k) => [k, { p50: num(m[`${k}_p50_seconds`]), p99: num(m[`${k}_p99_seconds`]) }]),
    ) as LoadLevel['latency'];
    levels.push({
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
      ttft: spread(ttft.get(index) ?? []),
      itl: spread(itl.get(index) ?? []),
    });
  }
  return levels.sort((a, b) => a.index - b.index);
}
