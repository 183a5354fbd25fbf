/**
 * `@llmmon/core/random`: the project's seeded pseudo-random generators, one home for both.
 * Browser-safe (integer arithmetic only, no Node imports), so the dashboard's synthetic data uses
 * it too. Two algorithms because they serve two contracts whose outputs are pinned: mulberry32
 * for synthetic records and benchmark schedules, xoshiro128** for GGUF model weights (a seed
 * gives a byte-identical model file).
 *
 * @example
 * import { mulberry32 } from '@llmmon/core/random';
 * const random = mulberry32(1);
 * const jitterMs = 5 + random() * 10;
 */
export { mulberry32 } from './mulberry32.js';
export { fnv1a32, Xoshiro128 } from './xoshiro128.js';
