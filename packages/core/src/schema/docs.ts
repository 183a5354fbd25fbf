/**
 * Markdown tables of field descriptors, so that documentation lists the fields of the schema
 * itself instead of a retyped copy. Browser-safe.
 */
import type { FieldSpec, FieldSpecs } from './field.js';

const escapePipes = (text: string) => text.replace(/\|/g, '\\|');

function typeOf(spec: FieldSpec): string {
  if (spec.type === 'enum' && spec.values) return spec.values.map((v) => `\`${v}\``).join(' \\| ');
  if (spec.type === 'list' && spec.fields) return `list of {${Object.keys(spec.fields).join(', ')}}`;
  return spec.type;
}

/**
 * A Markdown table: field, type, unit, null allowed, definition.
 * @example
 * fieldTableMarkdown(OPERATION_FIELDS) // '| field | type | unit | null | definition |\n|---|…'
 */
export function fieldTableMarkdown(fields: FieldSpecs): string {
  const rows = Object.entries(fields).map(
    ([name, spec]) =>
      `| \`${name}\` | ${typeOf(spec)} | ${spec.unit ?? ''} | ${spec.nullable ? 'yes' : 'no'} | ${escapePipes(spec.description)} |`,
  );
  return ['| field | type | unit | null | definition |', '| --- | --- | --- | --- | --- |', ...rows].join(
    '\n',
  );
}
