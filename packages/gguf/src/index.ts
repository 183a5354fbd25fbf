/**
 * `@llmmon/gguf`: writes llama-architecture GGUF models with seeded random weights — real
 * llama.cpp compute, memory and tokens without downloading a model. Text they generate is
 * gibberish by design.
 *
 * @example
 * import { ensureLlamaGguf, MODEL_PRESETS } from '@llmmon/gguf';
 * const { path } = await ensureLlamaGguf(MODEL_PRESETS.small);
 */
export {
  type CachedModel,
  defaultModelCacheDir,
  type EnsureModelOptions,
  ensureLlamaGguf,
  modelSpecHash,
} from './cache.js';
export { f16BitsToF32, f32ToF16Bits } from './f16.js';
export { GGML_TYPES, GGUF_ALIGNMENT, GGUF_VERSION, type TensorType } from './format.js';
export { encodeGgufHeader, type GgufValue, type TensorInfo } from './header.js';
export {
  describeModel,
  GGUF_WRITER_VERSION,
  LLAMA_MODEL_SPEC_FIELDS,
  type LlamaModelSpec,
  type LlamaModelSpecInput,
  LlamaModelSpecSchema,
  type ModelPlan,
  ModelSpecError,
  normalizeModelSpec,
  type PlannedTensor,
  planLlamaModel,
} from './llama.js';
export { MODEL_PRESET_NAMES, MODEL_PRESETS, type ModelPresetName } from './presets.js';
export { encodeQ8_0 } from './q8_0.js';
export { buildVocabulary, FIRST_NORMAL_ID, type Vocabulary } from './vocab.js';
export { type GgufWriteResult, plannedFileBytes, writeLlamaGguf, writePlannedModel } from './write.js';
export { fnv1a32, Xoshiro128 } from './xoshiro128.js';
