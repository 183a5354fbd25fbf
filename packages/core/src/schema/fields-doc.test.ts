/**
 * docs/fields.md stays true: its tables are generated from the field specs. Run with
 * UPDATE_DOCS=1 to rewrite them (then `pnpm format` aligns their columns; alignment is ignored
 * here).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ALERT_FIELDS } from './alert.js';
import { fieldTableMarkdown, summaryTableMarkdown } from './docs.js';
import type { FieldSpecs } from './field.js';
import { OPERATION_FIELDS } from './operation.js';
import { SAMPLE_FIELDS } from './sample.js';

const DOC = new URL('../../../../docs/fields.md', import.meta.url);
const TABLES: [string, () => string][] = (
  [
    ['operation', OPERATION_FIELDS],
    ['sample', SAMPLE_FIELDS],
    ['alert', ALERT_FIELDS],
  ] as [string, FieldSpecs][]
)
  .map(([name, fields]): [string, () => string] => [name, () => fieldTableMarkdown(fields)])
  .concat([['summary', summaryTableMarkdown]]);

function withTables(text: string): string {
  let out = text;
  for (const [name, table] of TABLES) {
    const start = `<!-- fields:${name}:start -->`;
    const end = `<!-- fields:${name}:end -->`;
    const i = out.indexOf(start);
    const j = out.indexOf(end);
    if (i < 0 || j < i) throw new Error(`docs/fields.md: markers ${start} … ${end} missing`);
    out = `${out.slice(0, i + start.length)}\n${table()}\n${out.slice(j)}`;
  }
  return out;
}

/** Table rows without column padding: `| a   | b |` → `| a | b |`, `| --- | ------ |` → `| - | - |`. */
const unpadded = (text: string) =>
  text
    .split('\n')
    .map((line) => (line.startsWith('|') ? line.replace(/ {2,}/g, ' ').replace(/-{3,}/g, '-') : line))
    .join('\n');

describe('docs/fields.md', () => {
  it('lists every field of the schema as the schema defines it', () => {
    const text = readFileSync(DOC, 'utf8');
    const expected = withTables(text);
    if (process.env.UPDATE_DOCS) writeFileSync(DOC, expected);
    else expect(unpadded(text)).toBe(unpadded(expected));
  });
});
