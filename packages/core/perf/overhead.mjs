// Per-operation overhead of `trackOperation` around an empty async function.
// Run with `pnpm perf` here or the root `pnpm bench` (build first); writes
// perf/results/overhead-<timestamp>.json.
//
// For each configuration: N timed iterations of `await monitor.trackOperation(…, async () => {})`
// after a warm-up, and the same loop around the bare function as the baseline. Overhead = the
// tracked loop's per-iteration time minus the baseline's (median and p95 of per-iteration times).
// The same for an OpenTelemetry span around the function (sdk-trace-base, BatchSpanProcessor into
// an in-memory exporter, the three attributes an LLM instrumentation sets): the yardstick of the
// light mode's target (at most twice a span's cost), measured in the same run.
import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { BasicTracerProvider, BatchSpanProcessor, InMemorySpanExporter } from '@opentelemetry/sdk-trace-base';
import { fileTimestamp, LLMMonitor, summarize } from '../dist/index.js';

const N = Number(process.env.LLMMON_PERF_N ?? 20_000);
const WARMUP = 2_000;
const here = path.dirname(fileURLToPath(import.meta.url));

const empty = async () => {};
const threadCount = () => readdirSync('/proc/self/task').length;

async function timeLoop(fn) {
  for (let i = 0; i < WARMUP; i++) await fn();
  const times = new Float64Array(N);
  for (let i = 0; i < N; i++) {
    const t0 = process.hrtime.bigint();
    await fn();
    times[i] = Number(process.hrtime.bigint() - t0) / 1000; // µs
  }
  return Array.from(times);
}

const stats = (xs) => {
  const s = summarize(xs);
  return { median_us: s.median, p95_us: s.p95, mean_us: s.mean };
};

/** A result row: `call` timed against the bare function. */
async function row(name, call, extra) {
  const baseline = stats(await timeLoop(empty));
  const tracked = stats(await timeLoop(call));
  return {
    name,
    ...extra,
    threads: threadCount(),
    iterations: N,
    baseline,
    tracked,
    overhead_median_us: tracked.median_us - baseline.median_us,
    overhead_p95_us: tracked.p95_us - baseline.p95_us,
  };
}

async function measure(name, options) {
  // The monitor's output folder (its journal grows ~1 KB per operation): removed when done.
  const dir = await mkdtemp(path.join(os.tmpdir(), 'llmmon-perf-'));
  try {
    const monitor = new LLMMonitor({ outputDir: dir, logAlerts: false, ...options });
    try {
      return await row(name, () => monitor.trackOperation('m', 'empty', 0, empty), {
        sampler: monitor.samplerInfo.kind,
        sampler_interval_ms: monitor.samplerInfo.interval_ms,
        journal: options.journal !== false,
      });
    } finally {
      await monitor.close();
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** An OpenTelemetry span around the bare function (no monitor). */
async function measureSpan(name) {
  const provider = new BasicTracerProvider({
    spanProcessors: [new BatchSpanProcessor(new InMemorySpanExporter())],
  });
  const tracer = provider.getTracer('llmmon-perf');
  const spanned = () =>
    tracer.startActiveSpan('inference', async (span) => {
      span.setAttributes({
        'gen_ai.request.model': 'm',
        'gen_ai.operation.name': 'empty',
        'llm.text_length': 0,
      });
      try {
        await empty();
      } finally {
        span.end();
      }
    });
  try {
    return await row(name, spanned, { sampler: null, journal: false });
  } finally {
    await provider.shutdown();
  }
}

// Wake libuv's thread pool (4 threads) so the process has ~10 threads, as a real model server has.
await Promise.all(Array.from({ length: 8 }, () => readFile(fileURLToPath(import.meta.url))));

const results = [await measureSpan('otel span (no monitor)')];
for (const [name, options] of [
  ['native, journal off', { sampler: 'native', journal: false }],
  ['native light, j. off', { sampler: 'native', journal: false, detail: 'light' }],
  ['native, journal on', { sampler: 'native' }],
  ['js, journal off', { sampler: 'js', journal: false }],
  ['js, journal on', { sampler: 'js' }],
]) {
  try {
    results.push(await measure(name, options));
  } catch (error) {
    results.push({ name, error: String(error.message).split('\n')[0] });
  }
}

const fmt = (x) => (typeof x === 'number' ? x.toFixed(1).padStart(8) : '       —');
console.log(
  `trackOperation overhead, ${N} iterations (µs per operation; ${os.cpus()[0]?.model}, ${os.cpus().length} CPUs, load ${os.loadavg()[0].toFixed(2)})`,
);
console.log(
  'configuration          threads  baseline p50  tracked p50  tracked p95  overhead p50  overhead p95',
);
for (const r of results) {
  if (r.error) {
    console.log(`${r.name.padEnd(22)} error: ${r.error}`);
    continue;
  }
  console.log(
    `${r.name.padEnd(22)} ${String(r.threads).padStart(7)}  ${fmt(r.baseline.median_us)}      ${fmt(r.tracked.median_us)}     ${fmt(r.tracked.p95_us)}      ${fmt(r.overhead_median_us)}      ${fmt(r.overhead_p95_us)}`,
  );
}

const span = results[0].overhead_median_us;
for (const r of results.slice(1))
  if (!r.error)
    console.log(
      `${r.name.padEnd(22)} ${(r.overhead_median_us / span).toFixed(1)} x an OpenTelemetry span (p50)`,
    );

const out = path.join(here, 'results', `overhead-${fileTimestamp()}.json`);
mkdirSync(path.dirname(out), { recursive: true });
writeFileSync(
  out,
  `${JSON.stringify({ date: new Date().toISOString(), node: process.version, cpus: os.cpus().length, loadavg: os.loadavg(), results }, null, 2)}\n`,
);
console.log(`results: ${out}`);
