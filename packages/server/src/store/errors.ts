/** Errors the store raises for its callers to map onto answers (HTTP status, CLI message). */

/** Bad input: the message names the field (`operations[3].seq: …`); nothing was stored. */
export class InputError extends Error {
  override name = 'InputError';
}

/** A run (or model) that is not stored. */
export class NotFoundError extends Error {
  override name = 'NotFoundError';
}

/** User SQL refused by the sandbox (statement type, several statements, syntax). */
export class QueryRefusedError extends Error {
  override name = 'QueryRefusedError';
}

/** User SQL stopped by the time limit. */
export class QueryTimeoutError extends Error {
  override name = 'QueryTimeoutError';
}

/** First line of a DuckDB error, without its `LINE n:` caret diagram. */
export function duckdbMessage(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.split('\n')[0]!.trim();
}

/** An error DuckDB raised (`Binder Error: …`, `Conversion Error: …`), not one of this program's. */
export function isDuckDBError(error: unknown): boolean {
  return error instanceof Error && error.name === 'Error' && /^[A-Za-z ]+ Error: /.test(error.message);
}

/** User SQL refused because too many queries run and wait already (HTTP 429). */
export class QueryBusyError extends Error {
  override name = 'QueryBusyError';
}

/** User SQL not run because the store is shutting down (HTTP 503). */
export class QueryUnavailableError extends Error {
  override name = 'QueryUnavailableError';
}
