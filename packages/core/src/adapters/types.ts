/**
 * The small interface every model adapter implements, so that `llmmon bench` (and user code)
 * can drive llama.cpp, an OpenAI-compatible endpoint or Ollama the same way.
 */

/** What the three runtimes are. */
export type AdapterKind = 'llama-cpp' | 'openai' | 'ollama';

/** Token counts of one generation, as the engine or server reported them. */
export interface TokenUsage {
  /** Prompt tokens (null when the runtime does not say). */
  input: number | null;
  /** Generated tokens (null when the runtime does not say). */
  output: number | null;
}

/** Why a generation ended. */
export type FinishReason = 'length' | 'stop';

export interface GenerateOptions {
  /** Most tokens to generate. */
  maxTokens: number;
  /** Sampling temperature; default 0 (greedy: same output every run). */
  temperature?: number;
  /** Operation name in the record; default `"generate"` (the bench uses `"warmup"` for warm-up runs). */
  operation?: string;
  /** Aborts the request / generation. */
  signal?: AbortSignal;
  /** Called once at the end with the token counts and why the generation ended. */
  onFinish?: (result: { usage: TokenUsage; finishReason: FinishReason }) => void;
}

/**
 * A model behind one runtime. `load()` and each `generate()` are tracked as their own operations
 * (`"load"`, `"generate"`) on the adapter's monitor with `model_name = name`; `generate` yields
 * one text chunk per streamed piece and records exact token counts, time to first token and
 * inter-token latency.
 *
 * @example
 * const model = llamaCpp({ modelPath: 'model.gguf' });
 * await model.load();
 * for await (const text of model.generate('Hello', { maxTokens: 16 })) process.stdout.write(text);
 * await model.dispose();
 */
export interface LLMModel {
  /** `model_name` of the records this model produces. */
  readonly name: string;
  readonly kind: AdapterKind;
  /** Loads the model (llama.cpp), or checks that the endpoint serves it (HTTP runtimes). */
  load(): Promise<void>;
  /** Streams a completion of `prompt`, tracked as one operation. */
  generate(prompt: string, options: GenerateOptions): AsyncIterable<string>;
  /** Frees the model, context and connections. */
  dispose(): Promise<void>;
}
