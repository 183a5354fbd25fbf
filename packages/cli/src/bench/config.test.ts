import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  BenchConfigError,
  benchConfigHash,
  benchRunName,
  DEFAULT_MODELS,
  generatedSpec,
  loadBenchConfig,
  parseModelSpec,
} from './config.js';
import { BUILTIN_PROMPTS } from './prompts.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'llmmon-config-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function configFile(name: string, content: unknown): Promise<string> {
  const file = path.join(dir, name);
  await writeFile(file, typeof content === 'string' ? content : JSON.stringify(content));
  return file;
}

/** The error message of a config that must fail (one line, naming the field). */
async function failure(content: unknown): Promise<string> {
  const file = await configFile(`bad-${Math.random().toString(36).slice(2)}.json`, content);
  const error = await loadBenchConfig({ file }).then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(BenchConfigError);
  const message = (error as Error).message;
  expect(message).not.toContain('\n');
  expect(message.startsWith(file)).toBe(true);
  return message.slice(file.length + 2);
}

describe('loadBenchConfig', () => {
  it('defaults to three generated models, the built-in prompts, warm-up 2 and 5 repetitions', async () => {
    const c = await loadBenchConfig({ file: null });
    expect(c).toMatchObject({
      name: 'default',
      file: null,
      warmupRuns: 2,
      repetitions: 5,
      concurrency: 1,
      temperature: 0,
    });
    expect(c.models).toEqual(DEFAULT_MODELS);
    expect(c.prompts).toEqual(BUILTIN_PROMPTS);
    const sizes = c.models.map((m) => generatedSpec(m as Extract<typeof m, { kind: 'generated' }>));
    expect(sizes.map((s) => s.type)).toEqual(['f32', 'q8_0', 'f16']);
  });

  it('reads a file, resolves its paths against the file, and lets flags win', async () => {
    await writeFile(path.join(dir, 'p.txt'), 'one\n\ntwo\n');
    const file = await configFile('my.bench.json', {
      name: 'mine',
      models: [
        { kind: 'gguf', path: 'models/x.gguf' },
        { kind: 'generated', preset: 'tiny', seed: 9 },
      ],
      prompts: { file: 'p.txt' },
      maxTokens: 16,
      repetitions: 3,
    });
    const c = await loadBenchConfig({ file, overrides: { repetitions: 2, concurrency: 2 } });
    expect(c.name).toBe('mine');
    expect(c.models[0]).toEqual({ kind: 'gguf', path: path.join(dir, 'models/x.gguf') });
    expect(c.prompts).toEqual(['one', 'two']);
    expect(c.promptSource).toBe(path.join(dir, 'p.txt'));
    expect([c.maxTokens, c.repetitions, c.concurrency]).toEqual([16, 2, 2]);
  });

  it('names the field of a bad config in one line', async () => {
    expect(await failure({ repetitions: 0 })).toBe('repetitions: Too small: expected number to be >=1');
    expect(await failure({ models: [{ kind: 'gguf' }] })).toMatch(/^models\[0\]\.path: /);
    expect(await failure({ models: [{ kind: 'nope' }] })).toMatch(/^models\[0\]\.kind: /);
    expect(await failure({ models: [{ kind: 'openai', baseURL: 'not a url', model: 'm' }] })).toMatch(
      /^models\[0\]\.baseURL: /,
    );
    expect(await failure({ maxToken: 5 })).toMatch(/maxToken/);
    expect(await failure({ models: [{ kind: 'generated', preset: 'tiny', headCount: 5 }] })).toBe(
      'models[0].headCount: must divide embeddingLength (64)',
    );
    expect(await failure({ models: [{ kind: 'generated', embeddingLength: 64 }] })).toMatch(
      /^models\[0\]\.type: /,
    );
    expect(await failure('{ not json')).toMatch(/^not valid JSON/);
  });

  it('reports a missing config or prompt file by name', async () => {
    await expect(loadBenchConfig({ file: path.join(dir, 'missing.json') })).rejects.toThrow(
      /missing\.json: config file not found$/,
    );
    await expect(
      loadBenchConfig({ file: null, overrides: { promptsFile: path.join(dir, 'none.txt') } }),
    ).rejects.toThrow(/none\.txt: prompt file not found$/);
  });

  it('hashes what makes runs comparable, not the name', async () => {
    const a = await loadBenchConfig({ file: null });
    const b = await loadBenchConfig({ file: null, overrides: { name: 'other' } });
    const c = await loadBenchConfig({ file: null, overrides: { maxTokens: 8 } });
    expect(benchConfigHash(a)).toBe(benchConfigHash(b));
    expect(benchConfigHash(a)).not.toBe(benchConfigHash(c));
  });
});

describe('parseModelSpec', () => {
  it('reads presets, GGUF paths, OpenAI endpoints and Ollama models', () => {
    expect(parseModelSpec('small')).toEqual({ kind: 'generated', preset: 'small' });
    expect(parseModelSpec('m/x.gguf')).toEqual({ kind: 'gguf', path: path.resolve('m/x.gguf') });
    expect(parseModelSpec('openai:gpt-4o-mini@https://api.openai.com/v1')).toEqual({
      kind: 'openai',
      model: 'gpt-4o-mini',
      baseURL: 'https://api.openai.com/v1',
    });
    expect(parseModelSpec('ollama:llama3.2:1b')).toEqual({ kind: 'ollama', model: 'llama3.2:1b' });
    expect(parseModelSpec('ollama:qwen@http://gpu-box:11434')).toEqual({
      kind: 'ollama',
      model: 'qwen',
      host: 'http://gpu-box:11434',
    });
  });

  it('says what a bad spec should look like', () => {
    expect(() => parseModelSpec('huge')).toThrow(/^--model "huge": not a preset \(tiny, small, medium\)/);
    expect(() => parseModelSpec('openai:gpt')).toThrow(/expected openai:MODEL@BASE_URL/);
    expect(() => parseModelSpec('openai:gpt@ftp://x')).toThrow(/^--model "openai:gpt@ftp:\/\/x": baseURL: /);
  });
});

describe('benchRunName', () => {
  it('names the defaults as such, and every setting that differs from them', async () => {
    const defaults = await loadBenchConfig({ file: null });
    const hash = benchConfigHash(defaults);
    expect(benchRunName(defaults, hash)).toBe(`bench default: defaults · ${hash.slice(0, 8)}`);
    const two = await loadBenchConfig({ file: null, overrides: { concurrency: 2, maxTokens: 16 } });
    const name = benchRunName(two, benchConfigHash(two), { serveOpenai: true });
    expect(name).toMatch(/^bench default: max tokens 16, concurrency 2, serve-openai · [0-9a-f]{8}$/);
    expect(benchConfigHash(two)).not.toBe(hash); // two runs that differ never share a name
  });
});
