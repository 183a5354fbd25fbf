/**
 * The OpenAI and Ollama adapters against a real HTTP server on loopback (llmmon's local server
 * around a generated GGUF in llama.cpp) with the official `openai` and `ollama` clients. Ground
 * truth: the bytes the server saw on its side of each socket, and llama.cpp's token counts.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { type LocalServer, type ServedRequest, startLocalServer } from '@llmmon/cli/bench';
import { LLMMonitor, type OperationRecord } from '@llmmon/core';
import { type LlamaCppModel, llamaCpp } from '@llmmon/core/adapters/llama-cpp';
import { ollama } from '@llmmon/core/adapters/ollama';
import { openAICompatible } from '@llmmon/core/adapters/openai';
import { ensureLlamaGguf } from '@llmmon/gguf';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const PROMPT = 'How much memory does a token take, and how fast is the model?';

let dir: string;
let served: LlamaCppModel;
let server: LocalServer;
let monitor: LLMMonitor;

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'llmmon-http-'));
  const { path: modelPath } = await ensureLlamaGguf(
    { type: 'f32', embeddingLength: 64, blockCount: 2, headCount: 4, feedForwardLength: 128, vocabSize: 512 },
    { cacheDir: dir },
  );
  // The server's model is not monitored: the client side is what is measured here.
  served = llamaCpp({ modelPath, name: 'tiny', monitor: null, threads: 1, contextSize: 256 });
  await served.load();
  server = await startLocalServer({ models: [served] });
  monitor = new LLMMonitor({ outputDir: dir, journal: false, logAlerts: false });
});
afterAll(async () => {
  await server?.close();
  await served?.dispose();
  await monitor?.close();
  await rm(dir, { recursive: true, force: true });
});

async function collect(iterable: AsyncIterable<string>): Promise<string[]> {
  const out: string[] = [];
  for await (const chunk of iterable) out.push(chunk);
  return out;
}

const last = (model: string, operation: string) =>
  monitor.operations
    .filter((r) => r.model_name === model && r.operation === operation)
    .at(-1) as OperationRecord;

const lastServed = (p: string) => server.requests.filter((r) => r.path === p).at(-1) as ServedRequest;

/** Client counters equal the server's: the same bytes crossed the same loopback socket. */
function expectSameBytes(rec: OperationRecord, req: ServedRequest) {
  expect(rec.net_requests).toBe(1);
  expect(rec.net_bytes_sent).toBe(req.requestBytes);
  expect(rec.net_bytes_received).toBe(req.responseBytes);
  // And they include the whole payload plus the HTTP framing around it.
  expect(rec.net_bytes_received!).toBeGreaterThan(req.responseBodyBytes);
}

describe('OpenAI-compatible adapter against the local server', () => {
  const model = () =>
    openAICompatible({ baseURL: server.openaiBaseURL, model: 'tiny', name: 'tiny@openai', monitor });

  it('checks the model list as a "load" operation that made one request', async () => {
    await model().load();
    expectSameBytes(last('tiny@openai', 'load'), lastServed('/v1/models'));
  });

  it('streams the tokens, records usage from the server and the network bytes of the request', async () => {
    const chunks = await collect(model().generate(PROMPT, { maxTokens: 12 }));
    const rec = last('tiny@openai', 'generate');
    const req = lastServed('/v1/chat/completions');
    expect(chunks).toHaveLength(12);
    // usage in the last chunk = llama.cpp's counts on the server
    expect(req.usage).toEqual({ input: served.llamaModel.tokenize(PROMPT).length + 1, output: 12 });
    expect(rec.input_tokens).toBe(req.usage!.input);
    expect(rec.output_tokens).toBe(12);
    expect(rec.time_to_first_token_seconds!).toBeGreaterThan(0);
    expect(rec.time_to_first_token_seconds!).toBeLessThan(rec.duration_seconds);
    expect(rec.inter_token_latency_seconds!).toBeGreaterThan(0);
    expectSameBytes(rec, req);
  });

  it('without usage from the server, counts content chunks and says so', async () => {
    const noUsage = openAICompatible({
      baseURL: server.openaiBaseURL,
      model: 'tiny',
      name: 'tiny@openai-no-usage',
      includeUsage: false,
      monitor,
    });
    expect(await collect(noUsage.generate(PROMPT, { maxTokens: 5 }))).toHaveLength(5);
    const rec = last('tiny@openai-no-usage', 'generate');
    expect(rec.input_tokens).toBeNull();
    expect(rec.output_tokens).toBe(5);
    expect(rec.metadata).toMatchObject({ output_tokens_from: 'content chunks' });
    expect(last('tiny@openai', 'generate').metadata).toMatchObject({ output_tokens_from: 'server usage' });
  });

  it('records a failed request as an error operation with the server message', async () => {
    const wrong = openAICompatible({ baseURL: server.openaiBaseURL, model: 'nope', monitor });
    await expect(collect(wrong.generate(PROMPT, { maxTokens: 4 }))).rejects.toThrow(/model "nope" not found/);
    expect(last('nope', 'generate')).toMatchObject({ status: 'error', net_requests: 1 });
  });
});

describe('Ollama adapter against the local server', () => {
  const model = () => ollama({ host: server.url, model: 'tiny', name: 'tiny@ollama', monitor });

  it('streams the tokens and keeps Ollama-protocol timings next to llmmon’s own', async () => {
    const chunks = await collect(model().generate(PROMPT, { maxTokens: 10 }));
    const rec = last('tiny@ollama', 'generate');
    const req = lastServed('/api/generate');
    expect(chunks).toHaveLength(10);
    expect(rec.output_tokens).toBe(10);
    expect(rec.input_tokens).toBe(req.usage!.input);
    const meta = rec.metadata as Record<string, number>;
    expect(meta.ollama_eval_count).toBe(10);
    // The server's clock runs inside the client's: its durations fit in the operation.
    expect(meta.ollama_eval_duration_seconds).toBeGreaterThan(0);
    expect(meta.ollama_total_duration_seconds).toBeLessThanOrEqual(rec.duration_seconds);
    expectSameBytes(rec, req);
  });
});
