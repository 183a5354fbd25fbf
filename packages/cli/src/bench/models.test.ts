import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BenchConfigError, loadBenchConfig, type ModelEntry } from './config.js';
import { prepareModels } from './models.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'llmmon-models-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const prepare = async (models: ModelEntry[]) =>
  prepareModels(await loadBenchConfig({ file: null, overrides: { models } }), { cacheDir: dir });

describe('prepareModels', () => {
  it('writes generated models and names them after their spec', async () => {
    const [m] = await prepare([{ kind: 'generated', preset: 'tiny' }]);
    expect(m).toMatchObject({ name: 'tiny-f32', kind: 'generated' });
    expect(m!.file!.startsWith(dir)).toBe(true);
    expect(m!.description).toMatch(/^generated f32, d64 × 2 blocks, 0\.2 M weights, 0\.7 MB$/);
  });

  it('refuses a missing GGUF file, naming the entry and the path', async () => {
    const file = path.join(dir, 'none.gguf');
    await expect(prepare([{ kind: 'gguf', path: file }])).rejects.toThrow(
      new BenchConfigError(`models[0]: model file not found: ${file}`),
    );
  });

  it('refuses a file that is not a usable GGUF, naming the entry and the reason', async () => {
    const file = path.join(dir, 'junk.gguf');
    await writeFile(file, 'GGUF but not really');
    await expect(prepare([{ kind: 'gguf', path: file }])).rejects.toThrow(
      new BenchConfigError(`models[0]: ${file}: truncated GGUF header (19 bytes)`),
    );
  });

  it('refuses two models with one name', async () => {
    await expect(
      prepare([
        { kind: 'generated', preset: 'tiny' },
        { kind: 'generated', preset: 'tiny', seed: 2 },
      ]),
    ).rejects.toThrow(
      'models[1]: model name "tiny-f32" is already used by models[0]; give one of them a "name"',
    );
  });

  it('needs the API key variable an OpenAI entry names', async () => {
    await expect(
      prepare([
        {
          kind: 'openai',
          baseURL: 'http://127.0.0.1:1/v1',
          model: 'm',
          apiKeyEnv: 'LLMMON_TEST_NO_SUCH_KEY',
        },
      ]),
    ).rejects.toThrow('models[0].apiKeyEnv: environment variable LLMMON_TEST_NO_SUCH_KEY is not set');
  });
});
