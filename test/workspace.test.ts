import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

describe('workspace', () => {
  it('every package exports its own name', () => {
    for (const dir of ['sampler-native', 'core', 'server', 'dashboard']) {
      const pkg = JSON.parse(
        readFileSync(new URL(`../packages/${dir}/package.json`, import.meta.url), 'utf8'),
      );
      expect(pkg.name).toBe(`@llmmon/${dir}`);
      expect(pkg.exports['.'].types).toMatch(/\.d\.ts$/);
    }
  });
});
