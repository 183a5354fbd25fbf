/**
 * Named model sizes for `llmmon bench` and tests. Chosen on a 2-core VM with `threads: 1` so
 * that the three default models of `llmmon bench` differ clearly in speed and memory while the
 * whole default run still takes well under a minute.
 */
import type { LlamaModelSpecInput } from './llama.js';

export const MODEL_PRESETS = {
  /** ~0.2 M weights, f32, under 1 MB: ~1000 tokens/s. For tests and the fastest bench entry. */
  tiny: {
    name: 'tiny-f32',
    type: 'f32',
    embeddingLength: 64,
    blockCount: 2,
    headCount: 4,
    feedForwardLength: 192,
    vocabSize: 512,
  },
  /** ~4 M weights, q8_0, ~4 MB. */
  small: {
    name: 'small-q8_0',
    type: 'q8_0',
    embeddingLength: 256,
    blockCount: 4,
    headCount: 8,
    headCountKv: 4,
    feedForwardLength: 768,
    vocabSize: 1024,
  },
  /** ~50 M weights, f16, ~100 MB. */
  medium: {
    name: 'medium-f16',
    type: 'f16',
    embeddingLength: 768,
    blockCount: 8,
    headCount: 12,
    headCountKv: 4,
    feedForwardLength: 2048,
    vocabSize: 2048,
  },
} as const satisfies Record<string, LlamaModelSpecInput>;

export type ModelPresetName = keyof typeof MODEL_PRESETS;
export const MODEL_PRESET_NAMES = Object.keys(MODEL_PRESETS) as ModelPresetName[];
