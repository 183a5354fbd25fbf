/**
 * How adapters record their work: through any object with the monitor's `trackOperation` and
 * `trackStream` (an `LLMMonitor`), or not at all (`monitor: null`, e.g. inside a server that
 * serves a model to a client which does the measuring).
 */
import { currentOperation } from '../context.js';
import type { LLMMonitor } from '../monitor.js';
import type { TokenUsage } from './types.js';

/**
 * The part of `LLMMonitor` adapters use; `attach` and `detach` (optional) let an adapter whose
 * server runs on this machine have that process measured too, while the model is in use.
 */
export type OperationTracker = Pick<LLMMonitor, 'trackOperation' | 'trackStream'> &
  Partial<Pick<LLMMonitor, 'attach' | 'detach'>>;

export interface TrackingOptions {
  /** Monitor that records this model's operations; default the process-wide `getMonitor()`; null: none. */
  monitor?: OperationTracker | null;
  /**
   * When the endpoint is on this machine (loopback), attach the monitor to the process listening
   * on its port (role `server`), so each operation also reports the server's CPU, memory, threads
   * and GPU; the run header's `attached` says so. `dispose()` detaches it again (so the models
   * benched after this one do not report it). Default true; adapters without an endpoint
   * (llama.cpp in this process) ignore it.
   */
  attach?: boolean;
}

/** Resolves the `monitor` option: the given tracker, none, or the process-wide monitor. */
export async function resolveTracker(
  option: OperationTracker | null | undefined,
): Promise<OperationTracker | null> {
  if (option !== undefined) return option;
  const { getMonitor } = await import('../global.js');
  return getMonitor();
}

/** Runs `fn` as operation `operation` of `modelName`, or plainly when there is no tracker. */
export async function tracked<T>(
  tracker: OperationTracker | null,
  modelName: string,
  operation: string,
  textLength: number,
  fn: () => Promise<T>,
): Promise<T> {
  return tracker ? tracker.trackOperation(modelName, operation, textLength, () => fn()) : fn();
}

/** Streams `stream()` as one tracked operation (TTFT at the first chunk, ITL between chunks). */
export async function* trackedStream<T>(
  trackerPromise: Promise<OperationTracker | null>,
  modelName: string,
  operation: string,
  textLength: number,
  stream: () => AsyncIterable<T>,
): AsyncGenerator<T> {
  const tracker = await trackerPromise;
  // trackStream calls `stream` inside the operation, so the adapter sees currentOperation().
  yield* tracker ? tracker.trackStream(modelName, operation, textLength, stream) : stream();
}

/** Reports token counts to the operation this code runs for, if any. */
export function reportUsage(usage: TokenUsage): void {
  const op = currentOperation();
  if (!op) return;
  op.setTokens({
    ...(usage.input !== null && { input: usage.input }),
    ...(usage.output !== null && { output: usage.output }),
  });
}

/** Adds runtime facts (engine timings, settings) to the current operation's `metadata`. */
export function reportMetadata(metadata: Record<string, unknown>): void {
  currentOperation()?.setMetadata(metadata);
}
