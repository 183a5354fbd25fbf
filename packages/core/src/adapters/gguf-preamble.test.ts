import { mkdtemp, rm, truncate, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { writeLlamaGguf } from '@llmmon/gguf';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readGgufPreamble } from './gguf-preamble.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'llmmon-preamble-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const SPEC = {
  type: 'f32',
  embeddingLength: 32,
  blockCount: 1,
  headCount: 2,
  feedForwardLength: 64,
  vocabSize: 300,
} as const;

describe('readGgufPreamble', () => {
  it('reads the counts of a real file', async () => {
    const file = path.join(dir, 'ok.gguf');
    const { bytes } = await writeLlamaGguf(file, SPEC);
    // 1 + 9 per block + 2 tensors; 23 metadata keys (llama.ts)
    expect(await readGgufPreamble(file)).toEqual({
      version: 3,
      tensorCount: 12,
      metadataCount: 23,
      fileBytes: bytes,
    });
  });

  it('names what is wrong with a file that is not GGUF, of another version, or truncated', async () => {
    const text = path.join(dir, 'text.gguf');
    await writeFile(text, 'hello world');
    await expect(readGgufPreamble(text)).rejects.toThrow(
      'not a GGUF file (it starts with "hell", not "GGUF")',
    );

    const v9 = path.join(dir, 'v9.gguf');
    await writeFile(v9, Buffer.concat([Buffer.from('GGUF'), Buffer.from([9, 0, 0, 0]), Buffer.alloc(16)]));
    await expect(readGgufPreamble(v9)).rejects.toThrow('unsupported GGUF version 9');

    const cut = path.join(dir, 'cut.gguf');
    await writeLlamaGguf(cut, SPEC);
    await truncate(cut, 200);
    await expect(readGgufPreamble(cut)).rejects.toThrow(
      /claims 12 tensors and 23 metadata entries, more than a file of 200 bytes/,
    );
  });
});
