/**
 * The root README stays a true front page: short, its set-up commands exist, its links lead
 * somewhere, and the generated reference tables live once, in docs/ (not in any README).
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

const root = new URL('../', import.meta.url);
const text = readFileSync(new URL('README.md', root), 'utf8');

/** Every README of the repository: the root's, each package's, the comparison suite's. */
const readmes = [
  'README.md',
  'comparison/README.md',
  ...readdirSync(new URL('packages/', root))
    .map((d) => `packages/${d}/README.md`)
    .filter((f) => existsSync(new URL(f, root))),
];

/** Every page a reader follows links on: the READMEs and docs/. */
const pages = [
  ...readmes,
  ...readdirSync(new URL('docs/', root))
    .filter((f) => f.endsWith('.md'))
    .map((f) => `docs/${f}`),
];

describe('README.md', () => {
  it('is a front page of about 200 lines', () => {
    expect(text.split('\n').length).toBeLessThanOrEqual(210);
  });

  it('names set-up commands that exist', () => {
    expect(text).toContain('./scripts/bootstrap.sh && pnpm start');
    expect(text).toContain('./scripts/bootstrap.sh && pnpm test');
    expect(statSync(new URL('scripts/bootstrap.sh', root)).mode & 0o111).not.toBe(0);
    const scripts = JSON.parse(readFileSync(new URL('package.json', root), 'utf8')).scripts;
    expect(scripts.start).toMatch(/ packages\/cli\/dist\/cli\.js bench$/);
    expect(scripts.llmmon).toBe('node packages/cli/dist/cli.js');
    expect(scripts.test).toBeTruthy();
    expect(readFileSync(new URL('.ci/run', root), 'utf8')).toMatch(/bootstrap\.sh\n\s*pnpm test/);
  });

  it('links only to files that exist (and so does every other README and docs page)', () => {
    for (const readme of pages) {
      const body = readFileSync(new URL(readme, root), 'utf8');
      const base = new URL(readme, root);
      for (const link of body.matchAll(/\]\((?!https?:|#|mailto:)([^)#\s]+)/g)) {
        expect(existsSync(new URL(link[1]!, base)), `${readme}: ${link[1]}`).toBe(true);
      }
    }
  });

  it('holds no generated reference table; those live once in docs/', () => {
    for (const readme of readmes) {
      const body = readFileSync(new URL(readme, root), 'utf8');
      expect(body, readme).not.toMatch(/<!-- (fields:[a-z]+|schema):start/);
    }
    expect(readFileSync(new URL('docs/fields.md', root), 'utf8')).toContain(
      '<!-- fields:operation:start -->',
    );
    expect(readFileSync(new URL('docs/duckdb-schema.md', root), 'utf8')).toContain('<!-- schema:start');
  });
});
