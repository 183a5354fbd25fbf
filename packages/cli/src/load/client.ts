/**
 * One streaming request of a load run, timed on the client: OpenAI's `/v1/chat/completions` and
 * `/v1/completions` through the official `openai` client, Ollama's `/api/generate` through the
 * `ollama` client. The time of every chunk that carries generated text is kept; tokens come from
 * the server's usage when it sends one, else one per content chunk (and the result says which).
 */
import type { Ollama } from 'ollama';
import type OpenAI from 'openai';
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
}

interface Chunk {
  text: string;
  input?: number | null;
  output?: number | null;
}

async function openaiStream(client: OpenAI, target: Target, prompt: LoadPrompt, signal: AbortSignal) {
  const common = {
    model: target.model,
    max_tokens: prompt.maxTokens,
    temperature: target.temperature,
    stream: true as const,
    stream_options: { include_usage: true },
    ...(target.fixedOutput && { ignore_eos: true, min_tokens: prompt.maxTokens }),
  };
  async function* chunks(): AsyncGenerator<Chunk> {
    if (target.kind === 'chat') {
      const stream = await client.chat.completions.create(
        { ...common, messages: [{ role: 'user', content: prompt.text }] },
        { signal },
      );
      for await (const c of stream)
        yield {
          text: c.choices[0]?.delta?.content ?? '',
          input: c.usage?.prompt_tokens,
          output: c.usage?.completion_tokens,
        };
    } else {
      const stream = await client.completions.create({ ...common, prompt: prompt.text }, { signal });
      for await (const c of stream)
        yield {
          text: c.choices[0]?.text ?? '',
          input: c.usage?.prompt_tokens,
          output: c.usage?.completion_tokens,
        };
    }
  }
  return chunks();
}

async function* ollamaStream(client: Ollama, target: Target, prompt: LoadPrompt): AsyncGenerator<Chunk> {
  const stream = await client.generate({
    model: target.model,
    prompt: prompt.text,
    stream: true,
    options: { num_predict: prompt.maxTokens, temperature: target.temperature },
  });
  for await (const c of stream)
    yield { text: c.response ?? '', ...(c.done && { input: c.prompt_eval_count, output: c.eval_count }) };
}

/** The kind of a failure: the HTTP status, the connection, our timeout, or a stream cut short. */
export function errorKind(error: unknown, chunks: number, timedOut: boolean): ErrorKind {
  const e = error as { status?: unknown; status_code?: unknown; name?: string } | null;
  // The openai client's errors keep the name "Error": their class says what they are.
  const kind = (error as object | null)?.constructor?.name;
  if (timedOut || kind === 'APIConnectionTimeoutError') return 'timeout';
  if (typeof e?.status === 'number' || typeof e?.status_code === 'number') return 'http';
  if (chunks > 0) return 'dropped';
  // APIConnectionError (openai), TypeError "fetch failed" (fetch, the ollama client).
  if (kind === 'APIConnectionError' || e?.name === 'TypeError') return 'connection';
  return 'other';
}

/**
 * The client of a target.
 * @example const client = await loadClient(target); const sent = await client.send({ text: 'Hi', maxTokens: 8 });
 */
export async function loadClient(target: Target): Promise<LoadClient> {
  let open: (prompt: LoadPrompt, signal: AbortSignal) => Promise<AsyncIterable<Chunk>>;
  if (target.kind === 'ollama') {
    const { Ollama } = await import('ollama');
    open = async (prompt, signal) => {
      // One client per request: `abort()` of the ollama client ends all of its streams.
      const client = new Ollama({ host: target.baseURL });
      signal.addEventListener('abort', () => client.abort(), { once: true });
      return ollamaStream(client, target, prompt);
    };
  } else {
    const { default: OpenAIClient } = await import('openai');
    // Retries would fold several requests into one measurement.
    const client = new OpenAIClient({
      baseURL: target.baseURL,
      apiKey: target.apiKey ?? process.env.OPENAI_API_KEY ?? 'not-needed',
      maxRetries: 0,
      timeout: target.timeoutMs,
    });
    open = (prompt, signal) => openaiStream(client, target, prompt, signal);
  }
  // Node loads its fetch implementation (undici) on the first call: pay that here, not inside
  // the first request's time to first token.
  await (await fetch('data:,')).arrayBuffer();
  return {
    async send(prompt, onFirstChunk) {
      const chunkTimes: number[] = [];
      let input: number | null = null;
      let output: number | null = null;
      let timedOut = false;
      const abort = new AbortController();
      const timer = setTimeout(() => {
        timedOut = true;
        abort.abort();
      }, target.timeoutMs);
      const sentAt = performance.now();
      let error: RequestResult['error'] = null;
      try {
        for await (const c of await open(prompt, abort.signal)) {
          const at = performance.now();
          if (c.text) {
            if (chunkTimes.length === 0) onFirstChunk?.();
            chunkTimes.push(at);
          }
          if (typeof c.input === 'number') input = c.input;
          if (typeof c.output === 'number') output = c.output;
        }
        if (chunkTimes.length === 0)
          error = { kind: 'empty', message: 'the response carried no generated text' };
      } catch (e) {
        error = {
          kind: errorKind(e, chunkTimes.length, timedOut),
          message: (e as Error)?.message ?? String(e),
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
  };
}
