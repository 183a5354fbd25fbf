/**
 * `@llmmon/core/schema`: the record schema (single source of truth) and statistics.
 * Browser-safe: no Node imports anywhere below this folder.
 */
export * from './alert.js';
export * from './field.js';
export * from './metrics-file.js';
export * from './operation.js';
export * from './run.js';
export * from './sample.js';
