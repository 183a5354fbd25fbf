/**
 * The llama architecture as llama.cpp reads it: which metadata keys and tensors a model of a
 * given size has, and how each tensor's weights are drawn. Pure description — `write.ts` turns
 * it into bytes.
 */
import { z } from 'zod';
import { alignUp, GGML_TYPES, type TensorType, tensorBytes } from './format.js';
import type { GgufValue, TensorInfo } from './header.js';
import { BOS_ID, buildVocabulary, EOS_ID, FIRST_NORMAL_ID, MIN_VOCAB_SIZE, UNK_ID } from './vocab.js';

/** Bump when the bytes written for a given spec change: it is part of the cache key. */
export const GGUF_WRITER_VERSION = 1;

const Dim = z.number().int().positive();

/**
 * Parameters of a generated llama-architecture model, each checked on its own (for embedding in
 * other schemas). Sizes follow the GGUF keys (`llama.embedding_length`, …).
 */
export const LLAMA_MODEL_SPEC_FIELDS = {
  /** `general.name`; default `llama-d<embedding>-l<blocks>-<type>`. */
  name: z.string().min(1).max(200).optional(),
  /** Type of the weight matrices (norm vectors are always f32). */
  type: z.enum(['f32', 'f16', 'q8_0']),
  /** Width of the hidden state (n_embd). */
  embeddingLength: Dim.max(16_384),
  /** Transformer blocks (layers). */
  blockCount: Dim.max(512),
  /** Attention heads; embeddingLength / headCount is the head size (even, for RoPE). */
  headCount: Dim,
  /** Key/value heads (grouped-query attention); must divide headCount. Default: headCount. */
  headCountKv: Dim.optional(),
  /** Hidden width of the SwiGLU feed-forward block (n_ff). */
  feedForwardLength: Dim.max(131_072),
  /** Tokens in the vocabulary, including the 3 special and 256 byte tokens. */
  vocabSize: z.number().int().min(MIN_VOCAB_SIZE).max(262_144),
  /** `llama.context_length`: the longest context the model claims. Default 2048. */
  contextLength: z.number().int().min(16).max(1_048_576).optional(),
  /** Seed of the weights; same seed and sizes → byte-identical file. Default 1. */
  seed: z
    .number()
    .int()
    .min(0)
    .max(2 ** 32 - 1)
    .optional(),
};

/** A whole model spec, with the checks that relate fields (heads divide the width, q8_0 rows). */
export const LlamaModelSpecSchema = z.strictObject(LLAMA_MODEL_SPEC_FIELDS).superRefine((s, ctx) => {
  const issue = (path: string, message: string) => ctx.addIssue({ code: 'custom', path: [path], message });
  if (s.embeddingLength % s.headCount !== 0) {
    issue('headCount', `must divide embeddingLength (${s.embeddingLength})`);
  } else if ((s.embeddingLength / s.headCount) % 2 !== 0) {
    issue('headCount', `head size embeddingLength/headCount must be even for RoPE`);
  }
  const kv = s.headCountKv ?? s.headCount;
  if (s.headCount % kv !== 0) issue('headCountKv', `must divide headCount (${s.headCount})`);
  if (s.type === 'q8_0') {
    const hd = s.embeddingLength / s.headCount;
    for (const [key, value] of [
      ['embeddingLength', s.embeddingLength],
      ['feedForwardLength', s.feedForwardLength],
    ] as const) {
      if (value % 32 !== 0) issue(key, `must be a multiple of 32 for q8_0 (rows are 32-value blocks)`);
    }
    if (Number.isInteger(hd) && (hd * kv) % 32 !== 0) {
      issue('headCountKv', `headCountKv × head size must be a multiple of 32 for q8_0`);
    }
  }
});

export type LlamaModelSpecInput = z.input<typeof LlamaModelSpecSchema>;
/** A spec with every default filled in. */
export type LlamaModelSpec = Required<LlamaModelSpecInput>;

/** The first problem of a spec as one line: `field: message`, and how many more there are. */
function firstIssue(error: z.ZodError): string {
  const [first, ...rest] = error.issues;
  const field = first?.path.map(String).join('.') || 'input';
  return `${field}: ${first?.message ?? 'invalid'}${rest.length ? ` (and ${rest.length} more problems)` : ''}`;
}

/** Thrown for a spec that cannot describe a model; the message names the field. */
export class ModelSpecError extends Error {
  override name = 'ModelSpecError';
}

/**
 * Validates a spec and fills in the defaults.
 * @throws ModelSpecError naming the bad field
 * @example
 * normalizeModelSpec({ type: 'f32', embeddingLength: 64, blockCount: 2, headCount: 4,
 *   feedForwardLength: 192, vocabSize: 512 }).name; // 'llama-d64-l2-f32'
 */
export function normalizeModelSpec(input: LlamaModelSpecInput): LlamaModelSpec {
  const parsed = LlamaModelSpecSchema.safeParse(input);
  if (!parsed.success) throw new ModelSpecError(`model spec ${firstIssue(parsed.error)}`);
  const s = parsed.data;
  return {
    name: s.name ?? `llama-d${s.embeddingLength}-l${s.blockCount}-${s.type}`,
    type: s.type,
    embeddingLength: s.embeddingLength,
    blockCount: s.blockCount,
    headCount: s.headCount,
    headCountKv: s.headCountKv ?? s.headCount,
    feedForwardLength: s.feedForwardLength,
    vocabSize: s.vocabSize,
    contextLength: s.contextLength ?? 2048,
    seed: s.seed ?? 1,
  };
}

/** How a tensor's values are drawn. */
export type TensorInit =
  /** All ones (RMS-norm weights: the identity scale). */
  | { kind: 'ones' }
  /** Uniform in [−scale, scale); the first `zeroRows` rows (of dims[0] values each) are 0. */
  | { kind: 'uniform'; scale: number; zeroRows: number };

export interface PlannedTensor extends TensorInfo {
  init: TensorInit;
  elements: number;
  bytes: number;
}

export interface ModelPlan {
  spec: LlamaModelSpec;
  metadata: Map<string, GgufValue>;
  tensors: PlannedTensor[];
  /** Weights in the file. */
  parameters: number;
  /** Size of the tensor data section in bytes (without the header). */
  dataBytes: number;
}

/**
 * Uniform [−s, s) has variance s²/3: s = √(3/fan_in) keeps each matrix product at unit variance,
 * so activations neither vanish nor overflow f16 however many blocks there are.
 */
const unitVariance = (fanIn: number): TensorInit => ({
  kind: 'uniform',
  scale: Math.sqrt(3 / fanIn),
  zeroRows: 0,
});

/**
 * The metadata and tensor layout of the model `spec` describes.
 *
 * @example
 * const plan = planLlamaModel(normalizeModelSpec(MODEL_PRESETS.tiny));
 * plan.tensors.map((t) => t.name); // ['token_embd.weight', 'blk.0.attn_norm.weight', …, 'output.weight']
 */
export function planLlamaModel(spec: LlamaModelSpec): ModelPlan {
  const d = spec.embeddingLength;
  const headSize = d / spec.headCount;
  const kvWidth = headSize * spec.headCountKv;
  const ff = spec.feedForwardLength;
  const vocab = buildVocabulary(spec.vocabSize);
  const matrix = spec.type;

  const layout: { name: string; dims: number[]; type: TensorType; init: TensorInit }[] = [];
  const add = (name: string, dims: number[], type: TensorType, init: TensorInit) =>
    layout.push({ name, dims, type, init });

  // ggml dims: ne[0] (contiguous, the input side of a mat-mul) first.
  add('token_embd.weight', [d, spec.vocabSize], matrix, { kind: 'uniform', scale: 1, zeroRows: 0 });
  for (let b = 0; b < spec.blockCount; b++) {
    const p = `blk.${b}.`;
    add(`${p}attn_norm.weight`, [d], 'f32', { kind: 'ones' });
    add(`${p}attn_q.weight`, [d, d], matrix, unitVariance(d));
    add(`${p}attn_k.weight`, [d, kvWidth], matrix, unitVariance(d));
    add(`${p}attn_v.weight`, [d, kvWidth], matrix, unitVariance(d));
    add(`${p}attn_output.weight`, [d, d], matrix, unitVariance(d));
    add(`${p}ffn_norm.weight`, [d], 'f32', { kind: 'ones' });
    add(`${p}ffn_gate.weight`, [d, ff], matrix, unitVariance(d));
    add(`${p}ffn_up.weight`, [d, ff], matrix, unitVariance(d));
    add(`${p}ffn_down.weight`, [ff, d], matrix, unitVariance(ff));
  }
  add('output_norm.weight', [d], 'f32', { kind: 'ones' });
  // Zero logits for <unk>, <s>, </s> and the byte tokens: greedy decoding then never ends early
  // on EOS, and never emits half a UTF-8 character.
  add('output.weight', [d, spec.vocabSize], matrix, {
    kind: 'uniform',
    scale: Math.sqrt(3 / d),
    zeroRows: FIRST_NORMAL_ID,
  });

  let offset = 0;
  let parameters = 0;
  const tensors: PlannedTensor[] = layout.map((t) => {
    const elements = t.dims.reduce((a, b) => a * b, 1);
    const bytes = tensorBytes(t.type, elements);
    offset = alignUp(offset);
    const planned = { ...t, elements, bytes, offset };
    offset += bytes;
    parameters += elements;
    return planned;
  });

  const metadata = new Map<string, GgufValue>([
    ['general.architecture', { type: 'string', value: 'llama' }],
    ['general.name', { type: 'string', value: spec.name }],
    ['general.file_type', { type: 'u32', value: GGML_TYPES[matrix].fileType }],
    ['general.description', { type: 'string', value: describeModel(spec) }],
    ['llama.context_length', { type: 'u32', value: spec.contextLength }],
    ['llama.embedding_length', { type: 'u32', value: d }],
    ['llama.block_count', { type: 'u32', value: spec.blockCount }],
    ['llama.feed_forward_length', { type: 'u32', value: ff }],
    ['llama.attention.head_count', { type: 'u32', value: spec.headCount }],
    ['llama.attention.head_count_kv', { type: 'u32', value: spec.headCountKv }],
    ['llama.rope.dimension_count', { type: 'u32', value: headSize }],
    ['llama.rope.freq_base', { type: 'f32', value: 10_000 }],
    ['llama.attention.layer_norm_rms_epsilon', { type: 'f32', value: 1e-5 }],
    ['llama.vocab_size', { type: 'u32', value: spec.vocabSize }],
    ['tokenizer.ggml.model', { type: 'string', value: 'llama' }],
    ['tokenizer.ggml.tokens', { type: 'array', itemType: 'string', value: vocab.tokens }],
    ['tokenizer.ggml.scores', { type: 'array', itemType: 'f32', value: vocab.scores }],
    ['tokenizer.ggml.token_type', { type: 'array', itemType: 'i32', value: vocab.types }],
    ['tokenizer.ggml.unknown_token_id', { type: 'u32', value: UNK_ID }],
    ['tokenizer.ggml.bos_token_id', { type: 'u32', value: BOS_ID }],
    ['tokenizer.ggml.eos_token_id', { type: 'u32', value: EOS_ID }],
    ['tokenizer.ggml.add_bos_token', { type: 'bool', value: true }],
    ['tokenizer.ggml.add_eos_token', { type: 'bool', value: false }],
  ]);

  return { spec, metadata, tensors, parameters, dataBytes: offset };
}

/** One line describing a spec, e.g. `llama d64 × 2 blocks, 4/4 heads, ff 192, vocab 512, f32, seed 1`. */
export function describeModel(spec: LlamaModelSpec): string {
  return (
    `llama d${spec.embeddingLength} × ${spec.blockCount} blocks, ${spec.headCount}/${spec.headCountKv} heads, ` +
    `ff ${spec.feedForwardLength}, vocab ${spec.vocabSize}, ${spec.type}, seed ${spec.seed} ` +
    `(generated by llmmon: random weights, gibberish text, real compute)`
  );
}
