/**
 * Field descriptors: each field of a record is declared once, with its validation (zod), its
 * column type, its unit and a one-line definition. Validation, TypeScript types, CSV columns,
 * DuckDB DDL and the tables of docs/fields.md are all derived from these descriptors.
 */
import { z } from 'zod';

/** Column types, mapped to storage types by each consumer (DuckDB, CSV, dashboard). */
export type ColumnType =
  | 'timestamp' // ISO 8601 string in JSON, TIMESTAMPTZ in DuckDB
  | 'text'
  | 'enum'
  | 'float'
  | 'integer'
  | 'boolean'
  | 'json' // free JSON (object), JSON in DuckDB
  | 'struct' // fixed nested fields, STRUCT in DuckDB
  | 'list'; // list of `item`, LIST in DuckDB

export interface FieldSpec<S extends z.ZodType = z.ZodType> {
  readonly type: ColumnType;
  /** null allowed (unknown / unsupported); missing on input becomes null. */
  readonly nullable: boolean;
  /** Unit of the value, when it has one: 'seconds', 'MB' (2^20 bytes), 'percent', 'bytes', … */
  readonly unit?: string;
  /** One line: what the value is and how it is measured. */
  readonly description: string;
  /** Allowed values of an `enum` field. */
  readonly values?: readonly string[];
  /** Smallest and largest allowed value of a number (impossible values are refused). */
  readonly min?: number;
  readonly max?: number;
  /** Most characters a text value may have (`text`, `enum` free text), or bytes of JSON text (`json`). */
  readonly maxLength?: number;
  /** Deepest nesting of a `json` value (objects and arrays). */
  readonly maxDepth?: number;
  /** A text value is an id: not empty, no control characters. */
  readonly id?: boolean;
  /** Nested fields of a `struct` field, or of the items of a `list` of structs. */
  readonly fields?: Readonly<Record<string, FieldSpec>>;
  /** Item type of a `list` field when the items are not structs. */
  readonly item?: FieldSpec;
  /**
   * How points of a series merge into a coarser bucket (timeline samples): `max` for values that
   * are peaks of their interval already, so that a merged point keeps the peak; the mean otherwise.
   */
  readonly bucket?: 'max' | 'mean';
  readonly schema: S;
  /**
   * A quick check of a non-null value that accepts only what `schema` accepts unchanged (its
   * output is the value itself, or for JSON an equal copy); a value it refuses goes to
   * `schema`, which decides and words the problem. Scalar and JSON fields have one (see
   * `recordParser`).
   */
  readonly accepts?: (value: unknown) => boolean;
}

export type FieldSpecs = Readonly<Record<string, FieldSpec>>;

/** The zod object shape of a set of field specs, keeping each field's precise zod type. */
export type ShapeOf<F extends FieldSpecs> = { [K in keyof F]: F[K]['schema'] };

export function objectSchema<F extends FieldSpecs>(fields: F) {
  const shape = Object.fromEntries(Object.entries(fields).map(([k, f]) => [k, f.schema])) as ShapeOf<F>;
  return z.object(shape);
}

/**
 * Limits of what a field may hold, enforced by validation (a 4xx naming the rule at every entry
 * point) and listed in the generated field tables. Every text has a length limit and every JSON
 * value a size and depth limit, so that nothing stored can make a reader slow or crash later
 * (`/metrics` label values, run lists, stack depth).
 */
export const LIMITS = {
  /** Characters of an id (run ids). */
  idLength: 128,
  /** Characters of a name (model, operation kind, metric, thread, host fields). */
  nameLength: 256,
  /** Characters of other text (run names, reasons). */
  textLength: 4096,
  /** Characters of an error message. */
  errorLength: 16_384,
  /** Bytes of a JSON value (metadata, tags) as JSON text. */
  jsonBytes: 65_536,
  /** Nesting depth of a JSON value. */
  jsonDepth: 32,
} as const;

type Doc = {
  description: string;
  unit?: string;
  min?: number;
  max?: number;
  /** Default: LIMITS.nameLength for text fields. */
  maxLength?: number;
  bucket?: 'max' | 'mean';
};

function spec<S extends z.ZodType>(
  type: ColumnType,
  nullable: boolean,
  doc: Doc,
  schema: S,
  extra: Partial<FieldSpec> = {},
): FieldSpec<S> {
  return { type, nullable, ...doc, ...extra, schema };
}

const isoTimestamp = () => z.iso.datetime({ offset: true, local: true });
/** zod's own pattern for those timestamps (the check it runs); none: every value goes to zod. */
const TIMESTAMP_PATTERN = (isoTimestamp() as unknown as { _zod: { pattern?: RegExp } })._zod.pattern;
const isTimestamp = (v: unknown) =>
  TIMESTAMP_PATTERN !== undefined && typeof v === 'string' && TIMESTAMP_PATTERN.test(v);
const inRange = (doc: Doc, v: number) =>
  (doc.min === undefined || v >= doc.min) && (doc.max === undefined || v <= doc.max);
const isFiniteIn = (doc: Doc) => (v: unknown) =>
  typeof v === 'number' && Number.isFinite(v) && inRange(doc, v);
const isInteger = (doc: Doc) => (v: unknown) => Number.isSafeInteger(v) && inRange(doc, v as number);
const isText = (limit: number) => (v: unknown) => typeof v === 'string' && v.length <= limit;
const isBoolean = (v: unknown) => typeof v === 'boolean';

function number(base: z.ZodNumber, doc: Doc): z.ZodNumber {
  let n = base;
  if (doc.min !== undefined) n = n.min(doc.min, { message: `must be >= ${doc.min}` });
  if (doc.max !== undefined) n = n.max(doc.max, { message: `must be <= ${doc.max}` });
  return n;
}
const finite = (doc: Doc) => number(z.number().finite(), doc);
const int = (doc: Doc) => number(z.number().int(), doc);

const textLimit = (doc: Doc) => doc.maxLength ?? LIMITS.nameLength;
const text = (doc: Doc) =>
  z.string().max(textLimit(doc), { message: `must be at most ${textLimit(doc)} characters` });

/** C0 control characters and DEL (U+0000-U+001F, U+007F). */
const hasControl = (v: string) => {
  for (let i = 0; i < v.length; i++) {
    const c = v.charCodeAt(i);
    if (c < 0x20 || c === 0x7f) return true;
  }
  return false;
};
const isId = (v: unknown) =>
  typeof v === 'string' && v.length >= 1 && v.length <= LIMITS.idLength && !hasControl(v);
/** An id: 1 to LIMITS.idLength characters, none of them a control character. */
export const idSchema = () =>
  z
    .string()
    .min(1, { message: 'must not be empty' })
    .max(LIMITS.idLength, { message: `must be at most ${LIMITS.idLength} characters` })
    .refine((v) => !hasControl(v), { message: 'must not contain control characters' });

/**
 * Depth of a JSON value, walked without recursion (a value nested 8,000 deep must be refused,
 * not overflow the stack). Stops counting past `limit`.
 */
export function jsonDepth(value: unknown, limit = Number.POSITIVE_INFINITY): number {
  let deepest = 0;
  const stack: [unknown, number][] = [[value, 0]];
  while (stack.length) {
    const [v, depth] = stack.pop()!;
    if (typeof v !== 'object' || v === null) continue;
    const d = depth + 1;
    if (d > deepest) deepest = d;
    if (deepest > limit) return deepest;
    for (const child of Array.isArray(v) ? v : Object.values(v)) stack.push([child, d]);
  }
  return deepest;
}

const jsonObject = () =>
  z.record(z.string(), z.unknown()).superRefine((v, ctx) => {
    // Depth first: JSON.stringify itself overflows the stack on a value nested 8,000 deep.
    if (jsonDepth(v, LIMITS.jsonDepth) > LIMITS.jsonDepth)
      ctx.addIssue({ code: 'custom', message: `must be nested at most ${LIMITS.jsonDepth} deep` });
    else if (JSON.stringify(v).length > LIMITS.jsonBytes)
      ctx.addIssue({ code: 'custom', message: `must be at most ${LIMITS.jsonBytes} bytes as JSON` });
  });
/** A plain object within the limits above (zod's output is an equal copy; a `__proto__` key is left to zod). */
const isJsonObject = (v: unknown) =>
  typeof v === 'object' &&
  v !== null &&
  Object.getPrototypeOf(v) === Object.prototype &&
  !Object.hasOwn(v, '__proto__') &&
  jsonDepth(v, LIMITS.jsonDepth) <= LIMITS.jsonDepth &&
  JSON.stringify(v).length <= LIMITS.jsonBytes;

/** Builders, one per column type; `.orNull` variants accept null and default a missing key to null. */
export const field = {
  timestamp: (doc: Doc) => spec('timestamp', false, doc, isoTimestamp(), { accepts: isTimestamp }),
  timestampOrNull: (doc: Doc) =>
    spec('timestamp', true, doc, isoTimestamp().nullable().default(null), { accepts: isTimestamp }),
  text: (doc: Doc) =>
    spec('text', false, doc, text(doc), { maxLength: textLimit(doc), accepts: isText(textLimit(doc)) }),
  textOrNull: (doc: Doc) =>
    spec('text', true, doc, text(doc).nullable().default(null), {
      maxLength: textLimit(doc),
      accepts: isText(textLimit(doc)),
    }),
  /** An id (see `idSchema`). */
  id: (doc: Doc) =>
    spec('text', false, doc, idSchema(), { maxLength: LIMITS.idLength, id: true, accepts: isId }),
  idOrNull: (doc: Doc) =>
    spec('text', true, doc, idSchema().nullable().default(null), {
      maxLength: LIMITS.idLength,
      id: true,
      accepts: isId,
    }),
  float: (doc: Doc) => spec('float', false, doc, finite(doc), { accepts: isFiniteIn(doc) }),
  floatOrNull: (doc: Doc) =>
    spec('float', true, doc, finite(doc).nullable().default(null), { accepts: isFiniteIn(doc) }),
  integer: (doc: Doc) => spec('integer', false, doc, int(doc), { accepts: isInteger(doc) }),
  integerOrNull: (doc: Doc) =>
    spec('integer', true, doc, int(doc).nullable().default(null), { accepts: isInteger(doc) }),
  boolean: (doc: Doc) => spec('boolean', false, doc, z.boolean(), { accepts: isBoolean }),
  booleanOrNull: (doc: Doc) =>
    spec('boolean', true, doc, z.boolean().nullable().default(null), { accepts: isBoolean }),
  enumOrNull: <const V extends readonly [string, ...string[]]>(values: V, doc: Doc) =>
    spec('enum', true, doc, z.enum(values).nullable().default(null), {
      values,
      accepts: (v) => typeof v === 'string' && (values as readonly string[]).includes(v),
    }),
  jsonOrNull: (doc: Doc) =>
    spec('json', true, doc, jsonObject().nullable().default(null), {
      maxLength: LIMITS.jsonBytes,
      maxDepth: LIMITS.jsonDepth,
      accepts: isJsonObject,
    }),
  struct: <F extends FieldSpecs>(fields: F, doc: Doc) =>
    spec('struct', false, doc, objectSchema(fields), { fields }),
  structListOrNull: <F extends FieldSpecs>(fields: F, doc: Doc) =>
    spec('list', true, doc, z.array(objectSchema(fields)).nullable().default(null), { fields }),
  textList: (doc: Doc) => spec('list', false, doc, z.array(text(doc)), { item: field.text(doc) }),
};

/** Bytes in one MB as every llmmon field uses it (MB = 2^20 bytes). */
export const BYTES_PER_MB = 1024 * 1024;
