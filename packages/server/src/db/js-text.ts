/**
 * SQL that writes values as JavaScript does (`String(x)`, `JSON.stringify`), so that CSV written
 * by DuckDB's COPY is the same text as core's `toCsvRow` writes for the same records. DuckDB
 * spells doubles its own way (`100.0`, `1e-07`, `1.5e-05`, `3.6603106063140144e+16`); JS writes
 * `100`, `1e-7`, `0.000015`, `36603106063140140`. Both read back as the same double.
 */
import type { FieldSpec } from '@llmmon/core/schema';
import { isoSql } from './timestamps.js';

const sign = (x: string) => `CASE WHEN ${x} < 0 THEN '-' ELSE '' END`;
/** DuckDB's shortest round-trip digits of |x| in exponent form (it uses it below 1e-4 and from 1e16). */
const mantissaDigits = (x: string) => `replace(split_part(CAST(abs(${x}) AS VARCHAR), 'e', 1), '.', '')`;
const exponent = (x: string) => `CAST(split_part(CAST(abs(${x}) AS VARCHAR), 'e', 2) AS INTEGER)`;

/**
 * A DOUBLE expression as `String(x)` writes it (finite values; null stays null). Integers below
 * 1e16 are exact; 1e16 to 1e21 are DuckDB's shortest digits padded with zeros; 1e-6 to 1e-4
 * become plain decimals; other exponents lose their leading zeros (`e-07` → `e-7`).
 * @example jsNumberSql('duration_seconds')
 */
export function jsNumberSql(x: string): string {
  return `CASE
  WHEN ${x} = trunc(${x}) AND abs(${x}) < 1e16 THEN CAST(CAST(${x} AS HUGEINT) AS VARCHAR)
  WHEN ${x} = trunc(${x}) AND abs(${x}) < 1e21 THEN ${sign(x)} || rpad(${mantissaDigits(x)}, ${exponent(x)} + 1, '0')
  WHEN abs(${x}) >= 1e-6 AND abs(${x}) < 1e-4 THEN ${sign(x)} || '0.' || repeat('0', -${exponent(x)} - 1) || ${mantissaDigits(x)}
  ELSE regexp_replace(CAST(${x} AS VARCHAR), 'e([+-])0*(\\d)', 'e\\1\\2')
END`;
}

/**
 * A value of `spec` as the JSON text `JSON.stringify` writes for it (keys in the schema's order,
 * as the parsed record has them); SQL NULL for null. Strings go through DuckDB's `to_json`, which
 * escapes as JSON.stringify does except that control characters get upper-case hex (`\u001F`).
 * @example jsonTextSql(OPERATIONS.columns.find((c) => c.name === 'threads')!.spec, '"threads"')
 */
export function jsonTextSql(spec: FieldSpec, x: string): string {
  switch (spec.type) {
    case 'float':
      return jsNumberSql(x);
    case 'integer':
      return `CAST(${x} AS VARCHAR)`;
    case 'boolean':
      return `CASE WHEN ${x} THEN 'true' WHEN NOT ${x} THEN 'false' END`;
    case 'json':
      return `CAST(${x} AS VARCHAR)`;
    case 'timestamp':
      return `to_json(${isoSql(x)})::VARCHAR`;
    case 'struct':
      return structText(spec.fields!, x);
    case 'list': {
      const item = spec.fields ? structText(spec.fields, 'item') : jsonTextSql(spec.item!, 'item');
      return `CASE WHEN ${x} IS NULL THEN NULL ELSE '[' || array_to_string(list_transform(${x}, item -> coalesce(${item}, 'null')), ',') || ']' END`;
    }
    default:
      return `to_json(${x})::VARCHAR`;
  }
}

function structText(fields: Readonly<Record<string, FieldSpec>>, x: string): string {
  const members = Object.entries(fields).map(
    ([key, f]) =>
      `'${JSON.stringify(key).replace(/'/g, "''")}:' || coalesce(${jsonTextSql(f, `${x}."${key}"`)}, 'null')`,
  );
  return `CASE WHEN ${x} IS NULL THEN NULL ELSE '{' || ${members.join(" || ',' || ")} || '}' END`;
}

/**
 * A text expression as a CSV cell the way core's `neutralizeCsvText` writes it: text that begins
 * with `=`, `+`, `-`, `@`, a tab or a carriage return (or an apostrophe and one of those) gets a
 * leading apostrophe, so a spreadsheet shows it instead of running it as a formula.
 */
export function csvTextSql(x: string): string {
  return `CASE WHEN regexp_matches(${x}, '^''?[=+\\-@\\t\\r]') THEN '''' || ${x} ELSE ${x} END`;
}
