/**
 * What every adapter shares: the `LLMModel` skeleton (monitor resolved once, `load()` tracked as
 * operation `"load"`, each `generate()` tracked as one streamed operation around the adapter's
 * untracked `stream()`) and the way a generation reports its end. An adapter adds only what its
 * runtime needs: the client, the request and how to read token counts from the response.
 */
import {
  type OperationTracker,
  reportUsage,
  resolveTracker,
  type TrackingOptions,
  tracked,
  trackedStream,
} from './tracking.js';
import type { AdapterKind, FinishReason, GenerateOptions, LLMModel, TokenUsage } from './types.js';

/** Base class of the adapters' models. */
export abstract class TrackedModel implements LLMModel {
  abstract readonly kind: AdapterKind;
  readonly name: string;
  readonly #tracker: Promise<OperationTracker | null>;

  protected constructor(name: string, options: TrackingOptions) {
    this.name = name;
    this.#tracker = resolveTracker(options.monitor);
    // Awaited by load() and generate(), which report a failure; never an unhandled rejection here.
    this.#tracker.catch(() => {});
  }

  abstract load(): Promise<void>;

  abstract dispose(): Promise<void>;

  /**
   * The untracked stream behind `generate`: yields the text chunks and reports token counts to
   * the current operation, if any (through {@link finishGeneration}).
   */
  abstract stream(prompt: string, options: GenerateOptions): AsyncGenerator<string>;

  generate(prompt: string, options: GenerateOptions): AsyncIterable<string> {
    return trackedStream(this.#tracker, this.name, options.operation ?? 'generate', prompt.length, () =>
      this.stream(prompt, options),
    );
  }

  /** Runs `fn` as this model's operation `"load"` (plainly when there is no monitor). */
  protected async trackLoad(fn: () => Promise<void>): Promise<void> {
    await tracked(await this.#tracker, this.name, 'load', 0, fn);
  }
}

/**
 * Ends a generation (call it in `stream()`'s `finally`, so failed and aborted ones report too):
 * the final token counts go to the current operation and, with why it ended, to `onFinish`.
 */
export function finishGeneration(
  options: GenerateOptions,
  usage: TokenUsage,
  finishReason: FinishReason,
): void {
  reportUsage(usage);
  options.onFinish?.({ usage, finishReason });
}
