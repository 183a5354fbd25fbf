/**
 * `@llmmon/core/otel`: the OpenTelemetry names llmmon uses (GenAI, process, hardware), the
 * Prometheus names derived from them, and an operation record as span attributes and back.
 * Browser-safe; the export itself runs inside `LLMMonitor` (option `otel`).
 */
export * from './attributes.js';
export * from './semconv.js';
