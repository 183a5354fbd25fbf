/**
 * The Ollama adapter: streams `/api/generate` through the official `ollama` client (imported
 * lazily). Token counts are Ollama's (`prompt_eval_count`, `eval_count`); its own timings
 * (`eval_duration`, `prompt_eval_duration`, `load_duration`, `total_duration`, nanoseconds on the
 * wire) are recorded in seconds in `metadata`, next to llmmon's measurements, so the two clocks
 * can be compared. When the host is on this machine, the monitor is attached to the server's
 * process (see `TrackingOptions.attach`).
 */
import type { GenerateResponse, Ollama } from 'ollama';
import { finishGeneration, TrackedModel } from './model.js';
import { reportMetadata, type TrackingOptions } from './tracking.js';
import type { FinishReason, GenerateOptions, TokenUsage } from './types.js';

export type { OperationTracker } from './tracking.js';
export type { AdapterKind, FinishReason, GenerateOptions, LLMModel, TokenUsage } from './types.js';

export interface OllamaOptions extends TrackingOptions {
  /** Model tag, e.g. `llama3.2:1b`. */
  model: string;
  /** Server; default `$OLLAMA_HOST`, else `http://127.0.0.1:11434`. */
  host?: string;
  /** `model_name` in records; default `ollama:<model>`. */
  name?: string;
  /** How long Ollama keeps the model loaded after a request; default Ollama's (5 minutes). */
  keepAlive?: string | number;
  /** Ollama `options.num_thread`; default Ollama's choice. */
  threads?: number;
  /** Ollama `options.num_ctx`; default Ollama's choice. */
  contextSize?: number;
}

const NS = 1e-9;
const DEFAULT_OLLAMA_HOST = 'http://127.0.0.1:11434';

/**
 * An Ollama host as a URL (`OLLAMA_HOST` may be `0.0.0.0` or `127.0.0.1:11434`): scheme `http`
 * and port 11434 where missing, as Ollama reads it.
 */
export function ollamaURL(host: string): string {
  const withScheme = /^[a-z]+:\/\//i.test(host) ? host : `http://${host}`;
  try {
    const url = new URL(withScheme);
    if (!url.port && !/:\d+(\/|$)/.test(withScheme.replace(/^[a-z]+:\/\//i, ''))) url.port = '11434';
    return url.toString();
  } catch {
    return withScheme;
  }
}

/** Ollama's own timings of one response, in seconds (null where it sent none). */
export function ollamaTimings(r: Partial<GenerateResponse>): Record<string, number | null> {
  const sec = (ns: number | undefined) => (typeof ns === 'number' ? ns * NS : null);
  const evalSeconds = sec(r.eval_duration);
  return {
    ollama_prompt_eval_count: r.prompt_eval_count ?? null,
    ollama_prompt_eval_duration_seconds: sec(r.prompt_eval_duration),
    ollama_eval_count: r.eval_count ?? null,
    ollama_eval_duration_seconds: evalSeconds,
    ollama_load_duration_seconds: sec(r.load_duration),
    ollama_total_duration_seconds: sec(r.total_duration),
    ollama_tokens_per_sec:
      evalSeconds && typeof r.eval_count === 'number' && evalSeconds > 0 ? r.eval_count / evalSeconds : null,
  };
}

/** A model served by Ollama. */
export class OllamaModel extends TrackedModel {
  readonly kind = 'ollama';
  private readonly options: OllamaOptions;
  private client: Ollama | undefined;

  constructor(options: OllamaOptions) {
    super(options.name ?? `ollama:${options.model}`, options);
    this.options = options;
  }

  /** The server: the option, else `$OLLAMA_HOST`, else Ollama's default, as a URL with a port. */
  protected override endpoint(): string {
    return ollamaURL(this.options.host ?? process.env.OLLAMA_HOST ?? DEFAULT_OLLAMA_HOST);
  }

  private async getClient(): Promise<Ollama> {
    if (this.client) return this.client;
    const { Ollama: OllamaClient } = await import('ollama');
    this.client = new OllamaClient({
      host: this.options.host ?? process.env.OLLAMA_HOST ?? DEFAULT_OLLAMA_HOST,
    });
    return this.client;
  }

  private runtimeOptions(extra: Record<string, number> = {}) {
    return {
      ...(this.options.threads !== undefined && { num_thread: this.options.threads }),
      ...(this.options.contextSize !== undefined && { num_ctx: this.options.contextSize }),
      ...extra,
    };
  }

  /**
   * Loads the model into Ollama's memory (an empty-prompt request, Ollama's documented way), as
   * operation `"load"`; Ollama's `load_duration` goes into `metadata`.
   * @throws Error when the server is unreachable or does not have the model
   */
  async load(): Promise<void> {
    const client = await this.getClient();
    await this.trackLoad(async () => {
      const r = await client.generate({
        model: this.options.model,
        prompt: '',
        stream: false,
        options: this.runtimeOptions(),
        ...(this.options.keepAlive !== undefined && { keep_alive: this.options.keepAlive }),
      });
      reportMetadata({ runtime: 'ollama', ...ollamaTimings(r) });
    });
  }

  /** The untracked stream behind `generate`: one chunk per non-empty streamed piece. */
  async *stream(prompt: string, options: GenerateOptions): AsyncGenerator<string> {
    const client = await this.getClient();
    const stream = await client.generate({
      model: this.options.model,
      prompt,
      stream: true,
      options: this.runtimeOptions({ num_predict: options.maxTokens, temperature: options.temperature ?? 0 }),
      ...(this.options.keepAlive !== undefined && { keep_alive: this.options.keepAlive }),
    });
    const onAbort = () => stream.abort();
    options.signal?.addEventListener('abort', onAbort, { once: true });
    let usage: TokenUsage = { input: null, output: null };
    let finishReason: FinishReason = 'length';
    try {
      for await (const part of stream) {
        if (part.response) yield part.response;
        if (part.done) {
          usage = { input: part.prompt_eval_count ?? null, output: part.eval_count ?? null };
          finishReason = part.done_reason === 'length' ? 'length' : 'stop';
          reportMetadata({
            runtime: 'ollama',
            finish_reason: part.done_reason ?? null,
            ...ollamaTimings(part),
          });
        }
      }
    } finally {
      options.signal?.removeEventListener('abort', onAbort);
      finishGeneration(options, usage, finishReason);
    }
  }

  async dispose(): Promise<void> {
    this.client = undefined;
    await this.detachServer();
  }
}

/**
 * A tracked Ollama model.
 *
 * @example
 * import { ollama } from '@llmmon/core/adapters/ollama';
 * const model = ollama({ model: 'llama3.2:1b', monitor });
 * await model.load(); // operation "load"; metadata.ollama_load_duration_seconds
 * for await (const text of model.generate('Hello', { maxTokens: 32 })) process.stdout.write(text);
 */
export function ollama(options: OllamaOptions): OllamaModel {
  return new OllamaModel(options);
}
