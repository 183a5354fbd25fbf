import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BUILTIN_PROMPTS, readPromptsFile } from './prompts.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'llmmon-prompts-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const write = async (name: string, text: string) => {
  const file = path.join(dir, name);
  await writeFile(file, text);
  return file;
};

describe('prompts', () => {
  it('built-in prompts span short to long', () => {
    const lengths = BUILTIN_PROMPTS.map((p) => p.length);
    expect(Math.min(...lengths)).toBeLessThan(60);
    expect(Math.max(...lengths)).toBeGreaterThan(900);
    expect(new Set(lengths).size).toBe(BUILTIN_PROMPTS.length);
  });

  it('reads text (one per line), JSON arrays and JSONL', async () => {
    expect(await readPromptsFile(await write('a.txt', 'first\n\n  \nsecond line\n'))).toEqual([
      'first',
      'second line',
    ]);
    expect(await readPromptsFile(await write('a.json', '["x", "y\\nz"]'))).toEqual(['x', 'y\nz']);
    expect(await readPromptsFile(await write('a.jsonl', '"x"\n{"prompt": "y"}\n\n'))).toEqual(['x', 'y']);
  });

  it('names the file and line that is wrong', async () => {
    await expect(readPromptsFile(await write('b.jsonl', '"x"\n{"text": 1}\n'))).rejects.toThrow(
      /b\.jsonl:2: expected/,
    );
    await expect(readPromptsFile(await write('b.json', '{"a": 1}'))).rejects.toThrow(
      /b\.json: expected a JSON array/,
    );
    await expect(readPromptsFile(await write('empty.txt', '\n\n'))).rejects.toThrow(/empty\.txt: no prompts/);
  });
});
