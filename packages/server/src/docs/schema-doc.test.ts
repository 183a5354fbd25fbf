import { readFileSync } from 'node:fs';
import { OPERATION_COLUMNS } from '@llmmon/core/schema';
import { describe, expect, it } from 'vitest';
import { SCHEMA_DOC, schemaMarkdown, withSchema } from './schema-doc.js';

const doc = readFileSync(SCHEMA_DOC, 'utf8');

/** Markdown with table cells unpadded (Biome pads the tables; the content is what counts). */
const unpadded = (md: string) =>
  md
    .split('\n')
    .map((line) => (line.startsWith('|') ? line.replace(/\s*\|\s*/g, '|').replace(/-{3,}/g, '---') : line))
    .join('\n');

describe('docs/duckdb-schema.md', () => {
  it('matches the field specs (pnpm --filter @llmmon/server run docs:schema rewrites it)', () => {
    expect(unpadded(withSchema(doc))).toBe(unpadded(doc));
  });

  it('lists every operation column', () => {
    const doc = schemaMarkdown();
    for (const c of OPERATION_COLUMNS) expect(doc).toContain(`| \`${c}\` |`);
  });
});
