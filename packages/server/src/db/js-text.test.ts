import { DuckDBInstance } from '@duckdb/node-api';
import { mulberry32 } from '@llmmon/core/random';
import { OperationRecordSchema } from '@llmmon/core/schema';
import { describe, expect, it } from 'vitest';
import { jsNumberSql, jsonTextSql } from './js-text.js';
import { duckdbType, OPERATIONS } from './tables.js';

async function connect() {
  return (await DuckDBInstance.create(':memory:')).connect();
}

describe('jsNumberSql', () => {
  it('writes every double as String(x) does, across the whole range', async () => {
    const rnd = mulberry32(7);
    const xs = [0, 1, 100, 0.1, 0.3, 1.5, 1e21, 1e16, 1e15, 1e-7, 1e-6, 1e-5, 1e-4, 5e-324];
    xs.push(2 ** 53, 2 ** 53 + 2, Number.MAX_VALUE, Number.MIN_VALUE, 123456789012345680000);
    for (let k = -323; k <= 307; k++) {
      for (let j = 0; j < 12; j++) {
        const v = rnd() * 10 ** k;
        xs.push(v, Number(v.toPrecision(1 + (j % 17))));
      }
    }
    const all = [...xs, ...xs.map((x) => -x)];
    const c = await connect();
    // Strings cast to DOUBLE (a bare literal would be read as a DECIMAL first and rounded):
    // String(x) round-trips every double exactly.
    const values = all.map((x) => `('${String(x)}'::DOUBLE)`).join(',');
    const r = await c.runAndReadAll(`SELECT ${jsNumberSql('x')} FROM (VALUES ${values}) t(x)`);
    const got = r.getRowsJS().map(([s]) => s);
    const wrong = all.map((x, i) => [String(x), got[i]]).filter(([want, have]) => want !== have);
    expect(wrong.slice(0, 5)).toEqual([]);
    expect(all.length).toBeGreaterThan(15_000);
    // -0 is "0" in JS, and null stays null.
    const z = await c.runAndReadAll(`SELECT ${jsNumberSql('x')} FROM (VALUES (-0.0::DOUBLE), (NULL)) t(x)`);
    expect(z.getRowsJS()).toEqual([['0'], [null]]);
  });
});

describe('jsonTextSql', () => {
  it('writes the threads list as JSON.stringify writes the parsed record', async () => {
    const threads = [
      { tid: 101, name: 'main', cpu_seconds: 1 },
      { tid: 102, name: 'a "quoted", \\ name', cpu_seconds: 1.5e-5 },
      { tid: null, name: '(exited threads)', cpu_seconds: 0.1 + 0.2 },
    ];
    const parsed = OperationRecordSchema.shape.threads.parse(threads);
    const spec = OPERATIONS.columns.find((col) => col.name === 'threads')!.spec;
    const type = duckdbType(spec);
    const c = await connect();
    const literal = `[${threads.map((t) => `{'tid': ${t.tid ?? 'NULL'}, 'name': '${t.name.replace(/'/g, "''")}', 'cpu_seconds': '${t.cpu_seconds}'::DOUBLE}`).join(', ')}]`;
    const r = await c.runAndReadAll(
      `SELECT ${jsonTextSql(spec, 'x')}, ${jsonTextSql(spec, 'e')}, ${jsonTextSql(spec, 'n')} FROM (SELECT ${literal}::${type} AS x, []::${type} AS e, NULL::${type} AS n) t`,
    );
    expect(r.getRowsJS()[0]).toEqual([JSON.stringify(parsed), '[]', null]);
  });
});
