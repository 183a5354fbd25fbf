/** Rewrites the schema section of packages/server/README.md from the field specs. */
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { withSchema } from './schema-doc.js';

const path = fileURLToPath(new URL('../../README.md', import.meta.url));
writeFileSync(path, withSchema(readFileSync(path, 'utf8')));
console.log(`updated ${path}`);
