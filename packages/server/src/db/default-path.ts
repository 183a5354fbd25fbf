/**
 * Where the DuckDB file is by default. A module of its own, with no imports, so that the command
 * line can name it in its options without loading DuckDB.
 */

/** DuckDB file the store and every command use without `--db`, relative to the working directory. */
export const DEFAULT_DB_PATH = 'data/llmmon.duckdb';
