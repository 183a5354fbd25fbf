/**
 * What every adapter shares: the `LLMModel` skeleton (monitor resolved once, `load()` tracked as
 * operation `"load"`, each `generate()` tracked as one streamed operation around the adapter's
 * untracked `stream()`) and the way a generation reports its end. An adapter adds only what its
 * runtime needs: the client, the request and how to read token counts from the response.
 */

import { loopbackPort } from './endpoint.js';
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
  readonly #resolved: Promise<OperationTracker | null>;
  readonly #attach: boolean;
  #tracker: Promise<OperationTracker | null> | undefined;
  /** Pids this model attached (its server), detached by `detachServer()`. */
  #attached: number[] = [];

  protected constructor(name: string, options: TrackingOptions) {
    this.name = name;
    this.#resolved = resolveTracker(options.monitor);
    this.#attach = options.attach ?? true;
    // Awaited by load() and generate(), which report a failure; never an unhandled rejection here.
    this.#resolved.catch(() => {});
  }

  /** The URL of the server this model talks to; null when it runs in this process. */
  protected endpoint(): string | null {
    return null;
  }

  /**
   * The tracker, once the server's process is attached where the endpoint is on this machine
   * (the first load() or generate() does it, before its operation starts).
   */
  #ready(): Promise<OperationTracker | null> {
    this.#tracker ??= this.#resolved.then((tracker) => {
      const url = this.endpoint();
      const port = url === null ? null : loopbackPort(url);
      if (tracker?.attach && this.#attach && port !== null) {
        const added = tracker.attach({ port, role: 'server' }, { source: `adapter:${this.kind}` });
        this.#attached = added.flatMap((entry) => (entry.pid === null ? [] : [entry.pid]));
      }
      return tracker;
    });
    return this.#tracker;
  }

  /**
   * Stops measuring the server process this model attached (call from `dispose()`); a process
   * someone else attached first stays attached. The next operation attaches it again.
   */
  protected async detachServer(): Promise<void> {
    const tracker = await this.#tracker?.catch(() => null);
    this.#tracker = undefined;
    for (const pid of this.#attached.splice(0)) tracker?.detach?.(pid);
  }

  abstract load(): Promise<void>;

  abstract dispose(): Promise<void>;

  /**
   * The untracked stream behind `generate`: yields the text chunks and reports token counts to
   * the current operation, if any (through {@link finishGeneration}).
   */
  abstract stream(prompt: string, options: GenerateOptions): AsyncGenerator<string>;

  generate(prompt: string, options: GenerateOptions): AsyncIterable<string> {
    return trackedStream(this.#ready(), this.name, options.operation ?? 'generate', prompt.length, () =>
      this.stream(prompt, options),
    );
  }

  /** Runs `fn` as this model's operation `"load"` (plainly when there is no monitor). */
  protected async trackLoad(fn: () => Promise<void>): Promise<void> {
    await tracked(await this.#ready(), this.name, 'load', 0, fn);
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
