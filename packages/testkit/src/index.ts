/**
 * `@llmmon/testkit` (private): what the tests and the performance measurements of every package
 * above core build their data from, in one place.
 *
 * - `records.ts`: full records with known values (every field, derived from `seq`), metrics
 *   files, the nightly runs of the server README's example queries.
 * - `small-records.ts`: a valid record from a few fields, for unit tests of views.
 * - `original.ts`: records as the original Python monitor wrote them.
 * - `synthetic.ts`: a realistic seeded run (models, warm-ups, tokens, threads, timeline, alerts).
 * - `datasets.ts`, `stream-file.ts`: large seeded runs for the store's and the comparison suite's
 *   measurements.
 * - `@llmmon/testkit/chromium`: headless Chromium (kept apart: it loads playwright-core).
 *
 * Core's own tests keep their ground truths in `packages/core/test/support` (core is below this
 * kit and never imports it).
 */
export { DATASET_MODELS, runId, type SyntheticRun, syntheticRun } from './datasets.js';
export { type OriginalRecord, originalRecord, originalRecords } from './original.js';
export { metricsFile, NO_GPU_SAMPLE, nightlyRuns, operation, runHeader } from './records.js';
export { RENDER_RESULT_PREFIX, type RenderResult, type RenderRow } from './render-result.js';
export { json } from './response.js';
export { fourCoreRun, rec, series } from './small-records.js';
export { RANDOM_MODEL_COUNT, randomOperation, writeMetricsFile } from './stream-file.js';
export { SYNTHETIC_MODELS, type SyntheticOptions, syntheticMetrics } from './synthetic.js';
export { tempDir } from './temp.js';
