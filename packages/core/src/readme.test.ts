import { readFileSync, writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ALERT_FIELDS } from './schema/alert.js';
import { fieldTableMarkdown } from './schema/docs.js';
import type { FieldSpecs } from './schema/field.js';
import { OPERATION_FIELDS } from './schema/operation.js';
import { SAMPLE_FIELDS } from './schema/sample.js';

// The README's field tables are generated from the schema. Run with UPDATE_README=1 to rewrite
// them (then `biome check --write` aligns their columns; alignment is ignored here).
const README = new URL('../README.md', import.meta.url);
const TABLES: [string, FieldSpecs][] = [
  ['operation', OPERATION_FIELDS],
  ['sample', SAMPLE_FIELDS],
  ['alert', ALERT_FIELDS],
];

function withTables(text: string): string {
  let out = text;
  for (const [name, fields] of TABLES) {
    const start = `<!-- fields:${name}:start -->`;
    const end = `<!-- fields:${name}:end -->`;
    const i = out.indexOf(start);
    const j = out.indexOf(end);
    if (i < 0 || j < i) throw new Error(`README.md: markers ${start} … ${end} missing`);
    out = `${out.slice(0, i + start.length)}\n${fieldTableMarkdown(fields)}\n${out.slice(j)}`;
  }
  return out;
}

/** Table rows without column padding: `| a   | b |` → `| a | b |`, `| --- | ------ |` → `| - | - |`. */
const unpadded = (text: string) =>
  text
    .split('\n')
    .map((line) => (line.startsWith('|') ? line.replace(/ {2,}/g, ' ').replace(/-{3,}/g, '-') : line))
    .join('\n');

describe('README', () => {
  it('lists every field of the schema as the schema defines it', () => {
    const text = readFileSync(README, 'utf8');
    const expected = withTables(text);
    if (process.env.UPDATE_README) writeFileSync(README, expected);
    else expect(unpadded(text)).toBe(unpadded(expected));
  });
});
