/**
 * The current operation, carried through async calls by AsyncLocalStorage. Network attribution,
 * streams and model adapters find "the operation this code runs for" here instead of being
 * handed the handle.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import type { Operation } from './operation.js';

export const operationStorage = new AsyncLocalStorage<Operation>();

/**
 * The innermost operation that is running in this async context, or undefined outside any.
 * Model adapters use it to report exact token counts, the first token and metadata.
 * @example
 * import { currentOperation } from '@llmmon/core';
 * const op = currentOperation();
 * op?.setTokens({ input: promptTokens.length });
 * op?.markFirstToken();
 */
export function currentOperation(): Operation | undefined {
  const op = operationStorage.getStore();
  return op && !op.ended ? op : op?.activeAncestor();
}

/** Runs `fn` outside any operation: for timers and requests that belong to llmmon itself. */
export function outsideOperations<T>(fn: () => T): T {
  return operationStorage.exit(fn);
}
