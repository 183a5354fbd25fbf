/**
 * The server README's example queries run on a real DuckDB file and print what the README shows,
 * as `llmmon query` prints it.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { MetricsFileSchema } from '@llmmon/core/schema';
import { Store } from '@llmmon/server';
import { nightlyRuns, tempDir } from '@llmmon/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cell, table } from './format.js';

const readme = readFileSync(new URL('../../server/README.md', import.meta.url), 'utf8');
const section = readme.slice(
  readme.indexOf('## Example queries'),
  readme.indexOf('## Statistics and comparison'),
);
/** Each ```sql block with the plain ``` block after it (its output). */
const examples = [...section.matchAll(/```sql\n([\s\S]*?)```\s*\n```\n([\s\S]*?)```/g)].map((m) => ({
  sql: m[1]!,
  output: m[2]!,
}));

let tmp: ReturnType<typeof tempDir>;
let store: Store;

beforeAll(async () => {
  tmp = tempDir();
  store = await Store.open(join(tmp.dir, 'readme.duckdb'));
  for (const file of nightlyRuns()) await store.ingest(MetricsFileSchema.parse(file));
});
afterAll(async () => {
  await store.close();
  tmp.remove();
});

describe('README example queries', () => {
  it('has three', () => {
    expect(examples).toHaveLength(3);
  });

  it.each(examples.map((e, i) => [i + 1, e] as const))(
    'query %i gives the output shown',
    async (_, example) => {
      const result = await store.query(example.sql, { maxRows: 1000, timeoutMs: 10_000 });
      const text = table(
        result.columns.map((c) => c.name),
        result.rows.map((row) => row.map(cell)),
      );
      expect(text).toBe(example.output);
    },
  );
});
