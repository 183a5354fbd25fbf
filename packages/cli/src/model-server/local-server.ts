/**
 * A local HTTP server that speaks OpenAI's `/v1/chat/completions` (SSE streaming, `usage` in the
 * last chunk) and Ollama's `/api/generate` (NDJSON streaming) around models that stream text —
 * e.g. a generated GGUF in llama.cpp. It gives the OpenAI and Ollama adapters a real client, a
 * real socket and a real server to measure, with no network beyond loopback. It also counts the
 * bytes it read and wrote per request, so client-side network counters can be checked.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import type { FinishReason, GenerateOptions, TokenUsage } from '@llmmon/core/adapters/llama-cpp';
import { z } from 'zod';

/** What the server needs of a model: a name and an untracked text stream. */
export interface ServableModel {
  readonly name: string;
  stream(prompt: string, options: GenerateOptions): AsyncIterable<string>;
}

/** One request the server answered, with the bytes it moved on the socket. */
export interface ServedRequest {
  method: string;
  path: string;
  status: number;
  model: string | null;
  /** Request line + headers + body, as read from the socket. */
  requestBytes: number;
  /** Status line + headers + body (with chunked framing), as written to the socket. */
  responseBytes: number;
  /** Payload bytes only (the SSE / NDJSON / JSON text). */
  responseBodyBytes: number;
  usage: TokenUsage | null;
  seconds: number;
}

export interface LocalServerOptions {
  models: readonly ServableModel[];
  /** Default 127.0.0.1 (loopback only). */
  host?: string;
  /** Default 0: any free port. */
  port?: number;
  /** Token limit when a request sets none; default 256. */
  defaultMaxTokens?: number;
}

export interface LocalServer {
  /** `http://host:port` (Ollama's base). */
  url: string;
  /** `http://host:port/v1` (the OpenAI client's `baseURL`). */
  openaiBaseURL: string;
  /** Requests answered so far, oldest first. */
  readonly requests: readonly ServedRequest[];
  close(): Promise<void>;
}

const Content = z.union([
  z.string(),
  z
    .array(z.looseObject({ type: z.string(), text: z.string().optional() }))
    .transform((parts) => parts.map((p) => p.text ?? '').join('')),
]);

const ChatRequest = z.looseObject({
  model: z.string().min(1),
  messages: z.array(z.looseObject({ role: z.string(), content: Content })).min(1),
  max_tokens: z.number().int().min(0).nullish(),
  max_completion_tokens: z.number().int().min(0).nullish(),
  temperature: z.number().min(0).max(2).nullish(),
  stream: z.boolean().nullish(),
  stream_options: z.looseObject({ include_usage: z.boolean().nullish() }).nullish(),
});

const OllamaGenerateRequest = z.looseObject({
  model: z.string().min(1),
  prompt: z.string().default(''),
  stream: z.boolean().default(true),
  options: z
    .looseObject({ num_predict: z.number().int().nullish(), temperature: z.number().min(0).nullish() })
    .nullish(),
});

class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly param: string | null = null,
  ) {
    super(message);
  }
}

/**
 * The prompt a chat becomes. A single user message is passed as is (so its token count matches
 * the same prompt sent to the model directly); longer chats are written as `role: content` lines.
 */
export function chatPrompt(messages: readonly { role: string; content: string }[]): string {
  if (messages.length === 1 && messages[0]!.role === 'user') return messages[0]!.content;
  return `${messages.map((m) => `${m.role}: ${m.content}`).join('\n')}\nassistant:`;
}

async function readBody(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8'));
  } catch {
    throw new HttpError(400, 'request body is not valid JSON');
  }
}

function parse<T extends z.ZodType>(schema: T, body: unknown): z.output<T> {
  const parsed = schema.safeParse(body);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0]!;
  const param = issue.path.join('.');
  throw new HttpError(400, `${param || 'body'}: ${issue.message}`, param || null);
}

/** A model's text stream, and (once it has ended) its token usage and why it ended. */
function generation(model: ServableModel, prompt: string, options: Omit<GenerateOptions, 'onFinish'>) {
  let finished: { usage: TokenUsage; finishReason: FinishReason } | undefined;
  const stream = model.stream(prompt, {
    ...options,
    onFinish: (f) => {
      finished = f;
    },
  });
  return { stream, finish: () => finished };
}

/**
 * Starts the server.
 *
 * @example
 * const model = llamaCpp({ modelPath, monitor: null }); // the client measures, not the server
 * await model.load();
 * const server = await startLocalServer({ models: [model] });
 * const client = new OpenAI({ baseURL: server.openaiBaseURL, apiKey: 'unused' });
 */
export async function startLocalServer(options: LocalServerOptions): Promise<LocalServer> {
  const models = new Map(options.models.map((m) => [m.name, m]));
  const defaultMaxTokens = options.defaultMaxTokens ?? 256;
  const requests: ServedRequest[] = [];
  // Socket byte counters at the end of the previous response on that socket (keep-alive).
  const marks = new WeakMap<Socket, { read: number; written: number }>();
  const created = Math.floor(Date.now() / 1000);

  const findModel = (name: string) => {
    const model = models.get(name);
    if (!model)
      throw new HttpError(
        404,
        `model "${name}" not found (serving: ${[...models.keys()].join(', ')})`,
        'model',
      );
    return model;
  };

  /** A request's body, checked against `schema`, and the served model it names. */
  async function modelRequest<T extends z.ZodType<{ model: string }>>(
    schema: T,
    req: IncomingMessage,
    log: ServedRequest,
  ) {
    const body = parse(schema, await readBody(req));
    log.model = body.model;
    return { body, model: findModel(body.model) };
  }

  async function chatCompletions(
    req: IncomingMessage,
    res: ServerResponse,
    log: ServedRequest,
    abort: AbortSignal,
  ) {
    const { body, model } = await modelRequest(ChatRequest, req, log);
    const id = `chatcmpl-${Date.now().toString(36)}${Math.random().toString(36).slice(2, 8)}`;
    const { stream, finish } = generation(model, chatPrompt(body.messages), {
      maxTokens: body.max_completion_tokens ?? body.max_tokens ?? defaultMaxTokens,
      temperature: body.temperature ?? 0,
      signal: abort,
    });
    const usageOf = () => {
      const u = finish()?.usage ?? { input: null, output: null };
      log.usage = u;
      return {
        prompt_tokens: u.input ?? 0,
        completion_tokens: u.output ?? 0,
        total_tokens: (u.input ?? 0) + (u.output ?? 0),
      };
    };
    const chunk = (delta: object, finishReason: string | null) => ({
      id,
      object: 'chat.completion.chunk',
      created,
      model: model.name,
      choices: [{ index: 0, delta, finish_reason: finishReason }],
    });

    if (!body.stream) {
      let text = '';
      for await (const piece of stream) text += piece;
      return sendJson(res, log, 200, {
        id,
        object: 'chat.completion',
        created,
        model: model.name,
        choices: [
          {
            index: 0,
            message: { role: 'assistant', content: text },
            finish_reason: finish()?.finishReason ?? 'stop',
          },
        ],
        usage: usageOf(),
      });
    }
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
    const send = (data: unknown) =>
      write(res, log, `data: ${typeof data === 'string' ? data : JSON.stringify(data)}\n\n`);
    send(chunk({ role: 'assistant', content: '' }, null));
    for await (const piece of stream) send(chunk({ content: piece }, null));
    send(chunk({}, finish()?.finishReason ?? 'stop'));
    if (body.stream_options?.include_usage) send({ ...chunk({}, null), choices: [], usage: usageOf() });
    else usageOf();
    send('[DONE]');
    res.end();
  }

  async function ollamaGenerate(
    req: IncomingMessage,
    res: ServerResponse,
    log: ServedRequest,
    abort: AbortSignal,
  ) {
    const { body, model } = await modelRequest(OllamaGenerateRequest, req, log);
    const started = process.hrtime.bigint();
    const line = (fields: object) => ({ model: model.name, created_at: new Date().toISOString(), ...fields });
    if (body.prompt === '') {
      // Ollama's "load the model" request: ours are loaded at start.
      return sendJson(res, log, 200, line({ response: '', done: true, done_reason: 'load' }));
    }
    let firstAt: bigint | undefined;
    const pieces: string[] = [];
    if (body.stream) res.writeHead(200, { 'content-type': 'application/x-ndjson' });
    const { stream, finish } = generation(model, body.prompt, {
      maxTokens: body.options?.num_predict ?? defaultMaxTokens,
      temperature: body.options?.temperature ?? 0,
      signal: abort,
    });
    for await (const piece of stream) {
      firstAt ??= process.hrtime.bigint();
      if (body.stream) write(res, log, `${JSON.stringify(line({ response: piece, done: false }))}\n`);
      else pieces.push(piece);
    }
    const ended = process.hrtime.bigint();
    firstAt ??= ended;
    const done = finish();
    log.usage = done?.usage ?? null;
    // Ollama's timings, in nanoseconds: prompt evaluation until the first token, generation after it.
    const final = line({
      response: body.stream ? '' : pieces.join(''),
      done: true,
      done_reason: done?.finishReason ?? 'stop',
      context: [],
      total_duration: Number(ended - started),
      load_duration: 0,
      prompt_eval_count: done?.usage.input ?? 0,
      prompt_eval_duration: Number(firstAt - started),
      eval_count: done?.usage.output ?? 0,
      eval_duration: Number(ended - firstAt),
    });
    if (!body.stream) return sendJson(res, log, 200, final);
    write(res, log, `${JSON.stringify(final)}\n`);
    res.end();
  }

  const server = createServer((req, res) => {
    const socket = req.socket;
    const started = performance.now();
    const url = new URL(req.url ?? '/', 'http://local');
    const log: ServedRequest = {
      method: req.method ?? 'GET',
      path: url.pathname,
      status: 0,
      model: null,
      requestBytes: 0,
      responseBytes: 0,
      responseBodyBytes: 0,
      usage: null,
      seconds: 0,
    };
    const abort = new AbortController();
    res.on('close', () => {
      if (!res.writableFinished) abort.abort(new Error('client went away'));
    });
    res.on('finish', () => {
      const mark = marks.get(socket) ?? { read: 0, written: 0 };
      log.status = res.statusCode;
      log.requestBytes = socket.bytesRead - mark.read;
      log.responseBytes = socket.bytesWritten - mark.written;
      log.seconds = (performance.now() - started) / 1000;
      marks.set(socket, { read: socket.bytesRead, written: socket.bytesWritten });
      requests.push(log);
    });
    const route = async () => {
      const key = `${req.method} ${url.pathname}`;
      if (key === 'GET /v1/models') {
        return sendJson(res, log, 200, {
          object: 'list',
          data: [...models.keys()].map((id) => ({ id, object: 'model', created, owned_by: 'llmmon' })),
        });
      }
      if (key === 'GET /api/tags') {
        return sendJson(res, log, 200, {
          models: [...models.keys()].map((name) => ({
            name,
            model: name,
            modified_at: new Date(created * 1000),
          })),
        });
      }
      if (key === 'POST /v1/chat/completions') return chatCompletions(req, res, log, abort.signal);
      if (key === 'POST /api/generate') return ollamaGenerate(req, res, log, abort.signal);
      throw new HttpError(404, `no route ${key}`);
    };
    route().catch((error: unknown) => {
      const status = error instanceof HttpError ? error.status : 500;
      const message = error instanceof Error ? error.message : String(error);
      if (res.headersSent) {
        // Mid-stream: all that is left is to cut the stream.
        res.destroy(error instanceof Error ? error : new Error(message));
        return;
      }
      const param = error instanceof HttpError ? error.param : null;
      const type = status < 500 ? 'invalid_request_error' : 'server_error';
      // OpenAI clients read {error:{message}}; Ollama's read {error:"…"}.
      const body = url.pathname.startsWith('/api/')
        ? { error: message }
        : { error: { message, type, param } };
      sendJson(res, log, status, body);
    });
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => resolve());
  });
  const address = server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  const url = `http://${host}:${address.port}`;
  return {
    url,
    openaiBaseURL: `${url}/v1`,
    requests,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }),
  };
}

function write(res: ServerResponse, log: ServedRequest, text: string): void {
  const bytes = Buffer.from(text, 'utf8');
  log.responseBodyBytes += bytes.length;
  res.write(bytes);
}

function sendJson(res: ServerResponse, log: ServedRequest, status: number, body: unknown): void {
  const bytes = Buffer.from(JSON.stringify(body), 'utf8');
  log.responseBodyBytes += bytes.length;
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': bytes.length });
  res.end(bytes);
}
