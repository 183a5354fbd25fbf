/**
 * `@llmmon/server/defaults`: the defaults a command line shows in its help (the DuckDB file, the
 * port, the body and query limits). Each lives in a module with no imports, so this entry loads
 * neither DuckDB nor hono.
 */
export { DEFAULT_DB_PATH } from './db/default-path.js';
export { DEFAULT_BODY_LIMIT, DEFAULT_PORT } from './http/defaults.js';
export {
  DEFAULT_QUERY_MAX_BYTES,
  DEFAULT_QUERY_MAX_ROWS,
  DEFAULT_QUERY_TIMEOUT_MS,
} from './store/query-limits.js';
