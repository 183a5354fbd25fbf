import { createHash } from 'node:crypto';
import { mkdtemp, open, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { readGgufFileInfo } from 'node-llama-cpp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { f16BitsToF32 } from './f16.js';
import { type LlamaModelSpecInput, normalizeModelSpec, planLlamaModel } from './llama.js';
import { FIRST_NORMAL_ID } from './vocab.js';
import { plannedFileBytes, writeLlamaGguf } from './write.js';

// Small enough to write in milliseconds, wide enough for q8_0 (multiples of 32).
const SPEC: LlamaModelSpecInput = {
  name: 'write-test',
  type: 'f32',
  embeddingLength: 64,
  blockCount: 2,
  headCount: 4,
  headCountKv: 2,
  feedForwardLength: 96,
  vocabSize: 320,
  seed: 5,
};

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'llmmon-gguf-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const sha = async (file: string) =>
  createHash('sha256')
    .update(await readFile(file))
    .digest('hex');

/** The raw bytes of one tensor, located through node-llama-cpp's own GGUF parser. */
async function tensorBytes(file: string, name: string, length: number): Promise<Buffer> {
  const info = await readGgufFileInfo(file, { logWarnings: false });
  const t = info.tensorInfo!.find((x) => x.name === name)!;
  const fh = await open(file, 'r');
  try {
    const buf = Buffer.alloc(length);
    await fh.read(buf, 0, length, Number(t.fileOffset));
    return buf;
  } finally {
    await fh.close();
  }
}

describe('writeLlamaGguf', () => {
  it('writes a file that an independent GGUF parser reads back with the planned metadata and tensors', async () => {
    const file = path.join(dir, 'f32.gguf');
    const result = await writeLlamaGguf(file, SPEC);
    const plan = planLlamaModel(normalizeModelSpec(SPEC));
    expect(result.bytes).toBe((await stat(file)).size);
    expect(result.bytes).toBe(plannedFileBytes(plan));

    const info = await readGgufFileInfo(file, { logWarnings: false });
    expect(info.version).toBe(3);
    const meta = info.metadata as unknown as Record<string, Record<string, unknown>>;
    expect(meta.general!.architecture).toBe('llama');
    expect(meta.general!.name).toBe('write-test');
    const llama = meta.llama as Record<string, unknown> & { attention: Record<string, unknown> };
    expect(llama.embedding_length).toBe(64);
    expect(llama.block_count).toBe(2);
    expect(llama.feed_forward_length).toBe(96);
    expect(llama.attention.head_count).toBe(4);
    expect(llama.attention.head_count_kv).toBe(2);
    const tokenizer = (meta.tokenizer as { ggml: Record<string, unknown[]> }).ggml;
    expect(tokenizer.tokens).toHaveLength(320);
    expect(tokenizer.tokens!.slice(0, 4)).toEqual(['<unk>', '<s>', '</s>', '<0x00>']);
    expect(tokenizer.tokens![258]).toBe('<0xFF>');

    const tensors = info.tensorInfo!;
    expect(tensors.map((t) => t.name)).toEqual(plan.tensors.map((t) => t.name));
    expect(tensors.find((t) => t.name === 'blk.1.attn_k.weight')!.dimensions.map(Number)).toEqual([64, 32]);
    expect(tensors.find((t) => t.name === 'blk.0.ffn_down.weight')!.dimensions.map(Number)).toEqual([96, 64]);
    for (const t of tensors) expect(Number(t.offset) % 32).toBe(0);
    expect(plan.parameters).toBe(
      2 * 64 * 320 + 2 * (2 * 64 + 64 * 64 * 2 + 64 * 32 * 2 + 3 * 64 * 96) + 64, // embd+out, blocks, out norm
    );
  });

  it('zeroes the output rows of special and byte tokens, and only those', async () => {
    const file = path.join(dir, 'rows.gguf');
    await writeLlamaGguf(file, SPEC);
    const raw = await tensorBytes(file, 'output.weight', 64 * 320 * 4);
    const w = new Float32Array(raw.buffer, raw.byteOffset, 64 * 320);
    const rowMaxAbs = (row: number) => Math.max(...w.subarray(row * 64, row * 64 + 64).map(Math.abs));
    for (let row = 0; row < FIRST_NORMAL_ID; row++) expect(rowMaxAbs(row)).toBe(0);
    const scale = Math.sqrt(3 / 64);
    for (let row = FIRST_NORMAL_ID; row < 320; row++) {
      expect(rowMaxAbs(row)).toBeGreaterThan(0);
      expect(rowMaxAbs(row)).toBeLessThanOrEqual(scale);
    }
    const norm = await tensorBytes(file, 'output_norm.weight', 64 * 4);
    expect([...new Float32Array(norm.buffer, norm.byteOffset, 64)].every((x) => x === 1)).toBe(true);
  });

  it('gives a byte-identical file for the same seed and a different one for another seed', async () => {
    const a = path.join(dir, 'a.gguf');
    const b = path.join(dir, 'b.gguf');
    const c = path.join(dir, 'c.gguf');
    await writeLlamaGguf(a, { ...SPEC, type: 'q8_0' });
    await writeLlamaGguf(b, { ...SPEC, type: 'q8_0' });
    await writeLlamaGguf(c, { ...SPEC, type: 'q8_0', seed: 6 });
    expect(await sha(a)).toBe(await sha(b));
    expect(await sha(c)).not.toBe(await sha(a));
  });

  it('stores the same weights in f16 as in f32, rounded to half precision', async () => {
    const f32 = path.join(dir, 'same-f32.gguf');
    const f16 = path.join(dir, 'same-f16.gguf');
    await writeLlamaGguf(f32, SPEC);
    await writeLlamaGguf(f16, { ...SPEC, type: 'f16' });
    const n = 64 * 96;
    const a = await tensorBytes(f32, 'blk.1.ffn_up.weight', n * 4);
    const h = await tensorBytes(f16, 'blk.1.ffn_up.weight', n * 2);
    const full = new Float32Array(a.buffer, a.byteOffset, n);
    for (let i = 0; i < n; i++) {
      const half = f16BitsToF32(h.readUInt16LE(2 * i));
      expect(Math.abs(half - full[i]!)).toBeLessThanOrEqual(Math.abs(full[i]!) * 2 ** -11 + 2 ** -25);
    }
  });

  it('rejects an impossible spec with a message naming the field', async () => {
    await expect(writeLlamaGguf(path.join(dir, 'bad.gguf'), { ...SPEC, headCount: 5 })).rejects.toThrow(
      /headCount: must divide embeddingLength/,
    );
    await expect(
      writeLlamaGguf(path.join(dir, 'bad.gguf'), { ...SPEC, type: 'q8_0', feedForwardLength: 100 }),
    ).rejects.toThrow(/feedForwardLength: must be a multiple of 32/);
    await expect(writeLlamaGguf(path.join(dir, 'bad.gguf'), { ...SPEC, vocabSize: 100 })).rejects.toThrow(
      /vocabSize/,
    );
    await expect(stat(path.join(dir, 'bad.gguf'))).rejects.toThrow();
  });
});
