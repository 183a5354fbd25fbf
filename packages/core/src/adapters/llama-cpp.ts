/**
 * The node-llama-cpp adapter: runs a GGUF model in-process with llama.cpp. Token counts are the
 * engine's own (prompt tokenized by the model's tokenizer; one count per sampled token).
 * node-llama-cpp is imported lazily: importing this module costs nothing until `load()`.
 */
import { stat } from 'node:fs/promises';
import path from 'node:path';
import type { Llama, LlamaContext, LlamaContextSequence, LlamaModel, Token } from 'node-llama-cpp';
import { finishGeneration, TrackedModel } from './model.js';
import { defaultLlamaThreads } from './threads.js';
import { reportMetadata, reportUsage, type TrackingOptions } from './tracking.js';
import type { FinishReason, GenerateOptions } from './types.js';

export { GgufFormatError, type GgufPreamble, readGgufPreamble } from './gguf-preamble.js';
export { type ProbeResult, probeGgufFile } from './llama-cpp-probe.js';
export { defaultLlamaThreads } from './threads.js';
export type { OperationTracker } from './tracking.js';
export type { AdapterKind, FinishReason, GenerateOptions, LLMModel, TokenUsage } from './types.js';

export interface LlamaCppOptions extends TrackingOptions {
  /** Path of the GGUF file. */
  modelPath: string;
  /** `model_name` in records; default the file name without `.gguf`. */
  name?: string;
  /** Tokens each sequence can hold (prompt + generated); default min(2048, the model's training context). */
  contextSize?: number;
  /** llama.cpp threads; default {@link defaultLlamaThreads} (1 on machines with ≤ 4 CPUs). */
  threads?: number;
  /** Generations that may run at once (llama.cpp sequences of one context); default 1. */
  sequences?: number;
  /** GPU backend: `false` for CPU only, `'auto'` to use one if the installed binaries support it. Default `'auto'`. */
  gpu?: false | 'auto';
  /** Seed for sampling when temperature > 0. */
  seed?: number;
}

/** Thrown when llama.cpp refuses a model or a request; carries llama.cpp's last log lines. */
export class LlamaCppError extends Error {
  override name = 'LlamaCppError';
}

/**
 * `general.file_type` as a short name: node-llama-cpp's `GgufFileType.MOSTLY_Q4_K_M` → `q4_k_m`,
 * `ALL_F32` → `f32`; null when the file does not say.
 */
export function quantizationName(
  fileType: number | undefined,
  names: Readonly<Record<number, string>>,
): string | null {
  const name = fileType === undefined ? undefined : names[fileType];
  return name ? name.replace(/^(ALL|MOSTLY)_/, '').toLowerCase() : null;
}

/** Last messages llama.cpp logged at warning level or worse (its reasons for failures). */
const recentLogs: string[] = [];
let runtime: Promise<Llama> | undefined;

/**
 * The process-wide llama.cpp runtime (node-llama-cpp's `getLlama`, which tests its binary in a
 * short child process the first time: ~0.3–0.5 s). Never builds or downloads anything.
 */
export function getLlamaRuntime(gpu: false | 'auto' = 'auto'): Promise<Llama> {
  runtime ??= (async () => {
    const { getLlama, LlamaLogLevel } = await import('node-llama-cpp');
    return getLlama({
      gpu,
      build: 'never',
      progressLogs: false,
      logLevel: LlamaLogLevel.warn,
      logger: (_level, message) => {
        recentLogs.push(message.trim());
        if (recentLogs.length > 20) recentLogs.shift();
      },
    });
  })();
  runtime.catch(() => {
    runtime = undefined;
  });
  return runtime;
}

function llamaReason(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  const logged = recentLogs.filter(Boolean).at(-1);
  return logged && !message.includes(logged) ? `${message} (llama.cpp: ${logged})` : message;
}

/** A GGUF model run by llama.cpp in this process. */
export class LlamaCppModel extends TrackedModel {
  readonly kind = 'llama-cpp';
  readonly modelPath: string;
  readonly threads: number;
  readonly sequences: number;
  private readonly options: LlamaCppOptions;
  private model: LlamaModel | undefined;
  private context: LlamaContext | undefined;
  private free: LlamaContextSequence[] = [];
  private waiting: ((s: LlamaContextSequence) => void)[] = [];
  /** The file's quantization as llama.cpp names it (`f32`, `f16`, `q8_0`, `q4_k_m`, …); null if unstated. */
  private quantization: string | null = null;

  constructor(options: LlamaCppOptions) {
    super(options.name ?? path.basename(options.modelPath).replace(/\.gguf$/i, ''), options);
    this.options = options;
    this.modelPath = path.resolve(options.modelPath);
    this.threads = options.threads ?? defaultLlamaThreads();
    this.sequences = options.sequences ?? 1;
  }

  /** The loaded node-llama-cpp model (after `load()`), for tokenizer access. */
  get llamaModel(): LlamaModel {
    if (!this.model) throw new LlamaCppError(`${this.name}: not loaded (call load() first)`);
    return this.model;
  }

  /** Tokens each sequence holds (after `load()`). */
  get contextSize(): number {
    if (!this.context) throw new LlamaCppError(`${this.name}: not loaded (call load() first)`);
    return this.context.contextSize;
  }

  /**
   * Loads the file and creates the context, as operation `"load"`. The one-time runtime start
   * (`getLlama`) happens before the operation and is reported as `metadata.runtime_init_seconds`.
   * @throws LlamaCppError for a missing or unreadable file, naming it
   */
  async load(): Promise<void> {
    if (this.model) return;
    const file = await stat(this.modelPath).catch(() => null);
    if (!file?.isFile()) throw new LlamaCppError(`model file not found: ${this.modelPath}`);
    const initStarted = performance.now();
    const llama = await getLlamaRuntime(this.options.gpu ?? 'auto');
    const runtimeInitSeconds = (performance.now() - initStarted) / 1000;
    await this.trackLoad(async () => {
      try {
        this.model = await llama.loadModel({ modelPath: this.modelPath });
        const contextSize = this.options.contextSize ?? Math.min(2048, this.model.trainContextSize || 2048);
        this.context = await this.model.createContext({
          contextSize,
          threads: this.threads,
          sequences: this.sequences,
        });
      } catch (error) {
        await this.model?.dispose();
        this.model = undefined;
        throw new LlamaCppError(`${this.name}: ${llamaReason(error)}`);
      }
      this.free = Array.from({ length: this.sequences }, () => this.context!.getSequence());
      this.quantization = quantizationName(
        this.model.fileInfo.metadata.general?.file_type,
        (await import('node-llama-cpp')).GgufFileType,
      );
      reportMetadata({
        runtime: 'llama-cpp',
        quantization: this.quantization,
        file_bytes: file.size,
        model_parameters: this.model.fileInsights.totalParameters ?? null,
        context_size: this.context.contextSize,
        threads: this.threads,
        sequences: this.sequences,
        gpu: llama.gpu,
        runtime_init_seconds: runtimeInitSeconds,
      });
    });
  }

  /**
   * The untracked token stream behind `generate`: one chunk per sampled token, ending at
   * `maxTokens` or an end-of-generation token (not counted). Reports exact counts to the current
   * operation, if any, and to `options.onFinish`.
   */
  async *stream(prompt: string, options: GenerateOptions): AsyncGenerator<string> {
    const model = this.llamaModel;
    const input = model.tokenize(prompt);
    if (model.tokens.shouldPrependBosToken && model.tokens.bos !== null) input.unshift(model.tokens.bos);
    if (input.length + options.maxTokens > this.contextSize) {
      throw new LlamaCppError(
        `${this.name}: prompt (${input.length} tokens) + maxTokens (${options.maxTokens}) exceed the context size (${this.contextSize}); raise contextSize`,
      );
    }
    const sequence = await this.acquire();
    const output: Token[] = [];
    let finishReason: FinishReason = 'length';
    try {
      await sequence.clearHistory();
      const meter = sequence.tokenMeter.getState();
      reportUsage({ input: input.length, output: 0 });
      if (options.maxTokens > 0) {
        const tokens = sequence.evaluate(input, {
          temperature: options.temperature ?? 0,
          ...(this.options.seed !== undefined && { seed: this.options.seed }),
        });
        for await (const token of tokens) {
          options.signal?.throwIfAborted();
          if (model.isEogToken(token)) {
            finishReason = 'stop';
            break;
          }
          const text = model.detokenize([token], false, output.slice(-4));
          output.push(token);
          yield text;
          if (output.length >= options.maxTokens) break;
        }
      }
      const engine = sequence.tokenMeter.diff(meter);
      reportMetadata({
        runtime: 'llama-cpp',
        quantization: this.quantization,
        finish_reason: finishReason,
        engine_sampled_tokens: engine.usedOutputTokens,
        engine_evaluated_tokens: engine.usedInputTokens,
        threads: this.threads,
      });
    } finally {
      finishGeneration(options, { input: input.length, output: output.length }, finishReason);
      this.release(sequence);
    }
  }

  async dispose(): Promise<void> {
    await this.context?.dispose();
    await this.model?.dispose();
    this.context = undefined;
    this.model = undefined;
    this.free = [];
  }

  private acquire(): Promise<LlamaContextSequence> {
    const s = this.free.pop();
    if (s) return Promise.resolve(s);
    if (!this.context)
      return Promise.reject(new LlamaCppError(`${this.name}: not loaded (call load() first)`));
    return new Promise((resolve) => this.waiting.push(resolve));
  }

  private release(s: LlamaContextSequence): void {
    const next = this.waiting.shift();
    if (next) next(s);
    else this.free.push(s);
  }
}

/**
 * A tracked llama.cpp model.
 *
 * @example
 * import { llamaCpp } from '@llmmon/core/adapters/llama-cpp';
 * const model = llamaCpp({ modelPath: 'models/tiny.gguf', threads: 1, monitor });
 * await model.load(); // operation "load"
 * for await (const text of model.generate('Hello', { maxTokens: 32 })) process.stdout.write(text);
 * await model.dispose();
 */
export function llamaCpp(options: LlamaCppOptions): LlamaCppModel {
  return new LlamaCppModel(options);
}
