/**
 * GGUF v3 constants: the value-type codes of the metadata section and the ggml tensor types
 * this writer emits. Spec: https://github.com/ggml-org/ggml/blob/master/docs/gguf.md
 */

/** `GGUF` as a little-endian u32 at offset 0. */
export const GGUF_MAGIC = 0x46554747;
export const GGUF_VERSION = 3;
/** Default alignment of the tensor data section and of each tensor inside it (`general.alignment`). */
export const GGUF_ALIGNMENT = 32;

/** Metadata value type codes. */
export const GgufValueType = {
  UINT8: 0,
  INT8: 1,
  UINT16: 2,
  INT16: 3,
  UINT32: 4,
  INT32: 5,
  FLOAT32: 6,
  BOOL: 7,
  STRING: 8,
  ARRAY: 9,
  UINT64: 10,
  INT64: 11,
  FLOAT64: 12,
} as const;
export type GgufScalarType = Exclude<(typeof GgufValueType)[keyof typeof GgufValueType], 9>;

/** The tensor data types the writer supports, by their name in llmmon's API. */
export type TensorType = 'f32' | 'f16' | 'q8_0';

interface GgmlTypeInfo {
  /** ggml's `enum ggml_type` code stored in the tensor info. */
  id: number;
  /** Elements per block (1 for plain floats). */
  blockSize: number;
  /** Bytes per block. */
  blockBytes: number;
  /** `general.file_type` (llama_ftype) for a model whose matrices have this type. */
  fileType: number;
}

export const GGML_TYPES: Readonly<Record<TensorType, GgmlTypeInfo>> = {
  f32: { id: 0, blockSize: 1, blockBytes: 4, fileType: 0 }, // LLAMA_FTYPE_ALL_F32
  f16: { id: 1, blockSize: 1, blockBytes: 2, fileType: 1 }, // LLAMA_FTYPE_MOSTLY_F16
  // Q8_0: blocks of 32 values: an f16 scale then 32 int8 (ggml-common.h `block_q8_0`).
  q8_0: { id: 8, blockSize: 32, blockBytes: 34, fileType: 7 }, // LLAMA_FTYPE_MOSTLY_Q8_0
};

/** Bytes a tensor of `elements` values takes in `type`. */
export function tensorBytes(type: TensorType, elements: number): number {
  const t = GGML_TYPES[type];
  if (elements % t.blockSize !== 0) {
    throw new RangeError(`${type} tensors need a multiple of ${t.blockSize} elements, got ${elements}`);
  }
  return (elements / t.blockSize) * t.blockBytes;
}

/** Rounds `offset` up to the next multiple of `alignment`. */
export function alignUp(offset: number, alignment = GGUF_ALIGNMENT): number {
  return Math.ceil(offset / alignment) * alignment;
}
