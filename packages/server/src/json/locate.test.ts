import { describe, expect, it } from 'vitest';
import { bufferSource, JsonSyntaxError, locateRecords, parseRest } from './locate.js';

const locate = (text: string, options = {}) => locateRecords(bufferSource(Buffer.from(text)), options);
const slice = (text: string, loc: { start: number; end: number }) =>
  Buffer.from(text)
    .subarray(loc.start, loc.end + 1)
    .toString();

describe('locateRecords', () => {
  it('finds the operations array between a header and trailing members', () => {
    const text =
      '{"format":"x","run":{"id":"a]}"},"operations":[{"a":"}],"},{"b":[1]}],"samples":[{"t":1}],"alerts":[]}';
    const loc = locate(text)!;
    expect(loc).toMatchObject({ kind: 'member', key: 'operations', exact: true });
    expect(slice(text, loc)).toBe('[{"a":"}],"},{"b":[1]}]');
    expect(parseRest(bufferSource(Buffer.from(text)), loc)).toEqual({
      format: 'x',
      run: { id: 'a]}' },
      operations: [],
      samples: [{ t: 1 }],
      alerts: [],
    });
  });

  it('handles escaped quotes and backslashes in strings on both sides', () => {
    const text = '{"run":"\\"[","operations":[{"s":"\\\\"}],"alerts":["\\\\\\"]"]}';
    const loc = locate(text)!;
    expect(JSON.parse(slice(text, loc))).toEqual([{ s: '\\' }]);
    expect(parseRest(bufferSource(Buffer.from(text)), loc)).toEqual({
      run: '"[',
      operations: [],
      alerts: ['\\"]'],
    });
  });

  it('takes a bare array (the original format) and "metrics"', () => {
    expect(locate('  [ {"a":1} ]\n')).toMatchObject({ kind: 'array', start: 2, end: 12, exact: true });
    const loc = locate('{"metrics":[1,2],"summary":{}}')!;
    expect(loc.key).toBe('metrics');
  });

  it('guesses the end of a long array past the budget, and scans exactly when asked', () => {
    const records = JSON.stringify(Array.from({ length: 200 }, (_, i) => ({ i })));
    const text = `{"operations":${records},"samples":[]}`;
    const guess = locate(text, { backwardBudget: 100 })!;
    expect(guess.exact).toBe(false);
    expect(slice(text, guess)).toBe(records);
    const exact = locate(text, { exact: true })!;
    expect(exact).toMatchObject({ exact: true, end: guess.end });
  });

  it('says when there is no records array, and where JSON is broken', () => {
    expect(locate('{"format":"x","run":{}}')).toBeNull();
    expect(locate('"text"')).toBeNull();
    expect(() => locate('{"operations":[1,2')).toThrow(JsonSyntaxError);
    expect(() => locate('{"a" 1}')).toThrow(/expected ':' at byte 5/);
  });
});
