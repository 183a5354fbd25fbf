import { describe, expect, it } from 'vitest';
import { CSV_COLUMNS, fromCsvRow, neutralizeCsvText, restoreCsvText, toCsvRow } from './csv.js';
import { OPERATION_COLUMNS, OperationRecordSchema } from './operation.js';

const record = OperationRecordSchema.parse({
  timestamp: '2024-05-01T12:00:00.000Z',
  model_name: 'm',
  operation: 'inference',
  text_length: 10,
  duration_seconds: 0.1 + 0.2, // 0.30000000000000004 must survive
  gpu_available: false,
  threads: [{ tid: null, name: '(exited threads)', cpu_seconds: 0.25 }],
  status: 'ok',
});

describe('CSV rows', () => {
  it('has the schema columns in order', () => {
    expect(CSV_COLUMNS).toEqual(OPERATION_COLUMNS);
  });

  it('writes null as empty, booleans as words, nested values as JSON, numbers exactly', () => {
    const row = Object.fromEntries(CSV_COLUMNS.map((k, i) => [k, toCsvRow(record)[i]!]));
    expect(row).toMatchObject({
      duration_seconds: '0.30000000000000004',
      gpu_available: 'false',
      cpu_delta_percent: '',
      threads: '[{"tid":null,"name":"(exited threads)","cpu_seconds":0.25}]',
    });
    expect(fromCsvRow(row)).toEqual(record);
  });

  it('names the column that does not parse', () => {
    const row = Object.fromEntries(CSV_COLUMNS.map((k, i) => [k, toCsvRow(record)[i]!]));
    expect(() => fromCsvRow({ ...row, text_length: 'ten' })).toThrow(/^text_length: /);
    expect(() => fromCsvRow({ ...row, metadata: '{oops' })).toThrow(/^metadata: /);
  });

  it('neutralizes text a spreadsheet would run as a formula, and reads it back exactly', () => {
    const hostile = [
      '=HYPERLINK("http://x")',
      "+cmd|' /C calc'!A0",
      '-2+3',
      '@SUM(A1)',
      '\tx',
      '\rx',
      "'=already",
    ];
    for (const text of hostile) {
      const cell = neutralizeCsvText(text);
      expect(cell.startsWith("'")).toBe(true);
      expect(restoreCsvText(cell)).toBe(text);
    }
    for (const text of ['plain', "it's", "'quoted", '', '1e5', 'a=b']) {
      expect(neutralizeCsvText(text)).toBe(text);
      expect(restoreCsvText(text)).toBe(text);
    }
    const evil = { ...record, model_name: '=HYPERLINK("http://x")', error: '@evil', memory_delta_mb: -5 };
    const row = Object.fromEntries(CSV_COLUMNS.map((k, i) => [k, toCsvRow(evil)[i]!]));
    expect(row).toMatchObject({
      model_name: '\'=HYPERLINK("http://x")',
      error: "'@evil",
      memory_delta_mb: '-5',
    });
    expect(fromCsvRow(row)).toEqual(evil);
  });
});
