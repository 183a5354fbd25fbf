/**
 * `@llmmon/core/schema`: the record schema (single source of truth), metrics-file reading and
 * statistics. Browser-safe: nothing below this folder imports Node modules.
 */
export * from './alert.js';
export * from './api.js';
export * from './csv.js';
export * from './docs.js';
export * from './field.js';
export * from './live.js';
export * from './load-level.js';
export * from './metrics-file.js';
export * from './normalize.js';
export * from './operation.js';
export * from './process.js';
export * from './record-parser.js';
export * from './run.js';
export * from './run-facts.js';
export * from './sample.js';
export * from './stats.js';
export * from './student-t.js';
export * from './summary.js';
export * from './thread.js';
export * from './token-rates.js';
