/**
 * `@llmmon/server`: the run store on DuckDB (`Store`) and the HTTP API (`createApp`,
 * `startServer`). The `llmmon` command line that drives them is `@llmmon/cli`.
 */

export { type Database, DatabaseLockedError, openDatabase } from './db/database.js';
export { DEFAULT_DB_PATH } from './db/default-path.js';
export { MIGRATIONS, SCHEMA_VERSION } from './db/migrations.js';
export { ALERTS, duckdbType, OPERATIONS, RUNS, SAMPLES, TABLES, type Table } from './db/tables.js';
export { type AppOptions, createApp, type LlmmonApp } from './http/app.js';
export { MIN_TOKEN_LENGTH, tokenProblem } from './http/auth.js';
export { DEFAULT_BODY_LIMIT, DEFAULT_PORT } from './http/defaults.js';
export { isExposed, type RunningServer, type StartServerOptions, startServer } from './http/server.js';
export { exportLake, type LakeExportResult, lakePath } from './lake/export.js';
export { welchTest } from './stats/welch.js';
export {
  InputError,
  NotFoundError,
  QueryBusyError,
  QueryRefusedError,
  QueryTimeoutError,
  QueryUnavailableError,
} from './store/errors.js';
export type { QueryOptions, QueryResult } from './store/query.js';
export {
  DEFAULT_QUERY_MAX_BYTES,
  DEFAULT_QUERY_MAX_ROWS,
  DEFAULT_QUERY_TIMEOUT_MS,
} from './store/query-limits.js';
export { type IngestBatch, type IngestEvent, type IngestResult, Store } from './store/store.js';
