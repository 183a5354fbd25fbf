/**
 * Runs one load level. Closed loop: `concurrency` workers, each sends its next request as soon as
 * its last one ends. Open loop: requests sent at seeded arrival times (Poisson or gamma) whatever
 * the server does, at most `maxConcurrency` in flight when set (later arrivals wait for a slot,
 * as in vLLM's `--max-concurrency`). The first `warmup` requests of a level are sent the same way
 * but not measured; the level's limits (duration and/or measured requests) count from the first
 * measured request. A request that fails is recorded and the level goes on.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { arrivalTimes } from './arrivals.js';
import type { LoadPrompt, Sent } from './client.js';
import type { RequestResult } from './metrics.js';

export type LevelSpec =
  | { mode: 'concurrency'; concurrency: number }
  | { mode: 'rate'; rate: number; burstiness: number; maxConcurrency: number | null };

export interface LevelLimits {
  /** Stop sending after this many seconds of measurement (in-flight requests finish). */
  durationSeconds: number | null;
  /** Stop after this many measured requests. */
  requests: number | null;
  /** Requests sent first and not measured. */
  warmup: number;
}

export interface LevelOptions {
  index: number;
  spec: LevelSpec;
  limits: LevelLimits;
  /** Seed of the level's arrivals. */
  seed: number;
  nextPrompt: () => LoadPrompt;
  /** Sends one request (the caller wraps it in an operation). */
  send: (prompt: LoadPrompt, warmup: boolean) => Promise<Sent>;
  onResult?: (result: RequestResult) => void;
}

/** A level's label: `c=4` or `r=2/s` (`r=inf/s` for all at once). */
export function levelLabel(spec: LevelSpec): string {
  return spec.mode === 'concurrency'
    ? `c=${spec.concurrency}`
    : `r=${spec.rate === Infinity ? 'inf' : spec.rate}/s`;
}

/** Decides, request by request, whether another one may be sent and whether it is a warm-up. */
function gate(limits: LevelLimits) {
  let issued = 0;
  let windowStart: number | null = null;
  return {
    /** null: the level is over; else whether this request is a warm-up. */
    next(): boolean | null {
      const warmup = issued < limits.warmup;
      const measured = issued - limits.warmup;
      if (!warmup) {
        if (limits.requests !== null && measured >= limits.requests) return null;
        const now = performance.now();
        windowStart ??= now;
        if (limits.durationSeconds !== null && now - windowStart >= limits.durationSeconds * 1000)
          return null;
      }
      issued++;
      return warmup;
    },
  };
}

/** Runs a level; resolves with every request's result (warm-ups included, marked). */
export async function runLevel(options: LevelOptions): Promise<RequestResult[]> {
  const results: RequestResult[] = [];
  const limits = options.limits;
  if (limits.durationSeconds === null && limits.requests === null)
    throw new Error('a level needs a limit: a duration and/or a number of requests');
  if (options.spec.mode === 'rate' && options.spec.rate === Infinity && limits.requests === null)
    throw new Error('rate inf sends every request at once: give a number of requests (-n)');
  const g = gate(limits);
  const one = async (warmup: boolean) => {
    const sent = await options.send(options.nextPrompt(), warmup);
    const result: RequestResult = { ...sent, level: options.index, warmup };
    results.push(result);
    options.onResult?.(result);
  };
  const spec = options.spec;
  if (spec.mode === 'concurrency') {
    const worker = async () => {
      for (let w = g.next(); w !== null; w = g.next()) await one(w);
    };
    await Promise.all(Array.from({ length: spec.concurrency }, worker));
  } else {
    const arrival = arrivalTimes({ rate: spec.rate, burstiness: spec.burstiness, seed: options.seed });
    const start = performance.now();
    const inFlight = new Set<Promise<void>>();
    for (;;) {
      const at = start + arrival() * 1000;
      const wait = at - performance.now();
      if (wait > 0) await sleep(wait);
      while (spec.maxConcurrency !== null && inFlight.size >= spec.maxConcurrency)
        await Promise.race(inFlight);
      const w = g.next();
      if (w === null) break;
      const p: Promise<void> = one(w).finally(() => inFlight.delete(p));
      inFlight.add(p);
    }
    await Promise.all(inFlight);
  }
  return results.sort((a, b) => a.sentAt - b.sentAt);
}
