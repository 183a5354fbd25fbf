/**
 * A scripted OpenAI-compatible server, the ground truth of `llmmon load`'s tests: it streams
 * `/v1/chat/completions` and `/v1/completions` (SSE, usage in the last chunk) with a known
 * time to first token, a known delay between tokens and known token counts, serves at most
 * `slots` requests at once (the others queue, in order), and can fail or cut requests on cue.
 * It notes when it received each request and when it wrote each token, on the same clock as the
 * client (`performance.now()`, same process), so a test can hold the client's figures against
 * the instants that really happened.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import type { LoadCommandOptions } from './load.js';

export interface Script {
  /** Time to first token of the n-th request (1-based), or of every request. */
  ttftMs: number | ((n: number) => number);
  itlMs: number;
  /** Tokens each answer has; default the request's `max_tokens`. */
  outputTokens?: number;
  /** The `prompt_tokens` it reports. */
  inputTokens: number;
  /** Requests served at once; more wait their turn. Default unlimited. */
  slots?: number;
  /** Answer 500 to the n-th request (1-based) when this says so. */
  fail?: (n: number) => boolean;
  /** Cut the connection after this many tokens of the n-th request (null: never). */
  dropAfter?: (n: number) => number | null;
  /** Leave out `usage` (clients then count content chunks). */
  noUsage?: boolean;
}

export interface ScriptedRequest {
  n: number;
  path: string;
  receivedAt: number;
  /** When its turn came (a slot was free). */
  startedAt: number;
  tokenTimes: number[];
  endAt: number;
}

export interface ScriptedServer {
  baseURL: string;
  requests: ScriptedRequest[];
  close(): Promise<void>;
}

function readBody(req: IncomingMessage): Promise<Record<string, unknown>> {
  return new Promise((resolve, reject) => {
    let text = '';
    req.setEncoding('utf8').on('data', (d: string) => (text += d));
    req.on('end', () => resolve(JSON.parse(text || '{}')));
    req.on('error', reject);
  });
}

/** Starts the server on a free loopback port. */
export async function startScriptedServer(script: Script): Promise<ScriptedServer> {
  const requests: ScriptedRequest[] = [];
  let busy = 0;
  const queue: (() => void)[] = [];
  const acquire = async () => {
    if (script.slots === undefined || busy < script.slots) {
      busy++;
      return;
    }
    await new Promise<void>((resolve) => queue.push(resolve));
  };
  const release = () => {
    const next = queue.shift();
    if (next) next();
    else busy--;
  };
  let count = 0;

  async function handle(req: IncomingMessage, res: ServerResponse) {
    const receivedAt = performance.now();
    const n = ++count;
    const path = req.url ?? '';
    const body = await readBody(req);
    if (req.method !== 'POST' || !/\/v1\/(chat\/)?completions$/.test(path)) {
      res.writeHead(404).end();
      return;
    }
    if (script.fail?.(n)) {
      res
        .writeHead(500, { 'content-type': 'application/json' })
        .end('{"error":{"message":"scripted failure"}}');
      return;
    }
    await acquire();
    const record: ScriptedRequest = {
      n,
      path,
      receivedAt,
      startedAt: performance.now(),
      tokenTimes: [],
      endAt: 0,
    };
    requests.push(record);
    try {
      const tokens = script.outputTokens ?? Number(body.max_tokens);
      const chat = path.endsWith('/chat/completions');
      const drop = script.dropAfter?.(n) ?? null;
      res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
      const send = (data: unknown) => res.write(`data: ${JSON.stringify(data)}\n\n`);
      if (chat) send({ choices: [{ index: 0, delta: { role: 'assistant' } }] });
      const startNs = performance.now();
      for (let i = 0; i < tokens; i++) {
        // Deadlines from the start, so late timers do not add up.
        const ttft = typeof script.ttftMs === 'number' ? script.ttftMs : script.ttftMs(n);
        const due = startNs + ttft + i * script.itlMs;
        const wait = due - performance.now();
        if (wait > 0) await sleep(wait);
        if (drop !== null && i >= drop) {
          // Cut only once what was written has left: the client has seen `drop` tokens.
          await new Promise((resolve) => res.write('', resolve));
          res.socket?.destroy();
          return;
        }
        const text = `t${i} `;
        send({ choices: [chat ? { index: 0, delta: { content: text } } : { index: 0, text }] });
        record.tokenTimes.push(performance.now());
      }
      send({
        choices: [
          chat
            ? { index: 0, delta: {}, finish_reason: 'length' }
            : { index: 0, text: '', finish_reason: 'length' },
        ],
      });
      if (!script.noUsage)
        send({
          choices: [],
          usage: {
            prompt_tokens: script.inputTokens,
            completion_tokens: tokens,
            total_tokens: script.inputTokens + tokens,
          },
        });
      res.end('data: [DONE]\n\n');
      record.endAt = performance.now();
    } finally {
      release();
    }
  }

  const server = createServer((req, res) => {
    handle(req, res).catch(() => res.destroy());
  });
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    baseURL: `http://127.0.0.1:${port}/v1`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/**
 * `llmmon load` options for a test against a scripted server at `baseURL`: chat, model `m`,
 * 10-token prompts and `outputTokens` tokens a request, files under `dir`, nothing stored and
 * no output unless `over` says otherwise.
 */
export function scriptedLoadOptions(
  baseURL: string,
  dir: string,
  over: Partial<LoadCommandOptions> & Pick<LoadCommandOptions, 'plan' | 'limits'>,
  outputTokens = 5,
): LoadCommandOptions {
  const quiet = () => new Writable({ write: (_c, _e, done) => done() });
  return {
    target: { kind: 'chat', baseURL, model: 'm', timeoutMs: 10_000, temperature: 0, fixedOutput: false },
    serve: null,
    seed: 1,
    prompts: null,
    inputTokens: { mean: 10, stddev: 0 },
    outputTokens: { mean: outputTokens, stddev: 0 },
    slo: null,
    name: 'scripted',
    out: dir,
    noStore: true,
    cwd: dir,
    stdout: quiet(),
    stderr: quiet(),
    ...over,
  };
}
