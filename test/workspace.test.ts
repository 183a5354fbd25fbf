import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

describe('workspace', () => {
  it('every package exports its own name', () => {
    const dirs = readdirSync(new URL('../packages/', import.meta.url));
    expect(dirs.sort()).toEqual(['cli', 'core', 'dashboard', 'gguf', 'sampler-native', 'server', 'testkit']);
    for (const dir of dirs) {
      const pkg = JSON.parse(
        readFileSync(new URL(`../packages/${dir}/package.json`, import.meta.url), 'utf8'),
      );
      expect(pkg.name).toBe(`@llmmon/${dir}`);
      expect(pkg.exports['.'].types).toMatch(/\.d\.ts$/);
    }
  });
});
