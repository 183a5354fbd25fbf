/**
 * Streams inside an operation: every `next()` of the source runs in the operation's
 * AsyncLocalStorage context (so adapters inside the stream find `currentOperation()` and its
 * requests are attributed to it), and each chunk is timed and counted as it arrives.
 */
import { operationStorage } from './context.js';
import type { Operation } from './operation.js';

/** A stream, or a function that makes one (called inside the operation). */
export type StreamSource<T> = AsyncIterable<T> | (() => AsyncIterable<T>);

export interface StreamOptions<T> {
  /**
   * Tokens in a chunk (default 1 per chunk, which is what llama.cpp, OpenAI and Ollama streams
   * deliver). A chunk with 0 tokens (e.g. a role-only first delta) does not count as the first token.
   */
  countTokens?: (chunk: T) => number;
}

export function isAsyncIterable(value: unknown): value is AsyncIterable<unknown> {
  return (
    value !== null &&
    (typeof value === 'object' || typeof value === 'function') &&
    typeof (value as Record<symbol, unknown>)[Symbol.asyncIterator] === 'function'
  );
}

/** Yields the source's chunks unchanged, recording them on `op` (which it does not end). */
export async function* iterateWithin<T>(
  op: Operation,
  source: StreamSource<T>,
  countTokens?: (chunk: T) => number,
): AsyncGenerator<T, void, undefined> {
  const iterator = operationStorage.run(op, () =>
    (typeof source === 'function' ? source() : source)[Symbol.asyncIterator](),
  );
  let finished = false;
  try {
    while (true) {
      let result: IteratorResult<T>;
      try {
        result = await operationStorage.run(op, () => iterator.next());
      } catch (error) {
        finished = true; // an iterator that threw is done; it must not be asked to return
        throw error;
      }
      if (result.done) {
        finished = true;
        return;
      }
      const tokens = countTokens ? countTokens(result.value) : 1;
      if (!(Number.isFinite(tokens) && tokens >= 0)) {
        throw new RangeError(`countTokens must return a number >= 0, got ${tokens}`);
      }
      op.chunk(tokens);
      yield result.value;
    }
  } finally {
    // The consumer stopped early (break/return/throw): close the source too.
    if (!finished) await operationStorage.run(op, async () => iterator.return?.());
  }
}

/** The whole stream as one operation: starts at the first `next()`, ends with the stream. */
export async function* trackedStream<T>(
  begin: () => Operation,
  source: StreamSource<T>,
  options: StreamOptions<T>,
): AsyncGenerator<T, void, undefined> {
  const op = begin();
  try {
    yield* iterateWithin(op, source, options.countTokens);
  } catch (error) {
    op.fail(error);
    throw error;
  } finally {
    op.end();
  }
}
