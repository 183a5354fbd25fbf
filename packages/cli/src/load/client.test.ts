import { createServer as createHttpServer, type ServerResponse } from 'node:http';
import { type AddressInfo, createServer } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { ENDPOINT_KINDS, loadClient, ollamaHost } from './client.js';

/** A loopback port nobody listens on (taken, then freed). */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

describe('loadClient', () => {
  for (const kind of ENDPOINT_KINDS) {
    it(`${kind}: a refused connection is a "connection" error, not a crash`, async () => {
      const port = await closedPort();
      const client = await loadClient({
        kind,
        baseURL: kind === 'ollama' ? `http://127.0.0.1:${port}` : `http://127.0.0.1:${port}/v1`,
        model: 'm',
        timeoutMs: 5000,
        temperature: 0,
        fixedOutput: false,
      });
      const sent = await client.send({ text: 'hi', maxTokens: 4 });
      expect(sent.error?.kind, sent.error?.message).toBe('connection');
      expect([sent.chunkTimes, sent.outputTokens, sent.tokensFrom]).toEqual([[], null, null]);
    });
  }
});

interface Seen {
  path: string;
  authorization: string | undefined;
  body: Record<string, unknown>;
}

/** A loopback server that answers every POST with `answer` and notes what it received. */
async function serve(answer: (res: ServerResponse) => Promise<void>) {
  const seen: Seen[] = [];
  const server = createHttpServer((req, res) => {
    let text = '';
    req.setEncoding('utf8').on('data', (d: string) => (text += d));
    req.on('end', () => {
      seen.push({ path: req.url ?? '', authorization: req.headers.authorization, body: JSON.parse(text) });
      void answer(res);
    });
  });
  let connections = 0;
  server.on('connection', () => connections++);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    seen,
    connections: () => connections,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

const target = { model: 'm', timeoutMs: 5000, temperature: 0, fixedOutput: false };

describe('loadClient reads each protocol as it arrives', () => {
  it('chat: events split across writes, the path, the API key, the usage', async () => {
    const events = ['{"choices":[{"delta":{"content":"a"}}]}', '{"choices":[{"delta":{"content":"b"}}]}']
      .map((d) => `data: ${d}\n\n`)
      .join('');
    const server = await serve(async (res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      // One event cut in the middle, the next write finishing it and carrying the second.
      res.write(events.slice(0, 20));
      await sleep(30);
      res.write(events.slice(20));
      await sleep(30);
      res.end('data: {"choices":[],"usage":{"prompt_tokens":7,"completion_tokens":2}}\n\ndata: [DONE]\n\n');
    });
    const client = await loadClient({
      ...target,
      kind: 'chat',
      baseURL: `${server.url}/v1/`,
      apiKey: 'sk-x',
    });
    const sent = await client.send({ text: 'hi', maxTokens: 4 });
    client.close();
    await server.close();
    expect(sent.error).toBeNull();
    expect(sent.chunkTimes).toHaveLength(2);
    // The first event was complete only once the second write arrived, 30 ms later.
    expect(sent.chunkTimes[0]! - sent.sentAt).toBeGreaterThanOrEqual(29);
    expect([sent.inputTokens, sent.outputTokens, sent.tokensFrom]).toEqual([7, 2, 'server usage']);
    expect(server.seen[0]).toMatchObject({
      path: '/v1/chat/completions',
      authorization: 'Bearer sk-x',
      body: { model: 'm', max_tokens: 4, stream: true, stream_options: { include_usage: true } },
    });
  });

  it('ollama: NDJSON lines split across writes, counts from the last line', async () => {
    const lines = [
      { response: 'a', done: false },
      { response: 'b', done: false },
      { response: '', done: true, prompt_eval_count: 5, eval_count: 2 },
    ]
      .map((l) => `${JSON.stringify(l)}\n`)
      .join('');
    const server = await serve(async (res) => {
      res.writeHead(200, { 'content-type': 'application/x-ndjson' });
      res.write(lines.slice(0, 10));
      await sleep(20);
      res.end(lines.slice(10));
    });
    const client = await loadClient({ ...target, kind: 'ollama', baseURL: server.url });
    const sent = await client.send({ text: 'hi', maxTokens: 4 });
    client.close();
    await server.close();
    expect(sent.error).toBeNull();
    expect(sent.chunkTimes).toHaveLength(2);
    expect([sent.inputTokens, sent.outputTokens, sent.tokensFrom]).toEqual([5, 2, 'server usage']);
    expect(server.seen[0]).toMatchObject({
      path: '/api/generate',
      body: { model: 'm', prompt: 'hi', stream: true, options: { num_predict: 4 } },
    });
  });

  it('a server that stops sending is a "timeout" at the time limit', async () => {
    const server = await serve(async (res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.write('data: {"choices":[{"text":"a"}]}\n\n');
    });
    const client = await loadClient({
      ...target,
      kind: 'completions',
      baseURL: `${server.url}/v1`,
      timeoutMs: 200,
    });
    const sent = await client.send({ text: 'hi', maxTokens: 4 });
    client.close();
    await server.close();
    expect(sent.error?.kind).toBe('timeout');
    expect(sent.chunkTimes).toHaveLength(1);
    expect(sent.endAt - sent.sentAt).toBeGreaterThanOrEqual(199);
  });

  it('an error status is "http" with the status and the body in its message', async () => {
    const server = await serve(async (res) => {
      res.writeHead(429, { 'content-type': 'application/json' }).end('{"error":"slow down"}');
    });
    const client = await loadClient({ ...target, kind: 'ollama', baseURL: server.url });
    const sent = await client.send({ text: 'hi', maxTokens: 4 });
    client.close();
    await server.close();
    expect(sent.error).toEqual({ kind: 'http', message: '429 {"error":"slow down"}' });
  });
});

it('keeps connections alive: one per request in flight, reused by the next', async () => {
  const server = await serve(async (res) => {
    res.writeHead(200, { 'content-type': 'text/event-stream' });
    await sleep(20);
    res.end('data: {"choices":[{"text":"a"}]}\n\ndata: [DONE]\n\n');
  });
  const client = await loadClient({ ...target, kind: 'completions', baseURL: `${server.url}/v1` }, 2);
  for (let round = 0; round < 3; round++) {
    const sent = await Promise.all([1, 2].map(() => client.send({ text: 'hi', maxTokens: 1 })));
    expect(sent.map((s) => s.error)).toEqual([null, null]);
  }
  client.close();
  await server.close();
  expect([server.seen.length, server.connections()]).toEqual([6, 2]);
});

describe('ollamaHost', () => {
  it('reads hosts as the ollama client does', () => {
    expect(ollamaHost('localhost')).toBe('http://localhost:11434/');
    expect(ollamaHost(':8080')).toBe('http://127.0.0.1:8080/');
    expect(ollamaHost('https://example.com/ollama')).toBe('https://example.com/ollama');
  });
});
