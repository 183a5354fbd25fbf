/**
 * OTLP ingest end to end: the real OpenTelemetry SDK exports over OTLP/HTTP (protobuf with gzip,
 * and JSON) to a running server, and the operations are read back from its DuckDB store.
 */
import { request } from 'node:http';
import { gzipSync } from 'node:zlib';
import { LLMMonitor } from '@llmmon/core';
import type { OperationRecord, OperationsResponse, RunDetailResponse } from '@llmmon/core/schema';
import { json, tempDir } from '@llmmon/testkit';
import { context, type Span, SpanStatusCode, trace } from '@opentelemetry/api';
import { OTLPTraceExporter as JsonExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { OTLPTraceExporter as ProtoExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BasicTracerProvider, SimpleSpanProcessor, type SpanExporter } from '@opentelemetry/sdk-trace-base';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningServer, startServer } from '../http/server.js';
import { NO_MEASUREMENTS_REASON } from './records.js';

const TOKEN = 'otlp-secret-0123456789';
let tmp: ReturnType<typeof tempDir>;
let server: RunningServer;

beforeAll(async () => {
  tmp = tempDir();
  server = await startServer({
    db: `${tmp.dir}/otlp.duckdb`,
    port: 0,
    dashboardDir: null,
    token: TOKEN,
    bodyLimit: 1024 * 1024,
  });
});
afterAll(async () => {
  await server.close();
  tmp.remove();
});

const auth = { Authorization: `Bearer ${TOKEN}` };

/** A tracer provider exporting every span at once through `exporter`, with a service and host. */
function provider(exporter: SpanExporter, service: string, host: string) {
  return new BasicTracerProvider({
    resource: resourceFromAttributes({ 'service.name': service, 'host.name': host, 'os.type': 'linux' }),
    spanProcessors: [new SimpleSpanProcessor(exporter)],
  });
}

async function operations(runId: string): Promise<OperationRecord[]> {
  const res = await fetch(
    `${server.url}/api/runs/${encodeURIComponent(runId)}/operations?limit=1000&sort=timestamp&order=asc`,
  );
  expect(res.status).toBe(200);
  return ((await json(res)) as OperationsResponse).operations;
}

/** A POST on a connection of its own (node:http, no keep-alive), tolerating a reset while sending. */
function postAlone(
  body: Buffer,
  headers: Record<string, string>,
): Promise<{ status: number; error: string }> {
  return new Promise((resolve, reject) => {
    const req = request(`${server.url}/v1/traces`, { method: 'POST', headers, agent: false }, (res) => {
      let text = '';
      res.setEncoding('utf8').on('data', (d: string) => (text += d));
      res.on('end', () =>
        resolve({ status: res.statusCode!, error: (JSON.parse(text) as { error: string }).error }),
      );
    });
    req.on('error', (error: NodeJS.ErrnoException) => {
      if (error.code !== 'EPIPE' && error.code !== 'ECONNRESET') reject(error);
    });
    req.end(body);
  });
}

const post = (body: string | Buffer, headers: Record<string, string>) =>
  fetch(`${server.url}/v1/traces`, { method: 'POST', body, headers: { ...auth, ...headers } });

describe('POST /v1/traces', () => {
  it('stores the spans core exports through the SDK’s OTLP protobuf exporter (gzip) exactly', async () => {
    const tracing = provider(
      new ProtoExporter({ url: `${server.url}/v1/traces`, headers: auth, compression: 'gzip' as never }),
      'bench-app',
      'gpu-box',
    );
    trace.setGlobalTracerProvider(tracing);
    const monitor = new LLMMonitor({
      outputDir: tmp.dir,
      journal: false,
      otel: { providerName: 'llama.cpp' },
    });
    try {
      await monitor.trackOperation('tiny-llama', 'chat', 20, async (op) => {
        op.setTokens({ input: 8, output: 3 });
        op.markFirstToken();
        op.setMetadata({ prompt: 'hi', nested: { a: [1, 2] } });
      });
      await monitor
        .trackOperation('tiny-llama', 'embed', 5, async () => {
          throw new RangeError('too long');
        })
        .catch(() => {});
      await tracing.forceFlush();
    } finally {
      trace.disable();
      await tracing.shutdown();
      await monitor.close();
    }
    const stored = await operations(monitor.runId);
    expect(stored).toEqual(monitor.operations);
    const detail = (await json(await fetch(`${server.url}/api/runs/${monitor.runId}`))) as RunDetailResponse;
    expect(detail.run.host.hostname).toBe('gpu-box');
  });

  it('turns GenAI spans of other instrumentations (OTLP JSON) into a run per service and host', async () => {
    const tracing = provider(
      new JsonExporter({ url: `${server.url}/v1/traces`, headers: auth }),
      'chat-api',
      'web-1',
    );
    const tracer = tracing.getTracer('some-openai-instrumentation');
    const t0 = Date.UTC(2026, 11, 7, 3, 0, 0);
    const at = (ms: number) => new Date(t0 + ms);
    // An HTTP span around the call: not an operation.
    const http = tracer.startSpan('POST /ask', { startTime: at(0) });
    const parent = trace.setSpan(context.active(), http);
    const chat: Span = tracer.startSpan(
      'chat gpt-4o-mini',
      {
        startTime: at(10),
        attributes: {
          'gen_ai.operation.name': 'chat',
          'gen_ai.provider.name': 'openai',
          'gen_ai.request.model': 'gpt-4o-mini',
          'gen_ai.usage.input_tokens': 21,
          'gen_ai.usage.output_tokens': 11,
        },
      },
      parent,
    );
    chat.addEvent('gen_ai.content.completion.chunk', {}, at(260));
    chat.addEvent('gen_ai.content.completion.chunk', {}, at(300));
    chat.end(at(1260));
    // OpenLLMetry's older names.
    const legacy = tracer.startSpan('openai.completion', {
      startTime: at(2000),
      attributes: {
        'gen_ai.system': 'openai',
        'llm.request.type': 'completion',
        'gen_ai.request.model': 'gpt-3.5-turbo-instruct',
        'gen_ai.usage.prompt_tokens': 4,
        'gen_ai.usage.completion_tokens': 9,
      },
    });
    legacy.end(at(2500));
    const failed = tracer.startSpan('chat gpt-4o', {
      startTime: at(3000),
      attributes: {
        'gen_ai.operation.name': 'chat',
        'gen_ai.request.model': 'gpt-4o',
        'error.type': 'RateLimitError',
      },
    });
    failed.setStatus({ code: SpanStatusCode.ERROR, message: '429 Too Many Requests' });
    failed.end(at(3100));
    http.end(at(3200));
    await tracing.forceFlush();
    await tracing.shutdown();

    const ops = await operations('otlp:chat-api@web-1');
    expect(ops.map((o) => [o.model_name, o.operation, o.status])).toEqual([
      ['gpt-4o-mini', 'chat', 'ok'],
      ['gpt-3.5-turbo-instruct', 'completion', 'ok'],
      ['gpt-4o', 'chat', 'error'],
    ]);
    const [c, l, f] = ops as [OperationRecord, OperationRecord, OperationRecord];
    expect(c.timestamp).toBe(at(10).toISOString());
    expect(c.duration_seconds).toBe(1.25);
    expect(c.time_to_first_token_seconds).toBe(0.25);
    expect([c.input_tokens, c.output_tokens]).toEqual([21, 11]);
    expect(c.tokens_per_sec).toBe(11);
    expect(c.inter_token_latency_seconds).toBe(0.1);
    // The low 52 bits of the span id.
    expect(c.seq).toBe(Number.parseInt(chat.spanContext().spanId.slice(-13), 16));
    expect(c.cpu_time_seconds).toBeNull();
    expect(c.peak_memory_mb).toBeNull();
    expect(c.metadata).toMatchObject({
      provider: 'openai',
      service: 'chat-api',
      span_id: chat.spanContext().spanId,
    });
    expect(c.metadata?.parent_span_id).toBe(http.spanContext().spanId);
    expect(c.metadata?.trace_id).toBe(http.spanContext().traceId);
    expect([l.input_tokens, l.output_tokens, l.duration_seconds, l.time_to_first_token_seconds]).toEqual([
      4,
      9,
      0.5,
      null,
    ]);
    expect(l.metadata?.provider).toBe('openai');
    expect(f.error).toBe('429 Too Many Requests');
    const detail = (await json(
      await fetch(`${server.url}/api/runs/${encodeURIComponent('otlp:chat-api@web-1')}`),
    )) as RunDetailResponse;
    expect(detail.run.name).toBe('chat-api on web-1');
    expect(detail.run.host.platform).toBe('linux');
    expect(detail.run.sampler.reason).toBe(NO_MEASUREMENTS_REASON);
  });

  const genAiJson = (spanId: string, model: string, extra: object[] = []) => ({
    resourceSpans: [
      {
        resource: { attributes: [{ key: 'service.name', value: { stringValue: 'retry-app' } }] },
        scopeSpans: [
          {
            spans: [
              {
                traceId: '5b8efff798038103d269b633813fc60c',
                spanId,
                name: `chat ${model}`,
                startTimeUnixNano: '1765000000000000000',
                endTimeUnixNano: '1765000001500000000',
                attributes: [
                  { key: 'gen_ai.operation.name', value: { stringValue: 'chat' } },
                  { key: 'gen_ai.request.model', value: { stringValue: model } },
                  { key: 'gen_ai.usage.output_tokens', value: { intValue: '12' } },
                  ...extra,
                ],
              },
            ],
          },
        ],
      },
    ],
  });

  it('stores a retried export once, and spans ending in the same microsecond both', async () => {
    const body = JSON.stringify(genAiJson('eee19b7ec3c1b174', 'm-retry'));
    for (let i = 0; i < 2; i++) {
      const res = await post(body, { 'content-type': 'application/json' });
      expect(res.status).toBe(200);
      expect(await res.json()).toEqual({});
    }
    const twin = genAiJson('eee19b7ec3c1b175', 'm-twin');
    twin.resourceSpans[0]!.scopeSpans[0]!.spans.push(
      genAiJson('eee19b7ec3c1b176', 'm-twin').resourceSpans[0]!.scopeSpans[0]!.spans[0]!,
    );
    expect((await post(JSON.stringify(twin), { 'content-type': 'application/json' })).status).toBe(200);
    const ops = await operations('otlp:retry-app@unknown host');
    expect(ops.map((o) => [o.model_name, o.output_tokens, o.duration_seconds])).toEqual([
      ['m-retry', 12, 1.5],
      ['m-twin', 12, 1.5],
      ['m-twin', 12, 1.5],
    ]);
  });

  it('reports spans it cannot store as a partial success and keeps the rest', async () => {
    const bad = genAiJson('0a1b2c3d4e5f6071', 'm-partial', [
      { key: 'llmmon.cpu_time_seconds', value: { stringValue: 'lots' } },
    ]);
    const good = genAiJson('0a1b2c3d4e5f6072', 'm-partial');
    bad.resourceSpans.push(...good.resourceSpans);
    const res = await post(JSON.stringify(bad), { 'content-type': 'application/json' });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({
      partialSuccess: {
        rejectedSpans: 1,
        errorMessage:
          '1 span(s) refused; first: span 0a1b2c3d4e5f6071 "chat m-partial": attribute llmmon.cpu_time_seconds: expected a number',
      },
    });
    const ops = await operations('otlp:retry-app@unknown host');
    expect(ops.filter((o) => o.model_name === 'm-partial')).toHaveLength(1);
    // A host name longer than the run header holds: that resource's spans are refused, in one line.
    const long = genAiJson('0a1b2c3d4e5f6073', 'm-long-host');
    long.resourceSpans[0]!.resource.attributes.push({
      key: 'host.name',
      value: { stringValue: 'h'.repeat(300) },
    });
    const refused = (await (
      await post(JSON.stringify(long), { 'content-type': 'application/json' })
    ).json()) as {
      partialSuccess: { rejectedSpans: number; errorMessage: string };
    };
    expect(refused.partialSuccess.rejectedSpans).toBe(1);
    expect(refused.partialSuccess.errorMessage).toMatch(
      /^1 span\(s\) refused; first: run "otlp:[0-9a-f]{32}" \(m-long-host\): run\.host\.hostname: /,
    );
  });

  it('answers a payload it cannot read with a one-line 4xx, and stores nothing of it', async () => {
    const before = (await json(await fetch(`${server.url}/api/health`))).operations;
    const cases: [string | Buffer, Record<string, string>, number, RegExp][] = [
      [
        Buffer.from([0x0a, 0xff, 0xff]),
        { 'content-type': 'application/x-protobuf' },
        400,
        /^body: not a protobuf ExportTraceServiceRequest \(/,
      ],
      ['{"resourceSpans": [', { 'content-type': 'application/json' }, 400, /^body: malformed JSON/],
      ['[]', { 'content-type': 'application/json' }, 400, /^body: expected a JSON object/],
      [
        '{"resourceSpans": 5}',
        { 'content-type': 'application/json' },
        400,
        /^body: not an OTLP ExportTraceServiceRequest \(.*resourceSpans/,
      ],
      [
        JSON.stringify(genAiJson('xyz', 'm')),
        { 'content-type': 'application/json' },
        400,
        /spanId: expected hex, got "xyz"/,
      ],
      [
        '{}',
        { 'content-type': 'text/plain' },
        415,
        /^body: expected Content-Type application\/x-protobuf or application\/json/,
      ],
      [
        '{}',
        { 'content-type': 'application/json', 'content-encoding': 'br' },
        415,
        /^Content-Encoding: expected gzip or none, got br/,
      ],
      [
        '{}',
        { 'content-type': 'application/json', 'content-encoding': 'gzip' },
        400,
        /^body: not valid gzip/,
      ],
      // 2 MB of zeros gzip to ~2 kB: under the 1 MB limit compressed, over it decompressed.
      [
        gzipSync(Buffer.alloc(2 * 1024 * 1024)),
        { 'content-type': 'application/x-protobuf', 'content-encoding': 'gzip' },
        413,
        /once decompressed$/,
      ],
    ];
    for (const [body, headers, status, message] of cases) {
      const res = await post(body, headers);
      const answer = (await res.json()) as { error: string };
      expect([res.status, answer.error], JSON.stringify(headers)).toMatchObject([
        status,
        expect.stringMatching(message),
      ]);
      expect(answer.error).not.toContain('\n');
    }
    // Over the limit as sent: answered before the body is read, so on a connection of its own.
    const big = await postAlone(Buffer.alloc(1024 * 1024 + 1), {
      ...auth,
      'content-type': 'application/x-protobuf',
    });
    expect(big).toMatchObject({
      status: 413,
      error: expect.stringMatching(/^body: larger than the server's limit of 1 MB/),
    });
    const res = await fetch(`${server.url}/v1/traces`, {
      method: 'POST',
      body: '{}',
      headers: { 'content-type': 'application/json' },
    });
    expect(res.status).toBe(401);
    expect((await json(await fetch(`${server.url}/api/health`))).operations).toBe(before);
  });
});
