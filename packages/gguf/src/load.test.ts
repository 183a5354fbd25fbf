/**
 * Ground truth for the writer: llama.cpp itself (through node-llama-cpp) loads each type,
 * tokenizes with the generated vocabulary and generates exactly as many tokens as asked.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { getLlama, type Llama, LlamaLogLevel, type Token } from 'node-llama-cpp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TensorType } from './format.js';
import { writeLlamaGguf } from './write.js';

let dir: string;
let llama: Llama;
beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'llmmon-load-'));
  llama = await getLlama({ gpu: false, build: 'never', logLevel: LlamaLogLevel.error });
});
afterAll(async () => {
  await llama?.dispose();
  await rm(dir, { recursive: true, force: true });
});

const PROMPT = 'The model measures memory and speed of every token.\nNaïve café — 東京 ✓';
const MAX_TOKENS = 48;

describe.each<TensorType>(['f32', 'f16', 'q8_0'])('a generated %s model in llama.cpp', (type) => {
  it('loads, round-trips text through its tokenizer and generates exactly maxTokens tokens', async () => {
    const file = path.join(dir, `${type}.gguf`);
    await writeLlamaGguf(file, {
      type,
      embeddingLength: 64,
      blockCount: 2,
      headCount: 4,
      headCountKv: 2,
      feedForwardLength: 128,
      vocabSize: 600,
      seed: 3,
    });
    const model = await llama.loadModel({ modelPath: file });
    try {
      expect(model.fileInfo.metadata.general.architecture).toBe('llama');
      const tokens = model.tokenize(PROMPT);
      // Words merge into pieces, so fewer tokens than characters; non-ASCII falls back to bytes.
      expect(tokens.length).toBeLessThan(PROMPT.length);
      expect(model.detokenize(tokens)).toBe(PROMPT);

      const generate = async () => {
        const context = await model.createContext({ contextSize: 256, threads: 1 });
        try {
          const out: Token[] = [];
          for await (const token of context.getSequence().evaluate(tokens, { temperature: 0 })) {
            if (model.isEogToken(token)) break;
            out.push(token);
            if (out.length === MAX_TOKENS) break;
          }
          return out;
        } finally {
          await context.dispose();
        }
      };
      const first = await generate();
      expect(first).toHaveLength(MAX_TOKENS);
      // Special and byte tokens have zeroed output rows: never chosen.
      expect(first.every((t) => t >= 259)).toBe(true);
      // Greedy decoding of fixed weights is deterministic.
      expect(await generate()).toEqual(first);
    } finally {
      await model.dispose();
    }
  });
});
