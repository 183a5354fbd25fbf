/**
 * Encodes a GGUF header: magic, version, counts, the metadata key/value section and the tensor
 * infos. Tensor data is written separately (streamed) after the header, aligned.
 */
import {
  GGML_TYPES,
  GGUF_ALIGNMENT,
  GGUF_MAGIC,
  GGUF_VERSION,
  GgufValueType,
  type TensorType,
} from './format.js';

/** One metadata value with its GGUF type. Arrays hold scalars of one type. */
export type GgufValue =
  | { type: 'u32' | 'i32' | 'f32' | 'u64'; value: number }
  | { type: 'bool'; value: boolean }
  | { type: 'string'; value: string }
  | { type: 'array'; itemType: 'string'; value: readonly string[] }
  | { type: 'array'; itemType: 'i32' | 'f32'; value: readonly number[] };

/** A tensor as the header describes it; `dims[0]` is the contiguous dimension (ggml `ne[0]`). */
export interface TensorInfo {
  name: string;
  dims: readonly number[];
  type: TensorType;
  /** Offset from the start of the data section (a multiple of the alignment). */
  offset: number;
}

const SCALAR_CODES = {
  u32: GgufValueType.UINT32,
  i32: GgufValueType.INT32,
  f32: GgufValueType.FLOAT32,
  u64: GgufValueType.UINT64,
  bool: GgufValueType.BOOL,
  string: GgufValueType.STRING,
} as const;

/** A little-endian byte sink that grows as needed. */
class ByteWriter {
  private buf = Buffer.alloc(64 * 1024);
  length = 0;

  private reserve(n: number): void {
    if (this.length + n <= this.buf.length) return;
    const next = Buffer.alloc(Math.max(this.buf.length * 2, this.length + n));
    this.buf.copy(next, 0, 0, this.length);
    this.buf = next;
  }
  u8(v: number): void {
    this.reserve(1);
    this.buf.writeUInt8(v, this.length);
    this.length += 1;
  }
  u32(v: number): void {
    this.reserve(4);
    this.buf.writeUInt32LE(v, this.length);
    this.length += 4;
  }
  i32(v: number): void {
    this.reserve(4);
    this.buf.writeInt32LE(v, this.length);
    this.length += 4;
  }
  f32(v: number): void {
    this.reserve(4);
    this.buf.writeFloatLE(v, this.length);
    this.length += 4;
  }
  u64(v: number): void {
    if (!Number.isSafeInteger(v) || v < 0) throw new RangeError(`not a u64: ${v}`);
    this.reserve(8);
    this.buf.writeBigUInt64LE(BigInt(v), this.length);
    this.length += 8;
  }
  string(s: string): void {
    const bytes = Buffer.from(s, 'utf8');
    this.u64(bytes.length);
    this.reserve(bytes.length);
    bytes.copy(this.buf, this.length);
    this.length += bytes.length;
  }
  zeros(n: number): void {
    this.reserve(n);
    this.buf.fill(0, this.length, this.length + n);
    this.length += n;
  }
  bytes(): Buffer {
    return this.buf.subarray(0, this.length);
  }
}

function writeScalar(w: ByteWriter, type: keyof typeof SCALAR_CODES, value: number | boolean | string): void {
  switch (type) {
    case 'u32':
      w.u32(value as number);
      break;
    case 'i32':
      w.i32(value as number);
      break;
    case 'f32':
      w.f32(value as number);
      break;
    case 'u64':
      w.u64(value as number);
      break;
    case 'bool':
      w.u8(value ? 1 : 0);
      break;
    case 'string':
      w.string(value as string);
      break;
  }
}

/**
 * The header bytes, zero-padded so that the tensor data section starts at a multiple of the
 * alignment. Metadata keys are written in the order given.
 *
 * @example
 * const header = encodeGgufHeader(new Map([['general.architecture', { type: 'string', value: 'llama' }]]), []);
 */
export function encodeGgufHeader(
  metadata: ReadonlyMap<string, GgufValue>,
  tensors: readonly TensorInfo[],
  alignment = GGUF_ALIGNMENT,
): Buffer {
  const w = new ByteWriter();
  w.u32(GGUF_MAGIC);
  w.u32(GGUF_VERSION);
  w.u64(tensors.length);
  w.u64(metadata.size);
  for (const [key, v] of metadata) {
    w.string(key);
    if (v.type === 'array') {
      w.u32(GgufValueType.ARRAY);
      w.u32(SCALAR_CODES[v.itemType]);
      w.u64(v.value.length);
      for (const item of v.value) writeScalar(w, v.itemType, item);
    } else {
      w.u32(SCALAR_CODES[v.type]);
      writeScalar(w, v.type, v.value);
    }
  }
  for (const t of tensors) {
    if (t.offset % alignment !== 0) throw new RangeError(`tensor ${t.name} is not aligned (${t.offset})`);
    w.string(t.name);
    w.u32(t.dims.length);
    for (const d of t.dims) w.u64(d);
    w.u32(GGML_TYPES[t.type].id);
    w.u64(t.offset);
  }
  const padded = Math.ceil(w.length / alignment) * alignment;
  w.zeros(padded - w.length);
  return w.bytes();
}
