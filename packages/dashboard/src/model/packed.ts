/**
 * A columnar binary form of a metrics file, for large static dashboards. JSON of 100,000
 * operations is ~130 MB and takes the browser seconds to inflate and parse; here each number
 * column is one typed array (read in place, nothing to parse) and each text column a dictionary
 * plus codes. The layout follows the record schema's field types, so a new field needs no change
 * here. Lossless: `unpackMetrics(packMetrics(f))` reads back every value of `f` exactly.
 *
 * Column kinds, from the field's schema type:
 * - `float`/`integer` → `i32` (every value an integer in Int32 range; null = INT32_MIN) or `f64`
 *   (null = NaN; schema numbers are finite, so NaN is free to mean null); `none` when all null
 * - `text`/`enum` → `dict`: distinct strings in the header, Int32 codes (null = −1)
 * - `timestamp` → `ms` (epoch ms as f64) when every value is exactly `toISOString()` of itself,
 *   else `dict` (original monitor files: local times with microseconds)
 * - `boolean` → `bool`: Uint8 0/1, 2 = null
 * - `list` of structs → `list`: Int32 item counts (null = −1) and the items' fields as columns
 * - `json` → `json`: the non-null values by row index, in the header
 */
import {
  ALERT_FIELDS,
  type FieldSpec,
  type FieldSpecs,
  METRICS_FORMAT,
  type MetricsFile,
  OPERATION_FIELDS,
  type RunHeader,
  SAMPLE_FIELDS,
} from '@llmmon/core/schema';

type ColumnKind = 'none' | 'i32' | 'f64' | 'dict' | 'ms' | 'bool' | 'list' | 'json';

export interface PackedColumn {
  name: string;
  kind: ColumnKind;
  /** Byte offset and element count of the column's typed array in the blob. */
  offset?: number;
  length?: number;
  dict?: string[];
  json?: Record<string, unknown>;
  /** `list`: the items' columns, over all items of all rows in order. */
  items?: { count: number; columns: PackedColumn[] };
}

export interface PackedHeader {
  format: typeof METRICS_FORMAT;
  run: RunHeader;
  operations: { count: number; columns: PackedColumn[] };
  alerts: { count: number; columns: PackedColumn[] };
  samples: { count: number; columns: PackedColumn[] };
  /** Bytes of the blob. */
  bytes: number;
}

const INT32_MIN = -2147483648;
const INT32_MAX = 2147483647;

/** Collects typed arrays into one blob, each at an 8-byte-aligned offset. */
class BlobWriter {
  private parts: { offset: number; array: ArrayBufferView }[] = [];
  private size = 0;
  add(array: Float64Array | Int32Array | Uint8Array): { offset: number; length: number } {
    const offset = Math.ceil(this.size / 8) * 8;
    this.parts.push({ offset, array });
    this.size = offset + array.byteLength;
    return { offset, length: array.length };
  }
  bytes(): Uint8Array {
    const out = new Uint8Array(Math.ceil(this.size / 8) * 8);
    for (const p of this.parts)
      out.set(new Uint8Array(p.array.buffer, p.array.byteOffset, p.array.byteLength), p.offset);
    return out;
  }
}

function packColumn(name: string, spec: FieldSpec, values: readonly unknown[], w: BlobWriter): PackedColumn {
  switch (spec.type) {
    case 'float':
    case 'integer': {
      let allNull = true;
      let int32 = true;
      for (const v of values) {
        if (v === null || v === undefined) continue;
        allNull = false;
        if (
          !Number.isInteger(v) ||
          (v as number) <= INT32_MIN ||
          (v as number) > INT32_MAX ||
          Object.is(v, -0)
        )
          int32 = false;
      }
      if (allNull) return { name, kind: 'none' };
      if (int32) {
        const a = new Int32Array(values.length);
        values.forEach((v, i) => {
          a[i] = v === null || v === undefined ? INT32_MIN : (v as number);
        });
        return { name, kind: 'i32', ...w.add(a) };
      }
      const a = new Float64Array(values.length);
      values.forEach((v, i) => {
        a[i] = v === null || v === undefined ? Number.NaN : (v as number);
      });
      return { name, kind: 'f64', ...w.add(a) };
    }
    case 'timestamp': {
      const ms = new Float64Array(values.length);
      let exact = true;
      values.forEach((v, i) => {
        if (v === null || v === undefined) {
          ms[i] = Number.NaN;
          return;
        }
        const t = Date.parse(v as string);
        if (Number.isNaN(t) || new Date(t).toISOString() !== v) exact = false;
        ms[i] = t;
      });
      if (exact) return { name, kind: 'ms', ...w.add(ms) };
      return packDict(name, values, w);
    }
    case 'text':
    case 'enum':
      return packDict(name, values, w);
    case 'boolean': {
      const a = new Uint8Array(values.length);
      values.forEach((v, i) => {
        a[i] = v === null || v === undefined ? 2 : v ? 1 : 0;
      });
      return { name, kind: 'bool', ...w.add(a) };
    }
    case 'list': {
      if (!spec.fields) break;
      const counts = new Int32Array(values.length);
      const items: Record<string, unknown>[] = [];
      values.forEach((v, i) => {
        if (!Array.isArray(v)) {
          counts[i] = -1;
          return;
        }
        counts[i] = v.length;
        items.push(...(v as Record<string, unknown>[]));
      });
      return {
        name,
        kind: 'list',
        ...w.add(counts),
        items: { count: items.length, columns: packRows(spec.fields, items, w) },
      };
    }
    default:
      break;
  }
  const json: Record<string, unknown> = {};
  values.forEach((v, i) => {
    if (v !== null && v !== undefined) json[i] = v;
  });
  return { name, kind: 'json', json };
}

function packDict(name: string, values: readonly unknown[], w: BlobWriter): PackedColumn {
  const dict: string[] = [];
  const index = new Map<string, number>();
  const codes = new Int32Array(values.length);
  values.forEach((v, i) => {
    if (v === null || v === undefined) {
      codes[i] = -1;
      return;
    }
    let c = index.get(v as string);
    if (c === undefined) {
      c = dict.length;
      dict.push(v as string);
      index.set(v as string, c);
    }
    codes[i] = c;
  });
  return { name, kind: 'dict', dict, ...w.add(codes) };
}

function packRows(
  fields: FieldSpecs,
  rows: readonly Record<string, unknown>[],
  w: BlobWriter,
): PackedColumn[] {
  return Object.entries(fields).map(([name, spec]) =>
    packColumn(
      name,
      spec,
      rows.map((r) => r[name]),
      w,
    ),
  );
}

/**
 * The file as a JSON header plus one binary blob.
 * @example
 * const { header, bytes } = packMetrics(file); // bytes: Uint8Array to base64 into the page
 */
export function packMetrics(file: MetricsFile): { header: PackedHeader; bytes: Uint8Array } {
  const w = new BlobWriter();
  const operations = {
    count: file.operations.length,
    columns: packRows(OPERATION_FIELDS, file.operations as unknown as Record<string, unknown>[], w),
  };
  const samples = {
    count: file.samples.length,
    columns: packRows(SAMPLE_FIELDS, file.samples as unknown as Record<string, unknown>[], w),
  };
  const alerts = {
    count: file.alerts.length,
    columns: packRows(ALERT_FIELDS, file.alerts as unknown as Record<string, unknown>[], w),
  };
  const bytes = w.bytes();
  return {
    header: { format: METRICS_FORMAT, run: file.run, operations, samples, alerts, bytes: bytes.length },
    bytes,
  };
}

/** A column's value at row `i`. */
type Reader = (i: number) => unknown;

/** Reads each row's value once, then hands back the same value (same array, same string). */
function cached(read: Reader, count: number): Reader {
  const values = new Array<unknown>(count);
  const done = new Uint8Array(count);
  return (i) => {
    if (!done[i]) {
      values[i] = read(i);
      done[i] = 1;
    }
    return values[i];
  };
}

function reader(col: PackedColumn, buffer: ArrayBuffer, count: number): Reader {
  const view = <T>(Ctor: new (b: ArrayBuffer, o: number, l: number) => T) =>
    new Ctor(buffer, col.offset ?? 0, col.length ?? 0);
  switch (col.kind) {
    case 'none':
      return () => null;
    case 'i32': {
      const a = view(Int32Array);
      return (i) => (a[i] === INT32_MIN ? null : a[i]);
    }
    case 'f64': {
      const a = view(Float64Array);
      return (i) => {
        const v = a[i]!;
        return Number.isNaN(v) ? null : v; // NaN = null
      };
    }
    case 'ms': {
      const a = view(Float64Array);
      return cached((i) => {
        const v = a[i]!;
        return Number.isNaN(v) ? null : new Date(v).toISOString();
      }, count);
    }
    case 'dict': {
      const a = view(Int32Array);
      const dict = col.dict ?? [];
      return (i) => (a[i]! < 0 ? null : dict[a[i]!]);
    }
    case 'bool': {
      const a = view(Uint8Array);
      return (i) => (a[i] === 2 ? null : a[i] === 1);
    }
    case 'list': {
      const counts = view(Int32Array);
      const itemCount = col.items?.count ?? 0;
      const itemColumns = col.items?.columns ?? [];
      const names = itemColumns.map((c) => c.name);
      const reads = itemColumns.map((c) => reader(c, buffer, itemCount));
      const starts = new Int32Array(count + 1);
      for (let i = 0; i < count; i++) starts[i + 1] = starts[i]! + Math.max(0, counts[i]!);
      // Items are plain objects, built when their row's list is first read.
      return cached((i) => {
        if (counts[i]! < 0) return null;
        const list: Record<string, unknown>[] = [];
        for (let k = starts[i]!; k < starts[i + 1]!; k++) {
          const item: Record<string, unknown> = {};
          for (let j = 0; j < names.length; j++) item[names[j]!] = reads[j]!(k);
          list.push(item);
        }
        return list;
      }, count);
    }
    case 'json': {
      const json = col.json ?? {};
      return (i) => json[i] ?? null;
    }
  }
}

/** Where a row view keeps its index (a symbol: not a field, not enumerable by Object.keys). */
const ROW = Symbol('row');

/**
 * The rows of a table as views over its columns: each row is an object with one own property
 * (its index) whose fields are getters on a shared prototype. 100,000 rows cost 100,000 tiny
 * objects instead of 3.6 million properties, which is most of the time JSON or eager rows take
 * (measured: about 0.7 s in Chromium on this machine for eager rows). Fields read like a plain
 * record's (`row.duration_seconds`); `JSON.stringify(row)` gives the full record (`toJSON`);
 * `Object.keys` and spreading see no fields, so code that needs a plain copy uses `toJSON()`.
 */
function readRows(
  columns: readonly PackedColumn[],
  buffer: ArrayBuffer,
  count: number,
): Record<string, unknown>[] {
  const proto: Record<string | symbol, unknown> = {};
  for (const c of columns) {
    const read = reader(c, buffer, count);
    Object.defineProperty(proto, c.name, {
      get(this: { [ROW]: number }) {
        return read(this[ROW]);
      },
      enumerable: true,
    });
  }
  Object.defineProperty(proto, 'toJSON', {
    value(this: Record<string, unknown>) {
      const plain: Record<string, unknown> = {};
      for (const c of columns) plain[c.name] = this[c.name];
      return plain;
    },
  });
  const rows = new Array<Record<string, unknown>>(count);
  for (let i = 0; i < count; i++) {
    const row = Object.create(proto) as Record<string | symbol, unknown>;
    row[ROW] = i;
    rows[i] = row;
  }
  return rows;
}

/**
 * The metrics file back from its header and blob. `buffer` must be the blob exactly (offset 0).
 * Its operations, samples and alerts are row views over the blob (see `readRows`).
 * @throws Error when the blob is shorter than the header says
 */
export function unpackMetrics(header: PackedHeader, buffer: ArrayBuffer): MetricsFile {
  if (buffer.byteLength < header.bytes) {
    throw new Error(`dashboard data: blob has ${buffer.byteLength} bytes, the header says ${header.bytes}`);
  }
  return {
    format: METRICS_FORMAT,
    run: header.run,
    operations: readRows(
      header.operations.columns,
      buffer,
      header.operations.count,
    ) as MetricsFile['operations'],
    samples: readRows(header.samples.columns, buffer, header.samples.count) as MetricsFile['samples'],
    alerts: readRows(header.alerts.columns, buffer, header.alerts.count) as MetricsFile['alerts'],
  };
}
