/**
 * One streaming request of a load run, timed on the client: OpenAI's `/v1/chat/completions` and
 * `/v1/completions` (Server-Sent Events, parsed with `eventsource-parser`) and Ollama's
 * `/api/generate` (newline-delimited JSON), over `node:http`/`node:https` with kept-alive
 * connections (`http-stream.ts`). The time of every chunk that carries generated text is kept;
 * tokens come from the server's usage when it sends one, else one per content chunk (and the
 * result says which).
 */
import type { IncomingMessage } from 'node:http';
import { finished } from 'node:stream/promises';
import { createParser } from 'eventsource-parser';
import { HttpStatusError, httpPoster } from './http-stream.js';
import type { ErrorKind, RequestResult } from './metrics.js';

/** The API a load run speaks. */
export const ENDPOINT_KINDS = ['chat', 'completions', 'ollama'] as const;
export type EndpointKind = (typeof ENDPOINT_KINDS)[number];

export interface Target {
  kind: EndpointKind;
  /** OpenAI: base URL with `/v1`; Ollama: the host URL. */
  baseURL: string;
  model: string;
  apiKey?: string;
  /** Per request; a request that takes longer fails as `timeout`. */
  timeoutMs: number;
  temperature: number;
  /** Ask the server to generate exactly `maxTokens` (vLLM's `ignore_eos`, `min_tokens`). */
  fixedOutput: boolean;
}

export interface LoadPrompt {
  text: string;
  maxTokens: number;
}

export type Sent = Omit<RequestResult, 'level' | 'warmup'>;

/** A client for `target`, made once per run and shared by its requests. */
export interface LoadClient {
  send(prompt: LoadPrompt, onFirstChunk?: () => void): Promise<Sent>;
  /** Closes the connections it keeps alive between requests. */
  close(): void;
}

interface Chunk {
  text: string;
  input?: number | null;
  output?: number | null;
}

/** Turns the body's text, as it arrives, into chunks; `end()` flushes what is left. */
interface Decoder {
  push(text: string): Chunk[];
  end(): Chunk[];
}

/** An error the server sent inside a 2xx stream (`{"error": …}`), as the SDKs raise it. */
function streamedError(value: { error?: unknown }): Error {
  const e = value.error as { message?: unknown } | string;
  return new Error(typeof e === 'string' ? e : String(e?.message ?? JSON.stringify(e)));
}

interface OpenAIChunk {
  choices?: { delta?: { content?: string | null }; text?: string | null }[];
  usage?: { prompt_tokens?: number; completion_tokens?: number } | null;
  error?: unknown;
}

/** OpenAI's Server-Sent Events: one JSON chunk per `data:` event, `[DONE]` at the end. */
function openaiDecoder(chat: boolean): Decoder {
  const data: string[] = [];
  const parser = createParser({ onEvent: (event) => data.push(event.data) });
  const take = (): Chunk[] => {
    const chunks: Chunk[] = [];
    for (const d of data.splice(0)) {
      if (d === '[DONE]') continue;
      const c = JSON.parse(d) as OpenAIChunk;
      if (c.error) throw streamedError(c);
      const choice = c.choices?.[0];
      chunks.push({
        text: (chat ? choice?.delta?.content : choice?.text) ?? '',
        input: c.usage?.prompt_tokens,
        output: c.usage?.completion_tokens,
      });
    }
    return chunks;
  };
  return {
    push(text) {
      parser.feed(text);
      return take();
    },
    end() {
      // A last event without its blank line still counts, as in the SDK.
      parser.feed('\n\n');
      return take();
    },
  };
}

interface OllamaChunk {
  response?: string;
  done?: boolean;
  prompt_eval_count?: number;
  eval_count?: number;
  error?: unknown;
}

/** Ollama's newline-delimited JSON: one object per line, counts in the one with `done`. */
function ollamaDecoder(): Decoder {
  let rest = '';
  const parse = (lines: string[]): Chunk[] => {
    const chunks: Chunk[] = [];
    for (const line of lines) {
      if (!line.trim()) continue;
      const c = JSON.parse(line) as OllamaChunk;
      if (c.error) throw streamedError(c);
      chunks.push({
        text: c.response ?? '',
        ...(c.done && { input: c.prompt_eval_count, output: c.eval_count }),
      });
    }
    return chunks;
  };
  return {
    push(text) {
      const lines = (rest + text).split('\n');
      rest = lines.pop() ?? '';
      return parse(lines);
    },
    end() {
      const last = rest;
      rest = '';
      return parse([last]);
    },
  };
}

/** The kind of a failure: the HTTP status, the connection, our timeout, or a stream cut short. */
export function errorKind(error: unknown, chunks: number, timedOut: boolean): ErrorKind {
  if (timedOut) return 'timeout';
  if (error instanceof HttpStatusError) return 'http';
  if (chunks > 0) return 'dropped';
  // Node's socket errors (ECONNREFUSED, ECONNRESET, ENOTFOUND, …) and a response cut before its
  // first chunk (ERR_STREAM_PREMATURE_CLOSE) carry a string `code`; a body we could not parse
  // does not.
  if (typeof (error as { code?: unknown } | null)?.code === 'string') return 'connection';
  return 'other';
}

/** The request of one prompt: where it goes, its headers, its body, how its answer is read. */
interface Route {
  url: URL;
  headers: Record<string, string>;
  body(prompt: LoadPrompt): string;
  decoder(): Decoder;
}

function url(base: string, path: string): URL {
  try {
    return new URL(base.replace(/\/+$/, '') + path);
  } catch {
    throw new Error(`not a URL: ${base}`);
  }
}

/** Ollama's host as its own client reads it: `host`, `host:port`, `:port` or a full URL. */
export function ollamaHost(host: string): string {
  if (host.startsWith(':')) host = `http://127.0.0.1${host}`;
  const explicit = host.includes('://');
  const parsed = url(explicit ? host : `http://${host}`, '');
  if (!explicit && !parsed.port) parsed.port = '11434';
  return parsed.href;
}

function route(target: Target): Route {
  if (target.kind === 'ollama') {
    const key = process.env.OLLAMA_API_KEY;
    return {
      url: url(ollamaHost(target.baseURL), '/api/generate'),
      headers: { accept: 'application/x-ndjson', ...(key && { authorization: `Bearer ${key}` }) },
      body: (prompt) =>
        JSON.stringify({
          model: target.model,
          prompt: prompt.text,
          stream: true,
          options: { num_predict: prompt.maxTokens, temperature: target.temperature },
        }),
      decoder: ollamaDecoder,
    };
  }
  const chat = target.kind === 'chat';
  const apiKey = target.apiKey ?? process.env.OPENAI_API_KEY ?? 'not-needed';
  return {
    url: url(target.baseURL, chat ? '/chat/completions' : '/completions'),
    headers: { accept: 'text/event-stream', authorization: `Bearer ${apiKey}` },
    body: (prompt) =>
      JSON.stringify({
        model: target.model,
        ...(chat ? { messages: [{ role: 'user', content: prompt.text }] } : { prompt: prompt.text }),
        max_tokens: prompt.maxTokens,
        temperature: target.temperature,
        stream: true,
        stream_options: { include_usage: true },
        ...(target.fixedOutput && { ignore_eos: true, min_tokens: prompt.maxTokens }),
      }),
    decoder: () => openaiDecoder(chat),
  };
}

/**
 * Reads a response's body into `decoder`, calling `onChunk` with each chunk and the instant the
 * text that carried it was read. Settles when the body ends; rejects when the connection fails
 * or is cut before the end, or a chunk cannot be read.
 */
function readStream(
  response: IncomingMessage,
  decoder: Decoder,
  onChunk: (chunk: Chunk, at: number) => void,
): Promise<void> {
  response.setEncoding('utf8');
  response.on('data', (text: string) => {
    const at = performance.now();
    try {
      for (const c of decoder.push(text)) onChunk(c, at);
    } catch (e) {
      response.destroy(e as Error);
    }
  });
  return finished(response).then(() => {
    const at = performance.now();
    for (const c of decoder.end()) onChunk(c, at);
  });
}

/**
 * The client of a target; `maxInFlight` (the most requests the run has in flight at once) sizes
 * its pool of kept-alive connections, so no request waits inside the client for a socket.
 * @example const client = await loadClient(target, 16); const sent = await client.send({ text: 'Hi', maxTokens: 8 });
 */
export async function loadClient(
  target: Target,
  maxInFlight = Number.POSITIVE_INFINITY,
): Promise<LoadClient> {
  const poster = httpPoster(maxInFlight);
  const to = route(target);
  return {
    async send(prompt, onFirstChunk) {
      const chunkTimes: number[] = [];
      let input: number | null = null;
      let output: number | null = null;
      let timedOut = false;
      const sentAt = performance.now();
      let error: RequestResult['error'] = null;
      let timer: NodeJS.Timeout | undefined;
      try {
        const posted = poster.post(to.url, to.headers, to.body(prompt));
        timer = setTimeout(() => {
          timedOut = true;
          posted.destroy(new Error('timed out'));
        }, target.timeoutMs);
        await readStream(await posted.response, to.decoder(), (c, at) => {
          if (c.text) {
            if (chunkTimes.length === 0) onFirstChunk?.();
            chunkTimes.push(at);
          }
          if (typeof c.input === 'number') input = c.input;
          if (typeof c.output === 'number') output = c.output;
        });
        if (chunkTimes.length === 0)
          error = { kind: 'empty', message: 'the response carried no generated text' };
      } catch (e) {
        error = {
          kind: errorKind(e, chunkTimes.length, timedOut),
          message: timedOut
            ? `no complete answer within ${target.timeoutMs} ms`
            : ((e as Error)?.message ?? String(e)),
        };
      } finally {
        clearTimeout(timer);
      }
      const endAt = performance.now();
      return {
        sentAt,
        chunkTimes,
        endAt,
        promptChars: prompt.text.length,
        inputTokens: input,
        outputTokens: output ?? (error ? null : chunkTimes.length),
        tokensFrom: output !== null ? 'server usage' : error ? null : 'content chunks',
        error,
      };
    },
    close: () => poster.close(),
  };
}
