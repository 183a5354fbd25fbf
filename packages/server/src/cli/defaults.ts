/**
 * The defaults the command line names in its options and help. Their homes (`db/database.ts`,
 * `http/app.ts`) load DuckDB and hono, which registering the commands must not: every `llmmon`
 * start would pay ~60 MB and ~0.3 s, and `llmmon bench` would count that memory in every peak
 * RSS it reports. `defaults.test.ts` keeps each equal to its home.
 */

/** DuckDB file the commands use without `--db`, relative to the working directory. */
export const DEFAULT_DB_PATH = 'data/llmmon.duckdb';

/** `llmmon serve`'s port. */
export const DEFAULT_PORT = 8737;

/** Largest request body `llmmon serve` takes (bytes). */
export const DEFAULT_BODY_LIMIT = 64 * 1024 * 1024;

/** Time limit of one user query (`llmmon query`, `/api/query`). */
export const DEFAULT_QUERY_TIMEOUT_MS = 10_000;

/** Most rows one user query returns. */
export const DEFAULT_QUERY_MAX_ROWS = 100_000;
