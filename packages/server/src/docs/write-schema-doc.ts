/** Rewrites the tables of docs/duckdb-schema.md from the field specs. */
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { SCHEMA_DOC, withSchema } from './schema-doc.js';

const path = fileURLToPath(SCHEMA_DOC);
writeFileSync(path, withSchema(readFileSync(path, 'utf8')));
console.log(`updated ${path}`);
