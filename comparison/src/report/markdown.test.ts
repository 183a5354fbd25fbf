import { describe, expect, it } from 'vitest';
import { bytes, NA, num, percent, sig, spreadCell, table, times } from './markdown.js';

describe('table', () => {
  it('writes a header, an alignment row (first column left, others right) and escaped cells', () => {
    expect(table(['tool', 'caught'], [['a|b', '5']])).toBe(
      ['| tool | caught |', '| :--- | ---: |', '| a\\|b | 5 |'].join('\n'),
    );
    expect(table(['a', 'b'], [['1', '2']], ['l', 'l']).split('\n')[1]).toBe('| :--- | :--- |');
  });

  it('refuses a row whose length differs from the header (a silently shifted column)', () => {
    expect(() => table(['a', 'b'], [['1']])).toThrow(/row 0 has 1 cells, the header 2/);
  });
});

describe('number formats', () => {
  it('shows unknown values as a dash, never as 0', () => {
    for (const f of [num, sig, times, percent, bytes]) expect(f(null)).toBe(NA);
    expect(num(Number.NaN)).toBe(NA);
    expect(spreadCell({ n: 0, median: null, p25: null, p75: null, min: null, max: null })).toBe(NA);
  });

  it('keeps about three significant digits', () => {
    expect(sig(0.000123456)).toBe('0.000123');
    expect(sig(1.23456)).toBe('1.23');
    expect(sig(123.456)).toBe('123');
    expect(sig(12345.6)).toBe('12,346');
  });

  it('formats ratios, percentages and binary sizes', () => {
    expect(times(12.34)).toBe('12.3×');
    expect(percent(0.5)).toBe('50 %');
    expect(bytes(256 * 1024 * 1024)).toBe('256 MiB');
  });

  it('writes median [p25–p75], min–max below three values, and marks a single run', () => {
    expect(spreadCell({ n: 5, median: 2, p25: 1, p75: 3, min: 0, max: 9 })).toBe('2.00 [1.00–3.00]');
    expect(spreadCell({ n: 2, median: 2, p25: 1.5, p75: 2.5, min: 1, max: 3 })).toBe('2.00 [1.00–3.00]');
    expect(spreadCell({ n: 1, median: 2, p25: 2, p75: 2, min: 2, max: 2 })).toBe('2.00 (1 run)');
  });
});
