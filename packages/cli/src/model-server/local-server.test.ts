import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { type LlamaCppModel, llamaCpp } from '@llmmon/core/adapters/llama-cpp';
import { ensureLlamaGguf } from '@llmmon/gguf';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chatPrompt, type LocalServer, startLocalServer } from './local-server.js';

let dir: string;
let model: LlamaCppModel;
let server: LocalServer;

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'llmmon-local-server-'));
  const { path: modelPath } = await ensureLlamaGguf(
    { type: 'f32', embeddingLength: 32, blockCount: 1, headCount: 2, feedForwardLength: 64, vocabSize: 400 },
    { cacheDir: dir },
  );
  model = llamaCpp({ modelPath, name: 'm', monitor: null, threads: 1, contextSize: 128 });
  await model.load();
  server = await startLocalServer({ models: [model] });
});
afterAll(async () => {
  await server?.close();
  await model?.dispose();
  await rm(dir, { recursive: true, force: true });
});

const post = (p: string, body: unknown) =>
  fetch(`${server.url}${p}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });

describe('local OpenAI/Ollama server', () => {
  it('listens on loopback only', () => {
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
  });

  it('answers a non-streaming chat completion with usage', async () => {
    const res = await post('/v1/chat/completions', {
      model: 'm',
      messages: [{ role: 'user', content: 'hi there' }],
      max_tokens: 6,
    });
    expect(res.status).toBe(200);
    const body = (await res.json()) as {
      choices: { finish_reason: string }[];
      usage: Record<string, number>;
    };
    expect(body.choices[0]!.finish_reason).toBe('length');
    expect(body.usage).toMatchObject({
      completion_tokens: 6,
      prompt_tokens: model.llamaModel.tokenize('hi there').length + 1,
    });
  });

  it('streams SSE chunks ending with a usage chunk and [DONE]', async () => {
    const res = await post('/v1/chat/completions', {
      model: 'm',
      messages: [{ role: 'user', content: 'hi' }],
      max_completion_tokens: 3,
      stream: true,
      stream_options: { include_usage: true },
    });
    expect(res.headers.get('content-type')).toBe('text/event-stream');
    const events = (await res.text()).split('\n\n').filter(Boolean);
    expect(events.at(-1)).toBe('data: [DONE]');
    const usage = JSON.parse(events.at(-2)!.slice(6)) as { usage: { completion_tokens: number } };
    expect(usage.usage.completion_tokens).toBe(3);
    // role chunk, 3 content chunks, finish chunk, usage chunk, [DONE]
    expect(events).toHaveLength(7);
    expect(server.requests.at(-1)!.responseBodyBytes).toBe(Buffer.byteLength(`${events.join('\n\n')}\n\n`));
  });

  it('streams Ollama NDJSON with eval counts in the last line', async () => {
    const res = await post('/api/generate', { model: 'm', prompt: 'hi', options: { num_predict: 4 } });
    const lines = (await res.text())
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines).toHaveLength(5);
    expect(lines.at(-1)).toMatchObject({ done: true, done_reason: 'length', eval_count: 4 });
  });

  it('rejects bad requests with a 4xx naming the field, in each protocol’s error shape', async () => {
    const bad = await post('/v1/chat/completions', { model: 'm', messages: [] });
    expect(bad.status).toBe(400);
    expect(await bad.json()).toMatchObject({
      error: { param: 'messages', message: expect.stringMatching(/^messages: /) },
    });
    const unknown = await post('/v1/chat/completions', {
      model: 'x',
      messages: [{ role: 'user', content: 'a' }],
    });
    expect(unknown.status).toBe(404);
    const notJson = await fetch(`${server.url}/api/generate`, { method: 'POST', body: '{' });
    expect(notJson.status).toBe(400);
    expect(await notJson.json()).toEqual({ error: 'request body is not valid JSON' });
    expect((await fetch(`${server.url}/nope`)).status).toBe(404);
  });

  it('writes multi-message chats as role lines', () => {
    expect(chatPrompt([{ role: 'user', content: 'a' }])).toBe('a');
    expect(
      chatPrompt([
        { role: 'system', content: 's' },
        { role: 'user', content: 'u' },
      ]),
    ).toBe('system: s\nuser: u\nassistant:');
  });
});
