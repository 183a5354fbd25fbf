import { mkdtemp, readdir, rm, truncate } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureLlamaGguf } from './cache.js';
import type { LlamaModelSpecInput } from './llama.js';

const SPEC: LlamaModelSpecInput = {
  type: 'f16',
  embeddingLength: 32,
  blockCount: 1,
  headCount: 2,
  feedForwardLength: 64,
  vocabSize: 300,
};

let cacheDir: string;
beforeAll(async () => {
  cacheDir = await mkdtemp(path.join(tmpdir(), 'llmmon-cache-'));
});
afterAll(async () => {
  await rm(cacheDir, { recursive: true, force: true });
});

describe('ensureLlamaGguf', () => {
  it('writes a model once and then reuses it', async () => {
    const first = await ensureLlamaGguf(SPEC, { cacheDir });
    expect(first.cached).toBe(false);
    expect(path.basename(first.path)).toMatch(/^llama-d32-l1-f16-[0-9a-f]{12}\.gguf$/);
    const second = await ensureLlamaGguf(SPEC, { cacheDir });
    expect(second).toMatchObject({ path: first.path, cached: true, bytes: first.bytes });
  });

  it('keys the cache by every parameter: another seed is another file', async () => {
    const a = await ensureLlamaGguf(SPEC, { cacheDir });
    const b = await ensureLlamaGguf({ ...SPEC, seed: 2 }, { cacheDir });
    expect(b.path).not.toBe(a.path);
    // Explicit defaults normalize to the same key.
    const c = await ensureLlamaGguf({ ...SPEC, seed: 1, headCountKv: 2, contextLength: 2048 }, { cacheDir });
    expect(c.path).toBe(a.path);
  });

  it('rewrites a truncated file instead of handing it out', async () => {
    const a = await ensureLlamaGguf(SPEC, { cacheDir });
    await truncate(a.path, 1000);
    const again = await ensureLlamaGguf(SPEC, { cacheDir });
    expect(again.cached).toBe(false);
    expect(again.bytes).toBe(a.bytes);
    expect((await readdir(cacheDir)).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });
});
