import { readFileSync } from 'node:fs';
import { OPERATION_COLUMNS } from '@llmmon/core/schema';
import { describe, expect, it } from 'vitest';
import { schemaMarkdown, withSchema } from './schema-doc.js';

const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');

/** Markdown with table cells unpadded (Biome pads the README's tables; the content is what counts). */
const unpadded = (md: string) =>
  md
    .split('\n')
    .map((line) => (line.startsWith('|') ? line.replace(/\s*\|\s*/g, '|').replace(/-{3,}/g, '---') : line))
    .join('\n');

describe('README schema section', () => {
  it('matches the field specs (pnpm --filter @llmmon/server run docs:schema rewrites it)', () => {
    expect(unpadded(withSchema(readme))).toBe(unpadded(readme));
  });

  it('lists every operation column', () => {
    const doc = schemaMarkdown();
    for (const c of OPERATION_COLUMNS) expect(doc).toContain(`| \`${c}\` |`);
  });
});
