/**
 * The tables of docs/duckdb-schema.md, generated from the table definitions (and so from core's
 * field specs): `schema-doc.test.ts` fails when the page differs, `node dist/docs/write-schema-doc.js`
 * (`pnpm --filter @llmmon/server run docs:schema`) rewrites them.
 */
import { duckdbType, TABLES } from '../db/tables.js';

export const START =
  '<!-- schema:start (generated from the field specs: pnpm --filter @llmmon/server run docs:schema) -->';
export const END = '<!-- schema:end -->';

const escapePipes = (s: string) => s.replaceAll('|', '\\|');

/** Markdown: one table per DuckDB table, one row per column. */
export function schemaMarkdown(): string {
  const parts: string[] = [];
  for (const table of TABLES) {
    parts.push(`#### \`${table.name}\``, '', `${table.description} Key: (${table.key.join(', ')}).`, '');
    parts.push('| column | DuckDB type | null | unit | description |', '| --- | --- | --- | --- | --- |');
    for (const c of table.columns) {
      const values = c.spec.values ? ` (one of ${c.spec.values.map((v) => `\`${v}\``).join(', ')})` : '';
      parts.push(
        `| \`${c.name}\` | \`${escapePipes(duckdbType(c.spec))}\` | ${c.notNull ? 'no' : 'yes'} | ${c.spec.unit ?? ''} | ${escapePipes(c.spec.description)}${values} |`,
      );
    }
    parts.push('');
  }
  return parts.join('\n');
}

/** `doc` with its schema block replaced by the generated one. */
export function withSchema(doc: string): string {
  const start = doc.indexOf(START);
  const end = doc.indexOf(END);
  if (start < 0 || end < start) throw new Error('docs/duckdb-schema.md has no schema markers');
  return `${doc.slice(0, start + START.length)}\n\n${schemaMarkdown()}\n${doc.slice(end)}`;
}

/** Where the page is: docs/duckdb-schema.md of the repository. */
export const SCHEMA_DOC = new URL('../../../../docs/duckdb-schema.md', import.meta.url);
