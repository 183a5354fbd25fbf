/**
 * The root README stays true: its field and schema tables are generated from the field specs,
 * its example queries are the ones the server's tests run, and its set-up commands exist.
 * `UPDATE_README=1 pnpm exec vitest run --project e2e readme` rewrites the generated parts
 * (then `pnpm format` aligns the tables; padding is ignored here).
 */
import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { fieldTableMarkdown, OPERATION_FIELDS } from '@llmmon/core/schema';
import { describe, expect, it } from 'vitest';
import { schemaMarkdown } from '../packages/server/src/docs/schema-doc.ts';

const root = new URL('../', import.meta.url);
const README = new URL('README.md', root);
const SERVER_README = new URL('packages/server/README.md', root);

const SECTIONS: [start: string, end: string, body: () => string][] = [
  [
    '<!-- fields:operation:start -->',
    '<!-- fields:operation:end -->',
    () => fieldTableMarkdown(OPERATION_FIELDS),
  ],
  ['<!-- schema:start -->', '<!-- schema:end -->', () => `\n${schemaMarkdown()}`],
];

function withGenerated(text: string): string {
  let out = text;
  for (const [start, end, body] of SECTIONS) {
    const i = out.indexOf(start);
    const j = out.indexOf(end);
    if (i < 0 || j < i) throw new Error(`README.md: markers ${start} … ${end} missing`);
    out = `${out.slice(0, i + start.length)}\n${body()}\n${out.slice(j)}`;
  }
  return out;
}

/** Table rows without padding: Biome aligns the README's tables; the content is what counts. */
const unpadded = (md: string) =>
  md
    .split('\n')
    .map((line) => (line.startsWith('|') ? line.replace(/\s*\|\s*/g, '|').replace(/-{3,}/g, '---') : line))
    .join('\n');

const sqlBlocks = (md: string) => [...md.matchAll(/```sql\n([\s\S]*?)```/g)].map((m) => m[1]!);

describe('README.md', () => {
  it('lists every operation field and every DuckDB column as the field specs define them', () => {
    const text = readFileSync(README, 'utf8');
    const expected = withGenerated(text);
    if (process.env.UPDATE_README) writeFileSync(README, expected);
    else expect(unpadded(text)).toBe(unpadded(expected));
  });

  it('shows only example queries that the server README runs in its tests', () => {
    const text = readFileSync(README, 'utf8');
    const section = text.slice(text.indexOf('<!-- queries:start'), text.indexOf('<!-- queries:end -->'));
    const queries = sqlBlocks(section);
    expect(queries).toHaveLength(3);
    const tested = sqlBlocks(readFileSync(SERVER_README, 'utf8'));
    for (const q of queries) expect(tested).toContain(q);
  });

  it('names set-up commands that exist', () => {
    const text = readFileSync(README, 'utf8');
    expect(text).toContain('./scripts/bootstrap.sh && pnpm start');
    expect(text).toContain('./scripts/bootstrap.sh && pnpm test');
    expect(statSync(new URL('scripts/bootstrap.sh', root)).mode & 0o111).not.toBe(0);
    const scripts = JSON.parse(readFileSync(new URL('package.json', root), 'utf8')).scripts;
    expect(scripts.start).toMatch(/ bench$/);
    expect(scripts.test).toBeTruthy();
    expect(readFileSync(new URL('.ci/run', root), 'utf8')).toMatch(/bootstrap\.sh\n\s*pnpm test/);
    for (const link of text.matchAll(/\]\(((?:docs|packages|examples)\/[^)#]+)/g)) {
      expect(existsSync(new URL(link[1]!, root)), link[1]).toBe(true);
    }
  });
});
