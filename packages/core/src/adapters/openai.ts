/**
 * The OpenAI-compatible adapter: streams `/v1/chat/completions` through the official `openai`
 * client (imported lazily). Any server that speaks the protocol works: OpenAI, vLLM, llama.cpp's
 * server, Ollama's `/v1`, LM Studio, `llmmon bench --serve-openai`. Token counts come from the
 * server's `usage` (requested with `stream_options.include_usage`); when it sends none, input
 * tokens stay null and output tokens are the number of content chunks (one token each on the
 * common servers), and `metadata.output_tokens_from` says so. When the base URL is on this
 * machine, the monitor is attached to the server's process (see `TrackingOptions.attach`).
 */
import type OpenAI from 'openai';
import { finishGeneration, TrackedModel } from './model.js';
import { reportMetadata, type TrackingOptions } from './tracking.js';
import type { FinishReason, GenerateOptions, TokenUsage } from './types.js';

export type { OperationTracker } from './tracking.js';
export type { AdapterKind, FinishReason, GenerateOptions, LLMModel, TokenUsage } from './types.js';

export interface OpenAICompatibleOptions extends TrackingOptions {
  /** Model id the server knows (the request's `model`). */
  model: string;
  /** Base URL including `/v1`, e.g. `http://127.0.0.1:8080/v1`; default the client's (OpenAI, or `$OPENAI_BASE_URL`). */
  baseURL?: string;
  /** API key; default `$OPENAI_API_KEY`, else a placeholder (local servers ignore it). */
  apiKey?: string;
  /** `model_name` in records; default `model`. */
  name?: string;
  /** Which request field carries the token limit: `max_tokens` (default; what most compatible servers read) or `max_completion_tokens`. */
  maxTokensField?: 'max_tokens' | 'max_completion_tokens';
  /** Request timeout in ms; default 10 minutes (the client's). */
  timeoutMs?: number;
  /** Ask the server for `usage` in the last chunk; default true. Turn off for servers that reject `stream_options`. */
  includeUsage?: boolean;
}

/** An OpenAI-compatible chat endpoint. */
export class OpenAICompatibleModel extends TrackedModel {
  readonly kind = 'openai';
  private readonly options: OpenAICompatibleOptions;
  private client: OpenAI | undefined;

  constructor(options: OpenAICompatibleOptions) {
    super(options.name ?? options.model, options);
    this.options = options;
  }

  /** The base URL the client uses: the option, else `$OPENAI_BASE_URL`, else OpenAI's. */
  protected override endpoint(): string {
    return this.options.baseURL ?? process.env.OPENAI_BASE_URL ?? 'https://api.openai.com/v1';
  }

  private async getClient(): Promise<OpenAI> {
    if (this.client) return this.client;
    const { default: OpenAIClient } = await import('openai');
    this.client = new OpenAIClient({
      apiKey: this.options.apiKey ?? process.env.OPENAI_API_KEY ?? 'not-needed',
      // Retries would hide failures and fold several requests into one measurement.
      maxRetries: 0,
      ...(this.options.baseURL !== undefined && { baseURL: this.options.baseURL }),
      ...(this.options.timeoutMs !== undefined && { timeout: this.options.timeoutMs }),
    });
    return this.client;
  }

  /**
   * Checks, as operation `"load"`, that the server lists the model (`GET /models`).
   * @throws Error when the server is unreachable or does not list the model
   */
  async load(): Promise<void> {
    const client = await this.getClient();
    await this.trackLoad(async () => {
      const ids: string[] = [];
      for await (const m of client.models.list()) ids.push(m.id);
      if (!ids.includes(this.options.model)) {
        throw new Error(
          `${client.baseURL} does not serve model "${this.options.model}" (it lists: ${ids.join(', ') || 'none'})`,
        );
      }
      reportMetadata({ runtime: 'openai', base_url: client.baseURL });
    });
  }

  /** The untracked stream behind `generate`: one chunk per non-empty content delta. */
  async *stream(prompt: string, options: GenerateOptions): AsyncGenerator<string> {
    const client = await this.getClient();
    const field = this.options.maxTokensField ?? 'max_tokens';
    const includeUsage = this.options.includeUsage ?? true;
    const stream = await client.chat.completions.create(
      {
        model: this.options.model,
        messages: [{ role: 'user', content: prompt }],
        [field]: options.maxTokens,
        temperature: options.temperature ?? 0,
        stream: true,
        ...(includeUsage && { stream_options: { include_usage: true } }),
      },
      options.signal ? { signal: options.signal } : undefined,
    );
    let usage: TokenUsage = { input: null, output: null };
    let finishReason: FinishReason = 'length';
    let serverReason: string | null = null;
    let chunks = 0;
    try {
      for await (const chunk of stream) {
        if (chunk.usage) usage = { input: chunk.usage.prompt_tokens, output: chunk.usage.completion_tokens };
        const choice = chunk.choices[0];
        if (choice?.finish_reason) {
          serverReason = choice.finish_reason;
          finishReason = choice.finish_reason === 'length' ? 'length' : 'stop';
        }
        const text = choice?.delta?.content;
        if (text) {
          chunks++;
          yield text;
        }
      }
      reportMetadata({
        runtime: 'openai',
        finish_reason: serverReason,
        content_chunks: chunks,
        // Without usage the monitor counts one token per content chunk; say which it is.
        output_tokens_from: usage.output !== null ? 'server usage' : 'content chunks',
      });
    } finally {
      finishGeneration(options, usage, finishReason);
    }
  }

  async dispose(): Promise<void> {
    this.client = undefined;
    await this.detachServer();
  }
}

/**
 * A tracked OpenAI-compatible model.
 *
 * @example
 * import { openAICompatible } from '@llmmon/core/adapters/openai';
 * const model = openAICompatible({ baseURL: 'http://127.0.0.1:8080/v1', model: 'tiny-f32', monitor });
 * for await (const text of model.generate('Hello', { maxTokens: 32 })) process.stdout.write(text);
 */
export function openAICompatible(options: OpenAICompatibleOptions): OpenAICompatibleModel {
  return new OpenAICompatibleModel(options);
}
