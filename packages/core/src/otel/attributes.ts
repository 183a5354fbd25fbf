/**
 * An operation record as span attributes and back, derived from the field specs
 * (`OPERATION_FIELDS`), so a field added to the schema travels without a change here:
 *
 * - the model and the token counts go as the GenAI conventions' `gen_ai.request.model`,
 *   `gen_ai.usage.input_tokens` and `gen_ai.usage.output_tokens`;
 * - the start time is the span's start time;
 * - every other field goes as `llmmon.<field>` (`llmmon.cpu_time_seconds`, `llmmon.peak_memory_mb`,
 *   GPU and energy fields where measured), its value as the record has it: numbers, text, booleans;
 *   lists and JSON (`threads`, `metadata`) as JSON text. Null fields are left out (an attribute
 *   cannot be null), so a missing attribute reads back as null.
 *
 * Browser-safe; the server reads spans back through `recordFieldsFromAttributes`.
 */
import type { FieldSpec } from '../schema/field.js';
import { OPERATION_COLUMNS, OPERATION_FIELDS, type OperationField } from '../schema/operation.js';
import { ATTR, LLMMON_PREFIX } from './semconv.js';

/** An attribute value as spans carry it. */
export type AttributeValue = string | number | boolean;
export type Attributes = Record<string, AttributeValue>;

/** Record fields that GenAI attributes carry (by their conventions' names). */
export const GEN_AI_FIELD_ATTRIBUTES = {
  model_name: ATTR.requestModel,
  input_tokens: ATTR.inputTokens,
  output_tokens: ATTR.outputTokens,
} as const satisfies Partial<Record<OperationField, string>>;

/** Record fields carried by the span itself rather than an attribute. */
const SPAN_FIELDS: readonly OperationField[] = ['timestamp'];

/** The fields sent as `llmmon.<field>`: every field of the schema but the ones above. */
export const LLMMON_ATTRIBUTE_FIELDS: readonly OperationField[] = OPERATION_COLUMNS.filter(
  (f) => !(f in GEN_AI_FIELD_ATTRIBUTES) && !SPAN_FIELDS.includes(f),
);

/** The attribute key of a record field. */
export function attributeKey(field: OperationField): string {
  return (GEN_AI_FIELD_ATTRIBUTES as Record<string, string>)[field] ?? `${LLMMON_PREFIX}${field}`;
}

const asJsonText = (spec: FieldSpec) =>
  spec.type === 'list' || spec.type === 'json' || spec.type === 'struct';

/** The attributes of a record (all but `timestamp`; null fields left out). */
export function recordAttributes(record: Readonly<Record<OperationField, unknown>>): Attributes {
  const out: Attributes = {};
  for (const f of OPERATION_COLUMNS) {
    if (SPAN_FIELDS.includes(f)) continue;
    const value = record[f];
    if (value === null || value === undefined) continue;
    const spec: FieldSpec = OPERATION_FIELDS[f];
    out[attributeKey(f)] = asJsonText(spec) ? JSON.stringify(value) : (value as AttributeValue);
  }
  return out;
}

/** Whether any `llmmon.*` attribute is present (a span llmmon measured). */
export function hasLlmmonAttributes(attributes: Readonly<Record<string, unknown>>): boolean {
  for (const key in attributes) if (key.startsWith(LLMMON_PREFIX)) return true;
  return false;
}

/** One attribute value as the field's type wants it, or why it cannot be. */
function fieldValue(spec: FieldSpec, value: unknown): { value: unknown } | { problem: string } {
  switch (spec.type) {
    case 'float':
    case 'integer': {
      const n = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
      return typeof n === 'number' && Number.isFinite(n) ? { value: n } : { problem: 'expected a number' };
    }
    case 'boolean':
      return typeof value === 'boolean' ? { value } : { problem: 'expected a boolean' };
    case 'list':
    case 'json':
    case 'struct':
      if (typeof value !== 'string') return { problem: 'expected JSON text' };
      try {
        return { value: JSON.parse(value) };
      } catch {
        return { problem: 'not valid JSON' };
      }
    default:
      return typeof value === 'string' ? { value } : { problem: 'expected a string' };
  }
}

/**
 * The record fields an attribute set carries: `llmmon.<field>` attributes and the GenAI ones of
 * `GEN_AI_FIELD_ATTRIBUTES`, converted to each field's type (range checks are the schema's job).
 * Unknown `llmmon.*` keys are ignored (a newer sender's fields).
 */
export function recordFieldsFromAttributes(attributes: Readonly<Record<string, unknown>>): {
  fields: Partial<Record<OperationField, unknown>>;
  problems: string[];
} {
  const fields: Partial<Record<OperationField, unknown>> = {};
  const problems: string[] = [];
  for (const f of OPERATION_COLUMNS) {
    if (SPAN_FIELDS.includes(f)) continue;
    const key = attributeKey(f);
    if (!(key in attributes)) continue;
    const got = fieldValue(OPERATION_FIELDS[f], attributes[key]);
    if ('problem' in got) problems.push(`attribute ${key}: ${got.problem}`);
    else fields[f] = got.value;
  }
  return { fields, problems };
}
