/**
 * `llmmon load` against the scripted server: every latency the client reports is held against
 * the instants the server wrote (same process, same clock) and against the script; token counts,
 * error counts and goodput must be exact. Every time bound allows 2 ms plus twice the worst
 * event-loop delay measured during that test: a chunk the server wrote reaches the client's code
 * after two turns of this process's event loop (the socket read, then the stream's delivery to
 * the iterator), and each may wait that long while other threads on a loaded machine run.
 */
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { afterEach, describe, expect, it } from 'vitest';
import { arrivalTimes } from './arrivals.js';
import { type LoadPrompt, loadClient, type Target } from './client.js';
import { type LevelLimits, type LevelSpec, runLevel } from './levels.js';
import { latencies, levelStats, type RequestResult } from './metrics.js';
import { type Script, type ScriptedServer, startScriptedServer } from './scripted-server.js';

let server: ScriptedServer | null = null;
afterEach(async () => {
  await server?.close();
  server = null;
});

/** Runs a level against a scripted server; `budgetMs` = 2 ms + 2 × the worst loop delay seen. */
async function run(
  script: Script,
  spec: LevelSpec,
  limits: LevelLimits,
  kind: Target['kind'] = 'chat',
  prompt: LoadPrompt = { text: 'hello', maxTokens: 5 },
) {
  server = await startScriptedServer(script);
  const client = await loadClient({
    kind,
    baseURL: server.baseURL,
    model: 'm',
    timeoutMs: 10_000,
    temperature: 0,
    fixedOutput: false,
  });
  const lag = monitorEventLoopDelay({ resolution: 1 });
  lag.enable();
  const results = await runLevel({
    index: 0,
    spec,
    limits,
    seed: 3,
    nextPrompt: () => prompt,
    send: (p) => client.send(p),
  });
  lag.disable();
  return { results, budgetMs: 2 + (2 * lag.max) / 1e6, requests: server.requests };
}

function within(actual: number, expected: number, budgetMs: number): void {
  expect(Math.abs(actual - expected) * 1000, `${actual} vs ${expected}`).toBeLessThanOrEqual(budgetMs);
}

describe('llmmon load against a scripted server', () => {
  for (const kind of ['chat', 'completions'] as const) {
    it(`${kind}: TTFT, every ITL gap, TPOT and E2EL match what the server did`, async () => {
      const script = { ttftMs: 40, itlMs: 15, inputTokens: 7 };
      const { results, budgetMs, requests } = await run(
        script,
        { mode: 'concurrency', concurrency: 1 },
        { durationSeconds: null, requests: 4, warmup: 1 },
        kind,
      );
      expect(results).toHaveLength(5);
      expect(results.filter((r) => r.warmup)).toHaveLength(1);
      for (const [i, r] of results.entries()) {
        const s = requests[i]!;
        expect(r.error).toBeNull();
        expect([r.inputTokens, r.outputTokens, r.tokensFrom]).toEqual([7, 5, 'server usage']);
        // The warm-up pays the connection and the client's first-use costs: that is its job.
        if (r.warmup) continue;
        const l = latencies(r);
        // The client sends before the server receives and reads after it writes: its figures
        // are the server's plus transport, never less.
        const serverTtft = (s.tokenTimes[0]! - s.receivedAt) / 1000;
        expect(l.ttft!).toBeGreaterThanOrEqual(serverTtft);
        within(l.ttft!, serverTtft, budgetMs);
        within(l.ttft!, script.ttftMs / 1000, budgetMs + (serverTtft * 1000 - script.ttftMs));
        expect(l.itl).toHaveLength(4);
        for (const [j, gap] of l.itl.entries())
          within(gap, (s.tokenTimes[j + 1]! - s.tokenTimes[j]!) / 1000, budgetMs);
        within(l.e2el, (s.endAt - s.receivedAt) / 1000, budgetMs);
        within(l.tpot!, (l.e2el - l.ttft!) / 4, 0.001);
        within(l.tpot!, script.itlMs / 1000, budgetMs);
      }
      const stats = levelStats(results, null);
      expect([stats.completed, stats.failed, stats.inputTokens, stats.outputTokens]).toEqual([4, 0, 28, 20]);
      // The window the server saw (first received → last written), against the client's.
      const measured = requests.slice(1);
      const serverWindow = (measured.at(-1)!.endAt - measured[0]!.receivedAt) / 1000;
      within(stats.durationSeconds, serverWindow, 2 * budgetMs);
      expect(stats.requestThroughput).toBeCloseTo(4 / stats.durationSeconds, 9);
      expect(stats.outputTokenThroughput).toBeCloseTo(20 / stats.durationSeconds, 9);
      expect(stats.totalTokenThroughput).toBeCloseTo(48 / stats.durationSeconds, 9);
      expect(stats.itl.n).toBe(16);
    });
  }

  it('counts content chunks when the server sends no usage, and says so', async () => {
    const { results } = await run(
      { ttftMs: 5, itlMs: 2, inputTokens: 3, outputTokens: 6, noUsage: true },
      { mode: 'concurrency', concurrency: 1 },
      { durationSeconds: null, requests: 2, warmup: 0 },
    );
    expect(results.map((r) => [r.inputTokens, r.outputTokens, r.tokensFrom])).toEqual([
      [null, 6, 'content chunks'],
      [null, 6, 'content chunks'],
    ]);
  });

  it('throughput is the server’s capacity when requests queue for its slots', async () => {
    // 2 slots × one request per (40 + 4 × 10) ms = 25 requests/s, whatever the concurrency above 2.
    const { results, budgetMs } = await run(
      { ttftMs: 40, itlMs: 10, inputTokens: 1, slots: 2 },
      { mode: 'concurrency', concurrency: 4 },
      { durationSeconds: null, requests: 12, warmup: 4 },
    );
    const stats = levelStats(results, null);
    expect(stats.completed).toBe(12);
    // 12 requests in 6 rounds of 80 ms, each round late by at most the budget; the in-flight
    // ramp at the window's edges adds at most one round.
    const service = 0.08;
    expect(stats.durationSeconds).toBeGreaterThanOrEqual(6 * service - 2 * service);
    expect(stats.durationSeconds).toBeLessThanOrEqual(7 * (service + budgetMs / 1000));
    // Little's law: 4 in flight.
    expect(stats.concurrency!).toBeGreaterThan(3);
    expect(stats.concurrency!).toBeLessThanOrEqual(4.0001);
  });

  it('goodput counts exactly the requests inside the SLO', async () => {
    // Requests 3, 5 and 7 (after the warm-up) start in 300 ms, the others in 20 ms.
    const { results, budgetMs } = await run(
      { ttftMs: (n) => (n % 2 ? 300 : 20), itlMs: 10, inputTokens: 1 },
      { mode: 'concurrency', concurrency: 1 },
      { durationSeconds: null, requests: 6, warmup: 1 },
    );
    const slo = 0.16; // 140 ms from either side
    expect(budgetMs).toBeLessThan(140);
    const stats = levelStats(results, { ttft: slo });
    expect(stats.goodRequests).toBe(3);
    expect(stats.goodput).toBeCloseTo(3 / stats.durationSeconds, 9);
    // E2EL = TTFT + 4 × 10 ms: the same three meet 200 ms.
    expect(levelStats(results, { e2el: slo + 0.04 }).goodRequests).toBe(3);
    expect(levelStats(results, { tpot: 0.5 }).goodRequests).toBe(6);
    expect(levelStats(results, { ttft: slo, tpot: 0.5, e2el: 0.001 }).goodRequests).toBe(0);
  });

  it('counts failed and dropped requests by kind and goes on', async () => {
    const { results } = await run(
      {
        ttftMs: 5,
        itlMs: 2,
        inputTokens: 1,
        fail: (n) => n % 3 === 0,
        dropAfter: (n) => (n === 5 ? 2 : null),
      },
      { mode: 'concurrency', concurrency: 1 },
      { durationSeconds: null, requests: 9, warmup: 0 },
    );
    const stats = levelStats(results, null);
    expect(stats.errors).toEqual({ http: 3, dropped: 1 });
    expect([stats.completed, stats.failed]).toEqual([5, 4]);
    expect(stats.e2el.n).toBe(5);
  });

  it('open loop sends on the seeded arrival schedule', async () => {
    const spec = { mode: 'rate', rate: 100, burstiness: 1, maxConcurrency: null } as const;
    const { results, budgetMs } = await run(
      { ttftMs: 1, itlMs: 1, inputTokens: 1 },
      spec,
      { durationSeconds: null, requests: 60, warmup: 0 },
      'chat',
      { text: 'x', maxTokens: 2 },
    );
    expect(results).toHaveLength(60);
    const schedule = arrivalTimes({ rate: 100, burstiness: 1, seed: 3 });
    const planned = results.map(() => schedule());
    const start = results[0]!.sentAt - planned[0]! * 1000;
    // Each send lands at its planned instant, late by at most the budget (never early).
    results.forEach((r: RequestResult, i) => {
      const late = r.sentAt - (start + planned[i]! * 1000);
      expect(late).toBeGreaterThanOrEqual(-budgetMs);
      expect(late).toBeLessThanOrEqual(budgetMs);
    });
  });

  it('stops a level at its duration, in-flight requests finished', async () => {
    const { results, budgetMs } = await run(
      { ttftMs: 20, itlMs: 10, inputTokens: 1 },
      { mode: 'concurrency', concurrency: 2 },
      { durationSeconds: 0.3, requests: null, warmup: 0 },
    );
    const first = results[0]!.sentAt;
    const lastSent = Math.max(...results.map((r) => r.sentAt));
    expect(lastSent - first).toBeLessThan(300);
    // Each request takes ~60 ms: 2 workers × 300 ms ≈ 10 requests.
    expect(results.length).toBeGreaterThanOrEqual(Math.floor((2 * 300) / (60 + budgetMs)));
    expect(results.length).toBeLessThanOrEqual(12);
  });
});
