/**
 * The HTTP server's defaults. A module of its own, with no imports, so that the command line can
 * show them in `llmmon serve --help` without loading hono.
 */

/** Port `llmmon serve` listens on without `--port`. */
export const DEFAULT_PORT = 8737;

/** Largest request body the API takes (bytes); larger ones get 413. */
export const DEFAULT_BODY_LIMIT = 64 * 1024 * 1024;
