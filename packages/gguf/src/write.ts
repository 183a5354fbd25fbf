/**
 * Streams a generated llama model to disk: the header, then each tensor's values drawn chunk by
 * chunk from its own seeded generator and converted to the tensor's type. Memory stays at one
 * chunk (~1 MiB) whatever the model size.
 */
import { open, rename, rm } from 'node:fs/promises';
import { encodeF16 } from './f16.js';
import { alignUp, tensorBytes } from './format.js';
import { encodeGgufHeader } from './header.js';
import {
  type LlamaModelSpecInput,
  type ModelPlan,
  normalizeModelSpec,
  type PlannedTensor,
  planLlamaModel,
} from './llama.js';
import { encodeQ8_0 } from './q8_0.js';
import { fnv1a32, Xoshiro128 } from './xoshiro128.js';

/** Values generated and written per step. */
const CHUNK_VALUES = 256 * 1024;

export interface GgufWriteResult {
  /** The file written. */
  path: string;
  /** File size in bytes. */
  bytes: number;
  /** Weights in the model. */
  parameters: number;
  /** Wall time the write took. */
  seconds: number;
}

/** Each tensor gets an independent stream from (seed, name), so the layout can change without reshuffling. */
function tensorRng(seed: number, name: string): Xoshiro128 {
  return new Xoshiro128((fnv1a32(name) ^ Math.imul(seed, 0x9e3779b1)) >>> 0);
}

/** Yields a tensor's bytes chunk by chunk. Chunks hold whole rows, so Q8_0 blocks never straddle. */
function* tensorChunks(t: PlannedTensor, seed: number): Generator<Uint8Array> {
  const rowLength = t.dims[0]!;
  const rowsPerChunk = Math.max(1, Math.floor(CHUNK_VALUES / rowLength));
  const values = new Float32Array(rowsPerChunk * rowLength);
  const out = new Uint8Array(tensorBytes(t.type, values.length));
  const rng = tensorRng(seed, t.name);
  const rows = t.elements / rowLength;
  for (let row = 0; row < rows; row += rowsPerChunk) {
    const n = Math.min(rowsPerChunk, rows - row) * rowLength;
    const chunk = values.subarray(0, n);
    if (t.init.kind === 'ones') chunk.fill(1);
    else {
      rng.fillUniform(chunk, t.init.scale);
      const zeroUntil = Math.max(0, (t.init.zeroRows - row) * rowLength);
      chunk.fill(0, 0, Math.min(n, zeroUntil));
    }
    let bytes: number;
    if (t.type === 'f32') {
      // Float32Array is host-endian; GGUF is little-endian, as are the hosts llama.cpp supports.
      out.set(new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength));
      bytes = chunk.byteLength;
    } else if (t.type === 'f16') bytes = encodeF16(chunk, out, 0);
    else bytes = encodeQ8_0(chunk, out, 0);
    yield out.subarray(0, bytes);
  }
}

/**
 * Writes the model of an already-made plan to `file` (via a temporary file renamed into place,
 * so nobody ever sees half a model).
 */
export async function writePlannedModel(plan: ModelPlan, file: string): Promise<GgufWriteResult> {
  const started = performance.now();
  const header = encodeGgufHeader(plan.metadata, plan.tensors);
  const tmp = `${file}.${process.pid}.${Date.now()}.tmp`;
  const fh = await open(tmp, 'w');
  try {
    let position = 0;
    const write = async (bytes: Uint8Array) => {
      await fh.write(bytes, 0, bytes.length, position);
      position += bytes.length;
    };
    await write(header);
    const dataStart = position;
    for (const t of plan.tensors) {
      const pad = dataStart + t.offset - position;
      if (pad > 0) await write(new Uint8Array(pad));
      for (const chunk of tensorChunks(t, plan.spec.seed)) await write(chunk);
    }
    const end = alignUp(position - dataStart) + dataStart;
    if (end > position) await write(new Uint8Array(end - position));
    await fh.close();
    await rename(tmp, file);
    return {
      path: file,
      bytes: position,
      parameters: plan.parameters,
      seconds: (performance.now() - started) / 1000,
    };
  } catch (error) {
    await fh.close().catch(() => {});
    await rm(tmp, { force: true });
    throw error;
  }
}

/**
 * Writes a llama-architecture GGUF model with seeded random weights to `file`.
 * @throws ModelSpecError when the spec cannot describe a model (the message names the field)
 * @example
 * const { bytes } = await writeLlamaGguf('/tmp/tiny.gguf', MODEL_PRESETS.tiny);
 */
export async function writeLlamaGguf(file: string, spec: LlamaModelSpecInput): Promise<GgufWriteResult> {
  return writePlannedModel(planLlamaModel(normalizeModelSpec(spec)), file);
}

/** Size in bytes of the file `plan` describes (header included). */
export function plannedFileBytes(plan: ModelPlan): number {
  return encodeGgufHeader(plan.metadata, plan.tensors).length + alignUp(plan.dataBytes);
}
