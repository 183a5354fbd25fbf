/**
 * `@llmmon/core`: measure what every LLM operation costs. The record schema and statistics are
 * re-exported from `@llmmon/core/schema` (browser-safe).
 */

export {
  AlertTracker,
  alertsFor,
  formatAlert,
  type NumericOperationField,
  type Thresholds,
} from './alerts.js';
export { type AttachRequest, type AttachTarget, attachFromEnv, parseAttachTarget } from './attach.js';
export {
  type BenchmarkOptions,
  type BenchmarkOutlier,
  type BenchmarkProgress,
  type BenchmarkResult,
  ModelBenchmark,
} from './benchmark.js';
export { currentOperation } from './context.js';
export { DEFAULT_OUTPUT_DIR, fileTimestamp, loadMetrics } from './files.js';
export { getMonitor, monitorOptionsFromEnv } from './global.js';
export { JOURNAL_FORMAT, JOURNAL_SUFFIX, type JournalRunFile } from './journal.js';
export type { PushBacklog } from './live-push.js';
export { LLMMonitor, type MonitorOptions, type MonitorSummary } from './monitor.js';
export { Operation, type OperationDetail, type OperationOptions, type TokenCounts } from './operation.js';
export type { OtelOptions } from './otel/telemetry.js';
export type { SamplerChoice, SamplerKind, WindowStats } from './sampler/types.js';
export * from './schema/index.js';
export type { StreamOptions, StreamSource } from './stream.js';
export { alignColumns, formatModelTable } from './summary.js';
