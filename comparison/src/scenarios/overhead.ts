/**
 * Scenario 4, per-operation overhead: what wrapping every LLM call costs. The same call, bare
 * and wrapped, measured interleaved in rounds (each round runs every variant in a shuffled
 * order), ~10 threads in the process:
 * - `await fn()` (bare);
 * - an OpenTelemetry span around it — the common "wrap every LLM call" alternative:
 *   `@opentelemetry/sdk-trace-base` BasicTracerProvider + BatchSpanProcessor (default batch
 *   settings) with an in-memory exporter, the async-hooks context manager (as NodeSDK sets up),
 *   `startActiveSpan` with the three attributes an LLM instrumentation sets;
 * - `monitor.trackOperation(model, op, textLength, fn)` with the native sampler (journal off, and
 *   the default with the journal on; and `detail: 'light'`, journal off) and with the JS sampler
 *   (journal off).
 * The call is an empty async function, or one that computes for 1 ms (a busy loop on the clock).
 * Per round: the median time per call of each variant; reported: median and spread over rounds
 * of that, of overhead = variant − bare, and of the ratio variant ÷ bare.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { LLMMonitor } from '@llmmon/core';
import { mulberry32 } from '@llmmon/core/random';
import { context } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { BasicTracerProvider, BatchSpanProcessor, InMemorySpanExporter } from '@opentelemetry/sdk-trace-base';
import { packageResult } from '../lib/package-results.js';
import { shuffle } from '../lib/shuffle.js';
import { median, type Spread, spread } from '../lib/stats.js';
import { threadIds } from '../lib/truth.js';
import { workloads } from '../lib/workloads.js';

export interface OverheadOptions {
  rounds: number;
  /** Calls per variant per round, for the empty and the 1 ms function. */
  calls: { empty: number; busy: number };
  threads: number;
  seed: number;
}

export const OVERHEAD_DEFAULTS: OverheadOptions = {
  rounds: 7,
  calls: { empty: 3000, busy: 150 },
  threads: 10,
  seed: 3,
};

export interface OverheadRow {
  variant: string;
  label: string;
  fn: 'empty' | 'busy-1ms';
  /** Median time per call, µs (spread over rounds). */
  per_call_us: Spread;
  /** Per-call time − bare per-call time of the same round, µs. */
  overhead_us: Spread;
  /** Per-call time ÷ bare per-call time of the same round. */
  ratio_to_bare: Spread;
}

export interface OverheadData {
  options: OverheadOptions;
  threads: number;
  rows: OverheadRow[];
  /** `@llmmon/core`'s own trackOperation measurement (empty function), for cross-checking. */
  core_perf: { source: string; written: string; results: unknown[] } | null;
}

const empty = async () => {};
const busy = async () => {
  const end = process.hrtime.bigint() + 1_000_000n;
  while (process.hrtime.bigint() < end) {
    // computing for 1 ms
  }
};

type Call = (fn: () => Promise<void>) => Promise<void>;

async function timeCalls(call: Call, fn: () => Promise<void>, n: number): Promise<number> {
  const times = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const t0 = process.hrtime.bigint();
    await call(fn);
    times[i] = Number(process.hrtime.bigint() - t0) / 1000;
  }
  return median(Array.from(times))!;
}

export async function runOverhead(options: OverheadOptions = OVERHEAD_DEFAULTS): Promise<OverheadData> {
  const addon = workloads();
  const parked = new addon.ParkedThreads(Math.max(0, options.threads - threadIds().length));
  const dir = await mkdtemp(path.join(tmpdir(), 'llmmon-comparison-overhead-'));

  const contextManager = new AsyncLocalStorageContextManager().enable();
  context.setGlobalContextManager(contextManager);
  const exporter = new InMemorySpanExporter();
  const provider = new BasicTracerProvider({ spanProcessors: [new BatchSpanProcessor(exporter)] });
  const tracer = provider.getTracer('llmmon-comparison');

  const native = new LLMMonitor({ sampler: 'native', journal: false, outputDir: dir, logAlerts: false });
  const light = new LLMMonitor({
    sampler: 'native',
    journal: false,
    outputDir: dir,
    logAlerts: false,
    detail: 'light',
  });
  const nativeJournal = new LLMMonitor({ sampler: 'native', outputDir: dir, logAlerts: false });
  const js = new LLMMonitor({ sampler: 'js', journal: false, outputDir: dir, logAlerts: false });

  const variants: { variant: string; label: string; call: Call }[] = [
    { variant: 'bare', label: 'bare call', call: (fn) => fn() },
    {
      variant: 'otel',
      label: 'OpenTelemetry span (BatchSpanProcessor)',
      call: (fn) =>
        tracer.startActiveSpan('inference', async (span) => {
          span.setAttributes({
            'gen_ai.request.model': 'm',
            'gen_ai.operation.name': 'inference',
            'llm.text_length': 0,
          });
          try {
            await fn();
          } finally {
            span.end();
          }
        }),
    },
    {
      variant: 'llmmon-native',
      label: 'llmmon trackOperation, native sampler, journal off',
      call: (fn) => native.trackOperation('m', 'inference', 0, fn),
    },
    {
      variant: 'llmmon-native-light',
      label: "llmmon trackOperation, native sampler, detail 'light', journal off",
      call: (fn) => light.trackOperation('m', 'inference', 0, fn),
    },
    {
      variant: 'llmmon-native-journal',
      label: 'llmmon trackOperation, native sampler, journal on (default)',
      call: (fn) => nativeJournal.trackOperation('m', 'inference', 0, fn),
    },
    {
      variant: 'llmmon-js',
      label: 'llmmon trackOperation, JS sampler, journal off',
      call: (fn) => js.trackOperation('m', 'inference', 0, fn),
    },
  ];
  const threads = threadIds().length;
  const random = mulberry32(options.seed);
  const fns = [
    { fn: 'empty' as const, f: empty, n: options.calls.empty },
    { fn: 'busy-1ms' as const, f: busy, n: options.calls.busy },
  ];
  // per fn, per variant: per-round medians
  const perRound = fns.map(() => variants.map(() => [] as number[]));
  try {
    // Warm-up: every path compiled and every sampler running before the first timed round.
    for (const v of variants) await timeCalls(v.call, empty, 500);
    for (let round = 0; round < options.rounds; round++) {
      for (const [i, f] of fns.entries()) {
        const order = shuffle(
          variants.map((_, k) => k),
          random,
        );
        for (const k of order) perRound[i]![k]!.push(await timeCalls(variants[k]!.call, f.f, f.n));
      }
      await provider.forceFlush();
      exporter.reset();
    }
  } finally {
    await native.close();
    await light.close();
    await nativeJournal.close();
    await js.close();
    await provider.shutdown();
    contextManager.disable();
    parked.release();
    await rm(dir, { recursive: true, force: true });
  }
  const rows: OverheadRow[] = [];
  fns.forEach((f, i) => {
    const bare = perRound[i]![0]!;
    variants.forEach((v, k) => {
      const times = perRound[i]![k]!;
      rows.push({
        variant: v.variant,
        label: v.label,
        fn: f.fn,
        per_call_us: spread(times),
        overhead_us: spread(times.map((t, r) => t - bare[r]!)),
        ratio_to_bare: spread(times.map((t, r) => t / bare[r]!)),
      });
    });
  });
  let core: OverheadData['core_perf'] = null;
  try {
    const r = packageResult<{ results: unknown[] }>('@llmmon/core', 'overhead-');
    core = { source: r.file, written: r.written, results: r.data.results };
  } catch (error) {
    console.warn(`comparison: no @llmmon/core overhead result to cross-check (${(error as Error).message})`);
  }
  return { options, threads, rows, core_perf: core };
}
