/**
 * What `llmmon load` measures. Per request: TTFT, every gap between content chunks (ITL), TPOT,
 * E2EL, tokens and the error kind. Per level: mean, stddev, p50/p90/p95/p99 of each latency,
 * request and token throughput, goodput and the concurrency achieved. Every definition is in
 * docs/llmmon-load.md with the tool it matches; the formulas below are those.
 */

/** Why a request failed. */
export type ErrorKind = 'http' | 'connection' | 'timeout' | 'dropped' | 'empty' | 'other';

/** One request as the client saw it; times in milliseconds on `performance.now()`'s clock. */
export interface RequestResult {
  /** Index of the level, and whether the request was a warm-up (not measured). */
  level: number;
  warmup: boolean;
  /** When the request was handed to the HTTP client. */
  sentAt: number;
  /** Arrival of every chunk that carried generated text, in order. */
  chunkTimes: number[];
  /** When the response was complete (or failed). */
  endAt: number;
  promptChars: number;
  inputTokens: number | null;
  outputTokens: number | null;
  /** Where `outputTokens` comes from: the server's usage, or one token per content chunk. */
  tokensFrom: 'server usage' | 'content chunks' | null;
  error: { kind: ErrorKind; message: string } | null;
}

/** The latencies of one request, in seconds (null where not defined). */
export interface RequestLatencies {
  /** First content chunk − sent. */
  ttft: number | null;
  /** Response complete − sent. */
  e2el: number;
  /** (E2EL − TTFT) ÷ (output tokens − 1); null below 2 output tokens. */
  tpot: number | null;
  /** Every gap between consecutive content chunks. */
  itl: number[];
}

export function latencies(r: RequestResult): RequestLatencies {
  const first = r.chunkTimes[0];
  const ttft = first === undefined ? null : (first - r.sentAt) / 1000;
  const e2el = (r.endAt - r.sentAt) / 1000;
  const out = r.outputTokens;
  const tpot = ttft !== null && out !== null && out >= 2 ? (e2el - ttft) / (out - 1) : null;
  const itl = r.chunkTimes.slice(1).map((t, i) => (t - r.chunkTimes[i]!) / 1000);
  return { ttft, e2el, tpot, itl };
}

export interface Distribution {
  n: number;
  mean: number | null;
  /** Population standard deviation (numpy's default, as vLLM reports it). */
  stddev: number | null;
  p50: number | null;
  p90: number | null;
  p95: number | null;
  p99: number | null;
}

/** Percentile `p` (0–100) of sorted values, linear between closest ranks (numpy's default). */
export function percentile(sorted: readonly number[], p: number): number | null {
  if (sorted.length === 0) return null;
  const rank = (p / 100) * (sorted.length - 1);
  const lo = Math.floor(rank);
  const hi = Math.ceil(rank);
  return sorted[lo]! + (sorted[hi]! - sorted[lo]!) * (rank - lo);
}

export function distribution(values: readonly number[]): Distribution {
  const n = values.length;
  if (n === 0) return { n, mean: null, stddev: null, p50: null, p90: null, p95: null, p99: null };
  const sorted = [...values].sort((a, b) => a - b);
  const mean = values.reduce((s, v) => s + v, 0) / n;
  const stddev = Math.sqrt(values.reduce((s, v) => s + (v - mean) ** 2, 0) / n);
  return {
    n,
    mean,
    stddev,
    p50: percentile(sorted, 50),
    p90: percentile(sorted, 90),
    p95: percentile(sorted, 95),
    p99: percentile(sorted, 99),
  };
}

/** Latency targets in seconds; a request meets the SLO when it meets every target given. */
export interface Slo {
  ttft?: number;
  tpot?: number;
  e2el?: number;
}

const SLO_KEYS = ['ttft', 'tpot', 'e2el'] as const;

/**
 * Parses `ttft=500ms,tpot=50ms,e2el=2s`: a bare number is milliseconds (vLLM's `--goodput`).
 * @throws Error naming the part that is wrong
 */
export function parseSlo(text: string): Slo {
  const slo: Slo = {};
  for (const part of text
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)) {
    const m = /^(\w+)\s*[=:]\s*([\d.]+)\s*(ms|s)?$/.exec(part);
    const key = m?.[1] as (typeof SLO_KEYS)[number] | undefined;
    if (!m || !key || !SLO_KEYS.includes(key) || !Number.isFinite(Number(m[2])))
      throw new Error(`--slo: expected ttft=…,tpot=…,e2el=… (ms or s), got "${part}"`);
    slo[key] = Number(m[2]) / (m[3] === 's' ? 1 : 1000);
  }
  if (Object.keys(slo).length === 0) throw new Error('--slo: no target given');
  return slo;
}

/** Whether a successful request meets every target (a TPOT that is not defined meets its target). */
export function meetsSlo(l: RequestLatencies, slo: Slo): boolean {
  if (slo.ttft !== undefined && (l.ttft === null || l.ttft > slo.ttft)) return false;
  if (slo.tpot !== undefined && l.tpot !== null && l.tpot > slo.tpot) return false;
  if (slo.e2el !== undefined && l.e2el > slo.e2el) return false;
  return true;
}

export interface LevelStats {
  /** Measured requests that succeeded, and those that failed (by kind). */
  completed: number;
  failed: number;
  errors: Partial<Record<ErrorKind, number>>;
  /** First measured request sent → last measured response complete. */
  durationSeconds: number;
  inputTokens: number | null;
  outputTokens: number;
  requestThroughput: number | null;
  inputTokenThroughput: number | null;
  outputTokenThroughput: number | null;
  totalTokenThroughput: number | null;
  /** Successful requests that met the SLO, and that count per second (null without an SLO). */
  goodRequests: number | null;
  goodput: number | null;
  /** Σ E2EL of measured requests ÷ duration (Little's law): mean requests in flight. */
  concurrency: number | null;
  ttft: Distribution;
  tpot: Distribution;
  itl: Distribution;
  e2el: Distribution;
}

const rate = (count: number | null, seconds: number) =>
  count !== null && seconds > 0 ? count / seconds : null;

/** The statistics of one level over its measured (not warm-up) requests. */
export function levelStats(results: readonly RequestResult[], slo: Slo | null): LevelStats {
  const measured = results.filter((r) => !r.warmup);
  const ok = measured.filter((r) => r.error === null);
  const start = Math.min(...measured.map((r) => r.sentAt));
  const end = Math.max(...measured.map((r) => r.endAt));
  const durationSeconds = measured.length ? (end - start) / 1000 : 0;
  const lat = ok.map(latencies);
  const errors: Partial<Record<ErrorKind, number>> = {};
  for (const r of measured) if (r.error) errors[r.error.kind] = (errors[r.error.kind] ?? 0) + 1;
  const inputKnown = ok.every((r) => r.inputTokens !== null);
  const inputTokens = inputKnown ? ok.reduce((s, r) => s + r.inputTokens!, 0) : null;
  const outputTokens = ok.reduce((s, r) => s + (r.outputTokens ?? 0), 0);
  const goodRequests = slo ? lat.filter((l) => meetsSlo(l, slo)).length : null;
  const busy = measured.reduce((s, r) => s + (r.endAt - r.sentAt) / 1000, 0);
  return {
    completed: ok.length,
    failed: measured.length - ok.length,
    errors,
    durationSeconds,
    inputTokens,
    outputTokens,
    requestThroughput: rate(ok.length, durationSeconds),
    inputTokenThroughput: rate(inputTokens, durationSeconds),
    outputTokenThroughput: rate(outputTokens, durationSeconds),
    totalTokenThroughput: rate(inputTokens === null ? null : inputTokens + outputTokens, durationSeconds),
    goodRequests,
    goodput: rate(goodRequests, durationSeconds),
    concurrency: rate(busy, durationSeconds),
    ttft: distribution(lat.flatMap((l) => (l.ttft === null ? [] : [l.ttft]))),
    tpot: distribution(lat.flatMap((l) => (l.tpot === null ? [] : [l.tpot]))),
    itl: distribution(lat.flatMap((l) => l.itl)),
    e2el: distribution(lat.map((l) => l.e2el)),
  };
}
