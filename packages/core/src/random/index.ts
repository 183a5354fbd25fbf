/**
 * `@llmmon/core/random`: the seeded pseudo-random generator of synthetic records and benchmark
 * schedules (mulberry32; its output is pinned). Browser-safe (integer arithmetic only, no Node
 * imports), so synthetic data for the dashboard uses it too. The GGUF writer's weights have their
 * own generator (xoshiro128** in `@llmmon/gguf`).
 *
 * @example
 * import { mulberry32 } from '@llmmon/core/random';
 * const random = mulberry32(1);
 * const jitterMs = 5 + random() * 10;
 */
export { mulberry32 } from './mulberry32.js';
