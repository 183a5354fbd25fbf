import { describe, expect, it } from 'vitest';
import type { z } from 'zod';
import { ALERT_FIELDS } from './alert.js';
import { type FieldSpec, type FieldSpecs, LIMITS, objectSchema } from './field.js';
import {
  LiveOperationsBatchSchema,
  LiveSamplesBatchSchema,
  quickLiveOperationsBatch,
  quickLiveSamplesBatch,
} from './live.js';
import { OPERATION_FIELDS } from './operation.js';
import { recordParser } from './record-parser.js';
import { RUN_FIELDS } from './run.js';
import { SAMPLE_FIELDS } from './sample.js';

/** A valid value for every field (nested ones included), derived from the specs. */
function validValue(spec: FieldSpec): unknown {
  switch (spec.type) {
    case 'timestamp':
      return '2026-12-07T10:00:00.123+01:00';
    case 'text':
      return spec.id ? 'run-1' : 'model-a';
    case 'enum':
      return spec.values![spec.values!.length - 1];
    case 'float':
      return spec.min !== undefined ? spec.min + 0.5 : 12.25;
    case 'integer':
      return spec.min !== undefined ? spec.min + 3 : 7;
    case 'boolean':
      return true;
    case 'json':
      return { a: [1, { b: 'c' }] };
    case 'struct':
      return validRecord(spec.fields!);
    case 'list':
      return spec.fields ? [validRecord(spec.fields), validRecord(spec.fields)] : ['a', 'b'];
  }
}

function validRecord(fields: FieldSpecs): Record<string, unknown> {
  return Object.fromEntries(Object.entries(fields).map(([k, f]) => [k, validValue(f)]));
}

/** Values that break some rule of some field, or sit on its edge. */
const deep = (n: number): unknown => (n === 0 ? 1 : { x: deep(n - 1) });
const DAMAGE: unknown[] = [
  undefined,
  null,
  Number.NaN,
  Number.POSITIVE_INFINITY,
  -1,
  0,
  1.5,
  2 ** 60,
  -(2 ** 53),
  '',
  ' ',
  'a\u0000b',
  'x'.repeat(LIMITS.idLength + 1),
  'x'.repeat(LIMITS.nameLength),
  'x'.repeat(LIMITS.nameLength + 1),
  '2026-02-30T00:00:00Z',
  '2026-12-07T10:00:00',
  '2026-12-07',
  '12.5',
  true,
  {},
  [],
  [1],
  ['a', 2],
  [{}],
  deep(LIMITS.jsonDepth + 2),
  deep(LIMITS.jsonDepth - 1),
  JSON.parse('{"__proto__": {"a": 1}, "b": 2}'),
  { 2: 'two', 1: 'one', z: null },
  { a: 'x'.repeat(LIMITS.jsonBytes) },
];

/** The record with the value at `path` replaced (a missing value deletes the key). */
function damaged(record: Record<string, unknown>, path: (string | number)[], value: unknown): unknown {
  const copy = structuredClone(record);
  let at: Record<string | number, unknown> = copy;
  for (const p of path.slice(0, -1)) at = at[p] as Record<string | number, unknown>;
  const last = path.at(-1)!;
  if (value === undefined) delete at[last];
  else at[last] = value;
  return copy;
}

/** Paths of every field, nested ones through the first item of a list. */
function paths(fields: FieldSpecs, prefix: (string | number)[] = []): (string | number)[][] {
  return Object.entries(fields).flatMap(([k, f]) => {
    const here = [...prefix, k];
    if (f.type === 'struct') return [here, ...paths(f.fields!, here)];
    if (f.type === 'list' && f.fields) return [here, ...paths(f.fields, [...here, 0])];
    return [here];
  });
}

const schemas: [string, FieldSpecs][] = [
  ['run', RUN_FIELDS],
  ['operation', OPERATION_FIELDS],
  ['alert', ALERT_FIELDS],
  ['sample', SAMPLE_FIELDS],
];

describe('recordParser', () => {
  for (const [name, fields] of schemas) {
    it(`gives zod's output for ${name} records, valid and damaged, or leaves them to zod`, () => {
      const schema = objectSchema(fields);
      const quick = recordParser(fields);
      const valid = { ...validRecord(fields), unknown_key: 1 };
      const zod = schema.safeParse(valid);
      expect(zod.success, JSON.stringify(zod.error?.issues)).toBe(true);
      // A valid record takes the quick path, and gets zod's output, key order included.
      expect(JSON.stringify(quick(valid))).toBe(JSON.stringify(zod.data));
      let quickCount = 0;
      let cases = 0;
      for (const path of paths(fields)) {
        for (const value of DAMAGE) {
          const input = damaged(valid, path, value);
          const expected = schema.safeParse(input);
          const got = quick(input);
          cases++;
          if (got === undefined) continue;
          quickCount++;
          const where = `${path.join('.')} = ${JSON.stringify(value)?.slice(0, 60)}`;
          expect(expected.success, where).toBe(true);
          expect(JSON.stringify(got), where).toBe(JSON.stringify(expected.data));
        }
      }
      // Most damage is refused, but edge values that are valid take the quick path too.
      expect(quickCount).toBeGreaterThan(0);
      expect(quickCount).toBeLessThan(cases);
    });
  }

  it('refuses what is no record', () => {
    const quick = recordParser(SAMPLE_FIELDS);
    for (const input of [null, undefined, 1, 'x', [], [validRecord(SAMPLE_FIELDS)]]) {
      expect(quick(input)).toBeUndefined();
    }
  });
});

describe('quick live batches', () => {
  const run = validRecord(RUN_FIELDS);
  const op = validRecord(OPERATION_FIELDS);
  const cases: [string, z.ZodType, (v: unknown) => unknown, unknown[]][] = [
    [
      'operations',
      LiveOperationsBatchSchema,
      quickLiveOperationsBatch,
      [
        { run, operations: [op, op] },
        { run, operations: [], alerts: [validRecord(ALERT_FIELDS)] },
        { run, operations: [op, { ...op, duration_seconds: -1 }] },
        { run, operations: op },
        { operations: [op] },
        { run, operations: [op], alerts: null },
        [run],
      ],
    ],
    [
      'samples',
      LiveSamplesBatchSchema,
      quickLiveSamplesBatch,
      [{ run, samples: [validRecord(SAMPLE_FIELDS)] }, { run, samples: [{}] }, { run }, null],
    ],
  ];
  for (const [name, schema, quick, inputs] of cases) {
    it(`${name}: zod's output for valid batches, undefined for the others`, () => {
      for (const input of inputs) {
        const expected = schema.safeParse(input);
        const got = quick(input);
        if (expected.success) expect(JSON.stringify(got)).toBe(JSON.stringify(expected.data));
        else expect(got).toBeUndefined();
      }
    });
  }
});
