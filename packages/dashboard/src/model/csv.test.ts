import { CSV_COLUMNS, OPERATION_COLUMNS, toCsvRow } from '@llmmon/core/schema';
import { rec } from '@llmmon/testkit';
import Papa from 'papaparse';
import { describe, expect, it } from 'vitest';
import { operationsCsv, tableCsv } from './csv.js';

describe('operationsCsv', () => {
  const rows = [
    rec({ seq: 0, model_name: 'a,b', duration_seconds: 0.123456789012345, error: null }),
    rec({ seq: 1, model_name: 'say "hi"', status: 'error', error: 'line 1\nline 2' }),
    rec({ seq: 2, threads: [{ tid: 7, name: 'node', cpu_seconds: 0.5 }], peak_memory_mb: null }),
  ];
  const columns = [
    'seq',
    'model_name',
    'duration_seconds',
    'status',
    'error',
    'peak_memory_mb',
    'threads',
  ] as const;
  const text = operationsCsv(rows, columns);

  it('writes RFC 4180: header first, CRLF between records, quotes only where needed, doubled inside', () => {
    const lines = text.split('\r\n');
    expect(lines[0]).toBe(columns.join(','));
    expect(lines[1]).toBe('0,"a,b",0.123456789012345,ok,,500,');
    expect(text).toContain('1,"say ""hi""",1,error,"line 1\nline 2",500,');
    expect(text).toContain('"[{""tid"":7,""name"":""node"",""cpu_seconds"":0.5}]"');
  });

  it('parses back (papaparse) to the records’ own values at full precision', () => {
    const parsed = Papa.parse<Record<string, string>>(text, { header: true, newline: '\r\n' });
    expect(parsed.errors).toEqual([]);
    expect(parsed.data).toHaveLength(rows.length);
    parsed.data.forEach((row, i) => {
      const r = rows[i]!;
      expect(Number(row.seq)).toBe(r.seq);
      expect(row.model_name).toBe(r.model_name);
      expect(Number(row.duration_seconds)).toBe(r.duration_seconds);
      expect(row.error).toBe(r.error ?? '');
      expect(row.peak_memory_mb).toBe(r.peak_memory_mb === null ? '' : String(r.peak_memory_mb));
      expect(row.threads === '' ? null : JSON.parse(row.threads!)).toEqual(r.threads);
    });
  });

  it('writes every cell as core’s toCsvRow does (the server’s and the monitor’s CSV)', () => {
    const all = operationsCsv(rows, OPERATION_COLUMNS);
    const parsed = Papa.parse<string[]>(all, { newline: '\r\n' });
    expect(parsed.data).toEqual([[...CSV_COLUMNS], ...rows.map(toCsvRow)]);
  });

  it('writes the header alone for no rows', () => {
    expect(operationsCsv([], ['seq', 'model_name'])).toBe('seq,model_name\r\n');
  });
});

describe('tableCsv', () => {
  it('writes nested values as JSON and null as an empty field', () => {
    expect(tableCsv(['a', 'b', 'c'], [[1, null, { x: [1, 2] }]])).toBe('a,b,c\r\n1,,"{""x"":[1,2]}"');
    // Text a spreadsheet would run as a formula gets a leading apostrophe; numbers stay numbers.
    expect(tableCsv(['a', 'b', 'c'], [['=1+1', -5, '+cmd']])).toBe("a,b,c\r\n'=1+1,-5,'+cmd");
  });
});
