/**
 * Limits of one user query (`/api/query`, `llmmon query`). A module of its own, with no imports,
 * so that the command line can show them in its help without loading DuckDB.
 */

/** Time after which a user query is interrupted. */
export const DEFAULT_QUERY_TIMEOUT_MS = 10_000;

/** Most rows one user query returns (also the cap of `max_rows`). */
export const DEFAULT_QUERY_MAX_ROWS = 100_000;

/** About the most JSON text the rows of one user query may take (`jsonSize`); the rest is left out. */
export const DEFAULT_QUERY_MAX_BYTES = 64 * 1024 * 1024;
