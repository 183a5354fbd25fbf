/**
 * The llama.cpp adapter against real llama.cpp and a real monitor. Ground truth for tokens: the
 * model's own tokenizer (prompt) and node-llama-cpp's token meter of the sequence (sampled tokens).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ensureLlamaGguf } from '@llmmon/gguf';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LLMMonitor } from '../monitor.js';
import type { OperationRecord } from '../schema/operation.js';
import { type LlamaCppModel, llamaCpp, quantizationName } from './llama-cpp.js';

const PROMPT = 'Measure the memory and the speed of every model, token by token.';

let dir: string;
let modelPath: string;
let monitor: LLMMonitor;
let model: LlamaCppModel;

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'llmmon-llama-'));
  ({ path: modelPath } = await ensureLlamaGguf(
    {
      name: 'adapter-test',
      type: 'q8_0',
      embeddingLength: 64,
      blockCount: 2,
      headCount: 4,
      feedForwardLength: 128,
      vocabSize: 512,
    },
    { cacheDir: dir },
  ));
  monitor = new LLMMonitor({ outputDir: dir, journal: false, logAlerts: false });
  model = llamaCpp({ modelPath, name: 'tiny', monitor, threads: 1, sequences: 2, contextSize: 256 });
  await model.load();
});
afterAll(async () => {
  await model?.dispose();
  await monitor?.close();
  await rm(dir, { recursive: true, force: true });
});

const opsOf = (operation: string) => monitor.operations.filter((r) => r.operation === operation);

async function collect(iterable: AsyncIterable<string>): Promise<string[]> {
  const out: string[] = [];
  for await (const chunk of iterable) out.push(chunk);
  return out;
}

describe('llamaCpp adapter', () => {
  it('records loading as its own "load" operation with the runtime settings', () => {
    const [load] = opsOf('load');
    expect(load).toMatchObject({ model_name: 'tiny', status: 'ok' });
    expect(load!.duration_seconds).toBeGreaterThan(0);
    expect(load!.metadata).toMatchObject({
      runtime: 'llama-cpp',
      quantization: 'q8_0', // the type this test's file was written with
      threads: 1,
      sequences: 2,
      context_size: 256,
    });
  });

  it('streams exactly maxTokens tokens and records the engine counts, TTFT and ITL', async () => {
    let finish: unknown;
    const chunks = await collect(
      model.generate(PROMPT, {
        maxTokens: 20,
        onFinish: (f) => {
          finish = f;
        },
      }),
    );
    const rec = opsOf('generate').at(-1) as OperationRecord;
    const tokenizer = model.llamaModel;
    const promptTokens = tokenizer.tokenize(PROMPT).length + 1; // + BOS
    expect(chunks).toHaveLength(20);
    expect(rec.input_tokens).toBe(promptTokens);
    expect(rec.output_tokens).toBe(20);
    expect(rec.metadata).toMatchObject({
      engine_sampled_tokens: 20,
      finish_reason: 'length',
      quantization: 'q8_0',
    });
    expect(finish).toEqual({ usage: { input: promptTokens, output: 20 }, finishReason: 'length' });
    expect(rec.text_length).toBe(PROMPT.length);
    expect(rec.time_to_first_token_seconds).toBeGreaterThan(0);
    expect(rec.time_to_first_token_seconds!).toBeLessThan(rec.duration_seconds);
    expect(rec.inter_token_latency_seconds).toBeGreaterThan(0);
    expect(rec.tokens_per_sec).toBeGreaterThan(0);
    // The chunks are the tokens detokenized: text, not empty.
    expect(chunks.join('').length).toBeGreaterThan(0);
  });

  it('labels warm-up runs and gives the same greedy output every run', async () => {
    const a = await collect(model.generate(PROMPT, { maxTokens: 8, operation: 'warmup' }));
    const b = await collect(model.generate(PROMPT, { maxTokens: 8 }));
    expect(a).toEqual(b);
    expect(opsOf('warmup')).toHaveLength(1);
  });

  it('runs as many generations at once as it has sequences, each with its own counts', async () => {
    const before = opsOf('generate').length;
    const runs = await Promise.all([5, 7, 9].map((n) => collect(model.generate(PROMPT, { maxTokens: n }))));
    expect(runs.map((r) => r.length)).toEqual([5, 7, 9]);
    const recs = opsOf('generate').slice(before);
    expect(recs.map((r) => r.output_tokens).sort()).toEqual([5, 7, 9]);
  });

  it('records an error operation for a prompt that cannot fit, with a clear message', async () => {
    await expect(collect(model.generate('word '.repeat(400), { maxTokens: 8 }))).rejects.toThrow(
      /exceed the context size \(256\)/,
    );
    expect(opsOf('generate').at(-1)).toMatchObject({ status: 'error' });
  });

  it('fails to load a missing file with its path, before llama.cpp sees it', async () => {
    const missing = llamaCpp({ modelPath: path.join(dir, 'nope.gguf'), monitor: null });
    await expect(missing.load()).rejects.toThrow(/model file not found: .*nope\.gguf/);
  });

  it('records nothing with monitor: null (a server that serves the model)', async () => {
    const count = monitor.operations.length;
    const plain = llamaCpp({ modelPath, monitor: null, threads: 1, contextSize: 128 });
    await plain.load();
    expect(await collect(plain.generate(PROMPT, { maxTokens: 4 }))).toHaveLength(4);
    await plain.dispose();
    expect(monitor.operations.length).toBe(count);
  });
});

describe('quantizationName', () => {
  it("shortens llama.cpp's file type names and says null when the file does not say", () => {
    const names = { 0: 'ALL_F32', 1: 'MOSTLY_F16', 7: 'MOSTLY_Q8_0', 15: 'MOSTLY_Q4_K_M' };
    expect(quantizationName(0, names)).toBe('f32');
    expect(quantizationName(15, names)).toBe('q4_k_m');
    expect(quantizationName(undefined, names)).toBeNull();
    expect(quantizationName(99, names)).toBeNull();
  });
});
