/**
 * SQL for the bulk reader (large local files): DuckDB's JSON reader loads the records into a
 * staging table with *raw* column types (timestamps as text, integers as DOUBLE) so that the
 * checks below can apply the schema's rules, all derived from the field specs:
 * required fields, enum values, integers, ISO 8601 timestamps (zod's own pattern), finite
 * numbers, JSON objects, nested list entries. Then the rows are cast to the table's types.
 *
 * One difference from the JS path (zod) remains: DuckDB's reader converts numeric strings for
 * number columns (`"0.5"` → 0.5) and numbers for text columns (`7` → `'7'`) instead of refusing
 * them. Files written by llmmon or the original monitor never contain such values; anything
 * unconvertible (`"fast"` for a number) is refused.
 */
import type { FieldSpec, FieldSpecs } from '@llmmon/core/schema';
import { OPERATION_FIELDS } from '@llmmon/core/schema';
import { duckdbType, ident, literal, type Table } from '../db/tables.js';

/** Column type the staging table reads a field's JSON as. */
export function rawType(spec: FieldSpec): string {
  switch (spec.type) {
    case 'timestamp':
      return 'VARCHAR';
    case 'integer':
      return 'DOUBLE';
    case 'struct':
      return rawStruct(spec.fields!);
    case 'list':
      return spec.fields ? `${rawStruct(spec.fields)}[]` : `${rawType(spec.item!)}[]`;
    default:
      return duckdbType(spec);
  }
}

const rawStruct = (fields: FieldSpecs) =>
  `STRUCT(${Object.entries(fields)
    .map(([k, f]) => `${ident(k)} ${rawType(f)}`)
    .join(', ')})`;

/** `columns={…}` argument of read_json for a table's record fields. */
export function readJsonColumns(fields: FieldSpecs): string {
  return `{${Object.entries(fields)
    .map(([k, f]) => `${literal(k)}: ${literal(rawType(f))}`)
    .join(', ')}}`;
}

/** zod's ISO 8601 pattern for timestamps (the JS path validates with the same regex). */
const timestampPattern = (): string => {
  const schema = OPERATION_FIELDS.timestamp.schema as unknown as { _zod: { pattern?: RegExp } };
  const pattern = schema._zod.pattern;
  if (!pattern) throw new Error('zod timestamp schema has no pattern');
  return pattern.source;
};

/**
 * SQL text expression: null when `x` (raw staging value) is valid for `spec`, else the problem,
 * prefixed by its path; `path` is itself a SQL text expression (list items add their index:
 * `threads[2].tid: expected an integer`).
 */
export function problemSql(spec: FieldSpec, x: string, path: string): string {
  const cases: [string, string][] = [];
  if (!spec.nullable) cases.push([`${x} IS NULL`, 'required (missing or null)']);
  switch (spec.type) {
    case 'timestamp':
      cases.push([
        `NOT regexp_full_match(${x}, ${literal(timestampPattern())})`,
        'invalid ISO 8601 datetime',
      ]);
      break;
    case 'integer':
      cases.push([
        `NOT isfinite(${x}) OR ${x} <> trunc(${x}) OR abs(${x}) > 9007199254740991`,
        'expected an integer',
      ]);
      break;
    case 'float':
      cases.push([`NOT isfinite(${x})`, 'expected a finite number']);
      break;
    case 'enum':
      cases.push([
        `${x} NOT IN (${spec.values!.map(literal).join(', ')})`,
        `expected one of ${spec.values!.map((v) => JSON.stringify(v)).join(' | ')}`,
      ]);
      break;
    case 'json':
      cases.push([`json_type(${x}) <> 'OBJECT'`, 'expected an object']);
      break;
  }
  const own =
    cases.length === 0
      ? 'NULL'
      : `CASE ${cases.map(([cond, msg]) => `WHEN ${cond} THEN ${path} || ${literal(`: ${msg}`)}`).join(' ')} END`;
  if (spec.type === 'struct') {
    const inner = Object.entries(spec.fields!).map(([k, f]) =>
      problemSql(f, `${x}.${ident(k)}`, `${path} || ${literal(`.${k}`)}`),
    );
    return `coalesce(${[own, ...inner].join(', ')})`;
  }
  if (spec.type === 'list') {
    // The first problem of any item, with the item's index in the path.
    const item: FieldSpec = spec.fields ? { ...spec, type: 'struct', nullable: false } : spec.item!;
    const itemProblem = problemSql(item, 'e', `${path} || '[' || (i - 1) || ']'`);
    const first = `list_filter(list_transform(${x}, lambda e, i: ${itemProblem}), lambda p: p IS NOT NULL)[1]`;
    return `coalesce(${own}, CASE WHEN ${x} IS NOT NULL THEN ${first} END)`;
  }
  return own;
}

/** SELECT expression casting a validated raw staging value to the table column's type. */
export function castSql(spec: FieldSpec, x: string): string {
  switch (spec.type) {
    case 'timestamp':
    case 'integer':
    case 'struct':
    case 'list':
      return `CAST(${x} AS ${duckdbType(spec)})`;
    default:
      return x;
  }
}

/** Column list for INSERT INTO `table`. */
export const insertColumns = (table: Table) => table.columns.map((c) => ident(c.name)).join(', ');
