/**
 * Every error answer is `{ "error": "…" }`: one line, naming the field for bad input. Errors the
 * server did not foresee are logged in full on its own stderr and answered 500 without detail
 * (no stack traces to clients).
 */
import { MetricsFormatError } from '@llmmon/core/schema';
import type { Context } from 'hono';
import { HTTPException } from 'hono/http-exception';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { DatabaseLockedError } from '../db/database.js';
import {
  InputError,
  NotFoundError,
  QueryBusyError,
  QueryRefusedError,
  QueryTimeoutError,
  QueryUnavailableError,
} from '../store/errors.js';

/** An error answer with a status; thrown from handlers. */
export class ApiHttpError extends Error {
  constructor(
    readonly status: ContentfulStatusCode,
    message: string,
  ) {
    super(message);
  }
}

const oneLine = (message: string) => message.split('\n')[0]!.slice(0, 2000);

/** Status and message for an error thrown while answering. */
export function describeError(error: unknown): { status: ContentfulStatusCode; message: string } | null {
  if (error instanceof ApiHttpError) return { status: error.status, message: error.message };
  if (
    error instanceof InputError ||
    error instanceof MetricsFormatError ||
    error instanceof QueryRefusedError
  )
    return { status: 400, message: error.message };
  if (error instanceof NotFoundError) return { status: 404, message: error.message };
  if (error instanceof QueryTimeoutError) return { status: 408, message: error.message };
  if (error instanceof QueryBusyError) return { status: 429, message: error.message };
  if (error instanceof DatabaseLockedError || error instanceof QueryUnavailableError)
    return { status: 503, message: error.message };
  // The disk under the DuckDB file: the request's transaction was rolled back, nothing stored.
  const message = error instanceof Error ? error.message : '';
  if (/No space left on device|ENOSPC/i.test(message))
    return {
      status: 507,
      message:
        'the disk of the DuckDB file is full: nothing of this request was stored; free space and retry',
    };
  if (/Read-only file system|EROFS|read-only mode/i.test(message))
    return {
      status: 503,
      message: 'the DuckDB file is read-only here: nothing can be stored (reads and queries work)',
    };
  if (error instanceof HTTPException)
    return { status: error.status, message: error.message || 'request refused' };
  return null;
}

/** Hono `onError` handler. */
export function onError(error: Error, c: Context) {
  const known = describeError(error);
  if (known) {
    if (known.status === 429 || known.status === 503) c.header('Retry-After', '1');
    return c.json({ error: oneLine(known.message) }, known.status);
  }
  console.error(`llmmon: ${c.req.method} ${c.req.path} failed:`, error);
  return c.json({ error: 'internal error (see the server log)' }, 500);
}
