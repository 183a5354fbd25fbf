/**
 * The export through the real OpenTelemetry SDK (in-memory span exporter, a metric reader read on
 * demand): the operation's span nests in the caller's trace and carries the record's figures, the
 * metrics carry the record's values under the conventions' names, and without an SDK nothing is
 * made.
 */
import { context, metrics, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import {
  type DataPoint,
  type Histogram,
  MeterProvider,
  type MetricData,
  MetricReader,
} from '@opentelemetry/sdk-metrics';
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  type ReadableSpan,
  SimpleSpanProcessor,
} from '@opentelemetry/sdk-trace-base';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { burnCpu, sleep } from '../../test/support/ground-truth.js';
import { monitorsClosedAfterAll } from '../../test/support/monitors.js';
import { BYTES_PER_MB } from '../schema/field.js';
import { recordFieldsFromAttributes } from './attributes.js';
import { ATTR, operationMetricNames, SEMCONV_OPT_IN_ENV } from './semconv.js';

const monitor = monitorsClosedAfterAll();

/** A reader collected on demand (cumulative), as an exporter would at its next interval. */
class OnDemandReader extends MetricReader {
  protected async onForceFlush(): Promise<void> {}
  protected async onShutdown(): Promise<void> {}
  async metrics(): Promise<Map<string, MetricData>> {
    const { resourceMetrics, errors } = await this.collect();
    expect(errors).toEqual([]);
    const out = new Map<string, MetricData>();
    for (const scope of resourceMetrics.scopeMetrics) {
      for (const m of scope.metrics) out.set(m.descriptor.name, m);
    }
    return out;
  }
}

const histogramPoints = (m: MetricData | undefined) => (m?.dataPoints ?? []) as DataPoint<Histogram>[];

describe('without an OpenTelemetry SDK', () => {
  it('makes no span and no instrument, and the operation is measured as usual', async () => {
    const m = monitor();
    const tracer = trace.getTracer('probe');
    // The API's no-op tracer: nothing registered.
    expect(tracer.startSpan('x').isRecording()).toBe(false);
    const seen = await m.trackOperation('m', 'chat', 0, async () => trace.getActiveSpan());
    expect(seen).toBeUndefined();
    expect(m.operations).toHaveLength(1);
  });
});

describe('with the OpenTelemetry SDK', () => {
  const spans = new InMemorySpanExporter();
  const reader = new OnDemandReader();
  const contextManager = new AsyncLocalStorageContextManager();
  beforeAll(() => {
    context.setGlobalContextManager(contextManager.enable());
    trace.setGlobalTracerProvider(
      new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(spans)] }),
    );
    metrics.setGlobalMeterProvider(new MeterProvider({ readers: [reader] }));
  });
  afterAll(() => {
    trace.disable();
    metrics.disable();
    context.disable();
  });
  afterEach(() => spans.reset());

  const byName = (name: string) => spans.getFinishedSpans().filter((s) => s.name === name);

  it('puts each operation in the caller’s trace, with GenAI and llmmon attributes', async () => {
    const m = monitor({ otel: { providerName: 'llama.cpp' } });
    const tracer = trace.getTracer('app');
    await tracer.startActiveSpan('POST /chat', async (parent) => {
      await m.trackOperation('tiny-llama', 'chat', 42, async (op) => {
        burnCpu(60);
        op.setTokens({ input: 12, output: 34 });
        // The app's own work inside the operation nests under the operation's span.
        tracer.startSpan('tool call').end();
      });
      parent.end();
    });
    const record = m.operations[0]!;
    const [http] = byName('POST /chat') as [ReadableSpan];
    const [op] = byName('chat tiny-llama') as [ReadableSpan];
    const [tool] = byName('tool call') as [ReadableSpan];
    expect(op.spanContext().traceId).toBe(http.spanContext().traceId);
    expect(op.parentSpanContext?.spanId).toBe(http.spanContext().spanId);
    expect(tool.parentSpanContext?.spanId).toBe(op.spanContext().spanId);
    expect(op.instrumentationScope.name).toBe('@llmmon/core');
    const a = op.attributes;
    expect(a[ATTR.operationName]).toBe('chat');
    expect(a[ATTR.providerName]).toBe('llama.cpp');
    expect(a[ATTR.requestModel]).toBe('tiny-llama');
    expect(a[ATTR.inputTokens]).toBe(12);
    expect(a[ATTR.outputTokens]).toBe(34);
    expect(a[ATTR.errorType]).toBeUndefined();
    // The measurements exactly as the record has them.
    expect(record.cpu_time_seconds).toBeGreaterThanOrEqual(0.059);
    expect(a['llmmon.cpu_time_seconds']).toBe(record.cpu_time_seconds);
    expect(a['llmmon.peak_memory_mb']).toBe(record.peak_memory_mb);
    expect(a['llmmon.run_id']).toBe(m.runId);
    expect(a['llmmon.text_length']).toBe(42);
    // The span's times are the record's.
    const startMs = op.startTime[0] * 1e3 + op.startTime[1] / 1e6;
    const durationS = op.duration[0] + op.duration[1] / 1e9;
    expect(startMs).toBeCloseTo(Date.parse(record.timestamp), 0);
    expect(durationS).toBeCloseTo(record.duration_seconds, 5);
    // Every field travels: the attributes read back to the record (but its timestamp).
    const { fields, problems } = recordFieldsFromAttributes(a);
    expect(problems).toEqual([]);
    const { timestamp: _, ...rest } = record;
    for (const [k, v] of Object.entries(rest)) {
      if (v !== null) expect(fields[k as keyof typeof fields], k).toEqual(v);
      else expect(fields[k as keyof typeof fields], k).toBeUndefined();
    }
  });

  it('marks a failed operation with error.type and status ERROR', async () => {
    const m = monitor();
    await expect(
      m.trackOperation('m', 'generate', 0, async () => {
        throw new TypeError('bad prompt');
      }),
    ).rejects.toThrow('bad prompt');
    const [op] = byName('text_completion m') as [ReadableSpan];
    expect(op.attributes[ATTR.errorType]).toBe('TypeError');
    expect(op.attributes['llmmon.status']).toBe('error');
    expect(op.status).toEqual({ code: 2, message: m.operations[0]!.error });
    expect(op.events.map((e) => e.name)).toEqual(['exception']);
    // No provider given and none in the metadata.
    expect(op.attributes[ATTR.providerName]).toBe('unknown');
  });

  it('records the GenAI metrics with the record’s values (conventions v1.41)', async () => {
    const m = monitor();
    await m.trackOperation('metric-model', 'chat', 0, async (op) => {
      op.markFirstToken();
      await sleep(20);
      op.setTokens({ input: 5, output: 7 });
      op.setMetadata({ provider: 'openai' });
    });
    const r = m.operations[0]!;
    const got = await reader.metrics();
    const names = operationMetricNames(null);
    const mine = (points: DataPoint<Histogram>[]) =>
      points.filter((p) => p.attributes[ATTR.requestModel] === 'metric-model');
    const [duration] = mine(histogramPoints(got.get(names.duration.name)));
    expect(got.get(names.duration.name)?.descriptor.unit).toBe('s');
    expect(duration?.value.count).toBe(1);
    expect(duration?.value.sum).toBe(r.duration_seconds);
    expect(duration?.attributes).toEqual({
      [ATTR.operationName]: 'chat',
      [ATTR.providerName]: 'openai',
      [ATTR.requestModel]: 'metric-model',
    });
    const tokens = mine(histogramPoints(got.get('gen_ai.client.token.usage')));
    expect(tokens.map((p) => [p.attributes[ATTR.tokenType], p.value.sum]).sort()).toEqual([
      ['input', 5],
      ['output', 7],
    ]);
    const [ttfc] = mine(histogramPoints(got.get('gen_ai.client.operation.time_to_first_chunk')));
    expect(ttfc?.value.sum).toBe(r.time_to_first_token_seconds);
    const [peak] = mine(histogramPoints(got.get('llmmon.operation.peak_memory')));
    expect(peak?.value.sum).toBe(r.peak_memory_mb! * BYTES_PER_MB);
    expect(got.has('gen_ai.client.inference.duration')).toBe(false);
  });

  it('reports process CPU and memory from the sampler', async () => {
    const m = monitor({ timelineIntervalMs: 50 });
    await m.trackOperation('m', 'chat', 0, async () => burnCpu(30));
    await sleep(200);
    const before = process.cpuUsage();
    const got = await reader.metrics();
    const after = process.cpuUsage();
    const cpu = got.get('process.cpu.time')!.dataPoints as DataPoint<number>[];
    const user = cpu.find((p) => p.attributes['cpu.mode'] === 'user')!.value;
    expect(user).toBeGreaterThanOrEqual(before.user / 1e6);
    expect(user).toBeLessThanOrEqual(after.user / 1e6);
    const [rss] = got.get('process.memory.usage')!.dataPoints as DataPoint<number>[];
    // The newest timeline point (≤ 50 ms old): within 64 MiB of the RSS now in a test process.
    expect(Math.abs(rss!.value - process.memoryUsage().rss)).toBeLessThan(64 * 2 ** 20);
  });

  it('uses the latest experimental names when OTEL_SEMCONV_STABILITY_OPT_IN asks', async () => {
    process.env[SEMCONV_OPT_IN_ENV] = 'http, gen_ai_latest_experimental';
    try {
      const m = monitor();
      await m.trackOperation('latest-model', 'embed', 0, async (op) => op.setTokens({ input: 9 }));
      const r = m.operations[0]!;
      const got = await reader.metrics();
      const pick = (name: string) =>
        histogramPoints(got.get(name)).filter((p) => p.attributes[ATTR.requestModel] === 'latest-model');
      expect(pick('gen_ai.client.inference.duration')[0]?.value.sum).toBe(r.duration_seconds);
      expect(pick('gen_ai.client.inference.operation.input_tokens')[0]?.value.sum).toBe(9);
      expect(pick('gen_ai.client.inference.duration')[0]?.attributes[ATTR.operationName]).toBe('embeddings');
      const usage = (got.get('gen_ai.client.inference.usage.input_tokens')?.dataPoints ??
        []) as DataPoint<number>[];
      expect(usage.find((p) => p.attributes[ATTR.requestModel] === 'latest-model')?.value).toBe(9);
      // The v1.41 name carries nothing of this monitor.
      expect(pick('gen_ai.client.operation.duration')).toEqual([]);
    } finally {
      delete process.env[SEMCONV_OPT_IN_ENV];
    }
  });

  it('makes nothing when the monitor’s otel option is false', async () => {
    const m = monitor({ otel: false });
    await m.trackOperation('off-model', 'chat', 0, async () => {});
    expect(spans.getFinishedSpans()).toEqual([]);
    const got = await reader.metrics();
    const points = histogramPoints(got.get('gen_ai.client.operation.duration'));
    expect(points.some((p) => p.attributes[ATTR.requestModel] === 'off-model')).toBe(false);
  });
});
