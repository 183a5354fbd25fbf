/**
 * Which operations a request counts for: the current operation (AsyncLocalStorage) and every
 * enclosing operation that is still running, so that a parent's totals include its children's.
 */
import { operationStorage } from '../context.js';
import type { Operation } from '../operation.js';

export function attributionTargets(): Operation[] {
  const targets: Operation[] = [];
  for (let op = operationStorage.getStore(); op; op = op.parent) if (!op.ended) targets.push(op);
  return targets;
}

export function addRequest(ops: readonly Operation[]): void {
  for (const op of ops) op.net.requests++;
}

/** Adds bytes to the operations that are still running (bytes after an operation ended are dropped). */
export function addBytes(ops: readonly Operation[], sent: number, received: number): void {
  for (const op of ops) {
    if (op.ended) continue;
    op.net.bytesSent += sent;
    op.net.bytesReceived += received;
  }
}
