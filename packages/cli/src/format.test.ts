import { describe, expect, it } from 'vitest';
import { cell, num, table } from './format.js';

describe('table', () => {
  it('aligns columns: text left, numbers right, widths from the longest cell', () => {
    expect(
      table(
        ['model', 'p95'],
        [
          ['tiny', '0.52'],
          ['medium-f16', '12.5'],
        ],
      ),
    ).toBe('model        p95\n----------  ----\ntiny        0.52\nmedium-f16  12.5\n');
  });

  it('lays out as many rows as llmmon query returns and more (no argument spread)', () => {
    const rows = Array.from({ length: 300_000 }, (_, i) => [String(i)]);
    const text = table(['n'], rows);
    expect(text.split('\n')[1]).toBe('------');
    expect(text.split('\n')[2]).toBe('     0');
    expect(text.endsWith('\n299999\n')).toBe(true);
  });
});

describe('cells', () => {
  it('writes unknown as a dash or NULL, never 0', () => {
    expect(num(null)).toBe('—');
    expect(cell(null)).toBe('NULL');
    expect(num(0.123456)).toBe('0.1235');
    expect(cell({ a: 1 })).toBe('{"a":1}');
  });
});
