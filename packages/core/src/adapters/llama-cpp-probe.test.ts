import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { normalizeModelSpec, planLlamaModel, writePlannedModel } from '@llmmon/gguf';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { probeGgufFile } from './llama-cpp-probe.js';

const SPEC = normalizeModelSpec({
  type: 'f32',
  embeddingLength: 32,
  blockCount: 1,
  headCount: 2,
  feedForwardLength: 64,
  vocabSize: 300,
});

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'llmmon-probe-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('probeGgufFile', () => {
  it('accepts a good file', async () => {
    const file = path.join(dir, 'good.gguf');
    await writePlannedModel(planLlamaModel(SPEC), file);
    expect(await probeGgufFile(file)).toMatchObject({ ok: true });
  });

  it('reports a file that makes llama.cpp abort the process as one line, and this process lives on', async () => {
    // A llama model without llama.feed_forward_length: llama.cpp aborts (exit 134) on it.
    const plan = planLlamaModel(SPEC);
    plan.metadata.delete('llama.feed_forward_length');
    const file = path.join(dir, 'no-ff.gguf');
    await writePlannedModel(plan, file);
    const result = await probeGgufFile(file);
    expect(result.ok).toBe(false);
    expect(result.error).toContain(file);
    // llama.cpp reads n_ff = 0 and trips an assertion on the FFN tensor shapes.
    expect(result.error).toMatch(
      /aborted while loading it \(killed by SIGABRT\): llama-model-loader\.cpp:\d+: GGML_ASSERT/,
    );
    expect(result.error).not.toContain('\n');
  });

  it('reports a file that is not GGUF at all, without starting a child', async () => {
    const file = path.join(dir, 'text.gguf');
    await writeFile(file, 'not a model\n'.repeat(100));
    const result = await probeGgufFile(file);
    expect(result.ok).toBe(false);
    expect(result.error).toBe(`${file}: not a GGUF file (it starts with "not ", not "GGUF")`);
    expect(result.error).not.toContain('\n');
  });
});

describe('probeGgufFile on a GGUF header with garbage counts', () => {
  it('answers at once instead of letting a parser spin', async () => {
    const file = path.join(dir, 'garbage.gguf');
    await writeFile(file, 'GGUF\x03\x00\x00\x00 but not really a model');
    const result = await probeGgufFile(file);
    expect(result.ok).toBe(false);
    expect(result.error).toMatch(/garbage\.gguf: GGUF header claims \d+ tensors/);
    expect(result.seconds).toBeLessThan(5);
  });
});
