/**
 * A trivial OpenAI-compatible streaming server, run as its own process by the load-generator
 * scenario: every `POST /v1/chat/completions` (or `/v1/completions`) is answered with headers at
 * once, then, `ttftMs` after the request's body arrived, `tokens` content chunks, the usage chunk
 * and `[DONE]` in one write. So the server does as little as a streaming server can, and every
 * request's true time to first token is known.
 *
 * It notes, per request, how long after the body arrived it wrote the first token (its own
 * timer's lateness included: what a client can at best measure). `GET /stats` answers
 * `{ ttft_ms: number[], served: number }` since the last call and starts afresh.
 *
 *   node stream-server.js <ttftMs> <tokens>     prints {"port": N} once it listens
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

const ttftMs = Number(process.argv[2] ?? 10);
const tokens = Number(process.argv[3] ?? 16);
if (!(ttftMs >= 0) || !(tokens >= 1)) {
  console.error(
    `stream-server: usage: stream-server.js <ttftMs ≥ 0> <tokens ≥ 1>, got ${process.argv.slice(2).join(' ')}`,
  );
  process.exit(2);
}

const chunk = (chat: boolean, i: number) =>
  `data: ${JSON.stringify({
    id: 'x',
    object: chat ? 'chat.completion.chunk' : 'text_completion',
    model: 'trivial',
    choices: [chat ? { index: 0, delta: { content: `t${i} ` } } : { index: 0, text: `t${i} ` }],
  })}\n\n`;
// The answer is the same every time: build it once, as text.
const answer = (chat: boolean) =>
  Array.from({ length: tokens }, (_, i) => chunk(chat, i)).join('') +
  `data: ${JSON.stringify({ choices: [], usage: { prompt_tokens: 8, completion_tokens: tokens, total_tokens: 8 + tokens } })}\n\n` +
  'data: [DONE]\n\n';
const ANSWERS = { chat: answer(true), completions: answer(false) };

let ttfts: number[] = [];
let served = 0;

const server = createServer((req, res) => {
  if (req.method === 'GET' && req.url === '/stats') {
    res
      .writeHead(200, { 'content-type': 'application/json' })
      .end(JSON.stringify({ ttft_ms: ttfts, served }));
    ttfts = [];
    served = 0;
    return;
  }
  const chat = req.url === '/v1/chat/completions';
  if (req.method !== 'POST' || !(chat || req.url === '/v1/completions')) {
    res.writeHead(404).end();
    return;
  }
  req.resume(); // the body is not read: the answer does not depend on it
  req.on('end', () => {
    const received = performance.now();
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
    res.flushHeaders();
    setTimeout(() => {
      ttfts.push(performance.now() - received);
      served++;
      res.end(chat ? ANSWERS.chat : ANSWERS.completions);
    }, ttftMs);
  });
});
server.keepAliveTimeout = 60_000;
server.listen(0, '127.0.0.1', () => {
  console.log(JSON.stringify({ port: (server.address() as AddressInfo).port }));
});
process.on('SIGTERM', () => server.close(() => process.exit(0)));
