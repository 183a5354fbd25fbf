// What the OpenTelemetry export costs per operation: `trackOperation` around an empty async
// function with the export off (`otel: false`), on without an SDK registered (the API installed,
// as in this workspace), and on with the SDK (in-memory span exporter, a meter provider).
// Build first; `node perf/otel-overhead.mjs`. Prints mean µs per operation, three rounds each.
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { metrics, trace } from '@opentelemetry/api';
import { MeterProvider } from '@opentelemetry/sdk-metrics';
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  SimpleSpanProcessor,
} from '@opentelemetry/sdk-trace-base';
import { LLMMonitor } from '../dist/index.js';

const N = Number(process.env.LLMMON_PERF_N ?? 20_000);
const outputDir = mkdtempSync(path.join(os.tmpdir(), 'llmmon-otel-perf-'));

async function meanMicros(monitor) {
  for (let i = 0; i < 2_000; i++) await monitor.trackOperation('m', 'chat', 0, async () => {});
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < N; i++) await monitor.trackOperation('m', 'chat', 0, async () => {});
  return Number(process.hrtime.bigint() - t0) / N / 1000;
}

const make = (otel) =>
  new LLMMonitor({ outputDir, journal: false, sampler: 'js', ...(otel === false && { otel }) });
const off = make(false);
const noSdk = make();
const rounds = [];
for (let k = 0; k < 3; k++)
  rounds.push({ off: await meanMicros(off), on_without_sdk: await meanMicros(noSdk) });
trace.setGlobalTracerProvider(
  new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(new InMemorySpanExporter())] }),
);
metrics.setGlobalMeterProvider(new MeterProvider());
const withSdk = make();
for (const r of rounds) r.on_with_sdk = await meanMicros(withSdk);
console.log(
  JSON.stringify(
    rounds.map((r) => Object.fromEntries(Object.entries(r).map(([k, v]) => [k, +v.toFixed(1)]))),
  ),
);
for (const m of [off, noSdk, withSdk]) await m.close();
