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
  /** Nested fields of a `struct` field, or of the items of a `list` of structs. */
  readonly fields?: Readonly<Record<string, FieldSpec>>;
  /** Item type of a `list` field when the items are not structs. */
  readonly item?: FieldSpec;
  readonly schema: S;
}

export type FieldSpecs = Readonly<Record<string, FieldSpec>>;

/** The zod object shape of a set of field specs, keeping each field's precise zod type. */
export type ShapeOf<F extends FieldSpecs> = { [K in keyof F]: F[K]['schema'] };

export function objectSchema<F extends FieldSpecs>(fields: F) {
  const shape = Object.fromEntries(Object.entries(fields).map(([k, f]) => [k, f.schema])) as ShapeOf<F>;
  return z.object(shape);
}

type Doc = { description: string; unit?: string };

function spec<S extends z.ZodType>(
  type: ColumnType,
  nullable: boolean,
  doc: Doc,
  schema: S,
  extra: Partial<FieldSpec> = {},
): FieldSpec<S> {
  return { type, nullable, ...doc, ...extra, schema };
}

const finite = () => z.number().finite();
const isoTimestamp = () => z.iso.datetime({ offset: true, local: true });

/** Builders, one per column type; `.orNull` variants accept null and default a missing key to null. */
export const field = {
  timestamp: (doc: Doc) => spec('timestamp', false, doc, isoTimestamp()),
  timestampOrNull: (doc: Doc) => spec('timestamp', true, doc, isoTimestamp().nullable().default(null)),
  text: (doc: Doc) => spec('text', false, doc, z.string()),
  textOrNull: (doc: Doc) => spec('text', true, doc, z.string().nullable().default(null)),
  float: (doc: Doc) => spec('float', false, doc, finite()),
  floatOrNull: (doc: Doc) => spec('float', true, doc, finite().nullable().default(null)),
  integer: (doc: Doc) => spec('integer', false, doc, z.number().int()),
  integerOrNull: (doc: Doc) => spec('integer', true, doc, z.number().int().nullable().default(null)),
  boolean: (doc: Doc) => spec('boolean', false, doc, z.boolean()),
  booleanOrNull: (doc: Doc) => spec('boolean', true, doc, z.boolean().nullable().default(null)),
  enumOrNull: <const V extends readonly [string, ...string[]]>(values: V, doc: Doc) =>
    spec('enum', true, doc, z.enum(values).nullable().default(null), { values }),
  jsonOrNull: (doc: Doc) =>
    spec('json', true, doc, z.record(z.string(), z.unknown()).nullable().default(null)),
  struct: <F extends FieldSpecs>(fields: F, doc: Doc) =>
    spec('struct', false, doc, objectSchema(fields), { fields }),
  structListOrNull: <F extends FieldSpecs>(fields: F, doc: Doc) =>
    spec('list', true, doc, z.array(objectSchema(fields)).nullable().default(null), { fields }),
  textList: (doc: Doc) => spec('list', false, doc, z.array(z.string()), { item: field.text(doc) }),
};

/** Bytes in one MB as every llmmon field uses it (MB = 2^20 bytes). */
export const BYTES_PER_MB = 1024 * 1024;
