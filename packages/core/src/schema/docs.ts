/**
 * Markdown tables of field descriptors, so that documentation lists the fields of the schema
 * itself instead of a retyped copy. Browser-safe.
 */
import type { FieldSpec, FieldSpecs } from './field.js';
import { headerText, SUMMARY_COLUMNS } from './summary.js';

const escapePipes = (text: string) => text.replace(/\|/g, '\\|');

function typeOf(spec: FieldSpec): string {
  if (spec.type === 'enum' && spec.values) return spec.values.map((v) => `\`${v}\``).join(' \\| ');
  if (spec.type === 'list' && spec.fields) return `list of {${Object.keys(spec.fields).join(', ')}}`;
  return spec.type;
}

/** The limits validation enforces, in words: "≥ 0", "0–100", "≤ 256 chars", … */
export function limitsOf(spec: FieldSpec): string {
  const parts: string[] = [];
  if (spec.min !== undefined && spec.max !== undefined) parts.push(`${spec.min}–${spec.max}`);
  else if (spec.min !== undefined) parts.push(`≥ ${spec.min}`);
  else if (spec.max !== undefined) parts.push(`≤ ${spec.max}`);
  if (spec.id) parts.push('not empty, no control characters');
  if (spec.type === 'json') parts.push(`≤ ${spec.maxLength} bytes, depth ≤ ${spec.maxDepth}`);
  else if (spec.maxLength !== undefined) parts.push(`≤ ${spec.maxLength} chars`);
  return parts.join(', ');
}

/**
 * A Markdown table: field, type (with the limits validation enforces), unit, null allowed,
 * definition.
 * @example
 * fieldTableMarkdown(OPERATION_FIELDS) // '| field | type | unit | null | definition |\n|---|…'
 */
export function fieldTableMarkdown(fields: FieldSpecs): string {
  const rows = Object.entries(fields).map(
    ([name, spec]) =>
      `| \`${name}\` | ${[typeOf(spec), limitsOf(spec)].filter(Boolean).join(', ')} | ${spec.unit ?? ''} | ${spec.nullable ? 'yes' : 'no'} | ${escapePipes(spec.description)} |`,
  );
  return ['| field | type | unit | null | definition |', '| --- | --- | --- | --- | --- |', ...rows].join(
    '\n',
  );
}

/**
 * A Markdown table of the per-model summary's columns: header as every table prints it, the
 * statistic, the per-operation field it is over, the `ModelStats` key, definition.
 */
export function summaryTableMarkdown(): string {
  const rows = SUMMARY_COLUMNS.map(
    (c) =>
      `| ${escapePipes(headerText(c))} | ${c.statistic} | ${c.field ? `\`${c.field}\`` : ''} | \`${c.key}\` | ${escapePipes(c.description)}${c.optional ? ' (shown where a model has it)' : ''} |`,
  );
  return [
    '| column | statistic | over | key | definition |',
    '| --- | --- | --- | --- | --- |',
    ...rows,
  ].join('\n');
}
