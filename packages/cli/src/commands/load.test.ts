import { describe, expect, it } from 'vitest';
import { levelList } from './load.js';

describe('llmmon load levels', () => {
  it('reads lists and doubling ranges', () => {
    expect(levelList('--concurrency', true)('1,2, 4')).toEqual([1, 2, 4]);
    expect(levelList('--concurrency', true)('1..16')).toEqual([1, 2, 4, 8, 16]);
    expect(levelList('--concurrency', true)('3..20')).toEqual([3, 6, 12]);
    expect(levelList('--rate', false)('0.5..2')).toEqual([0.5, 1, 2]);
    expect(levelList('--rate', false)('1,inf')).toEqual([1, Infinity]);
  });

  it('rejects what is not a level, in one line naming the flag', () => {
    expect(() => levelList('--concurrency', true)('0')).toThrow(
      '--concurrency: expected a number > 0, got 0',
    );
    expect(() => levelList('--concurrency', true)('1.5')).toThrow('--concurrency: expected whole numbers');
    expect(() => levelList('--concurrency', true)('inf')).toThrow('--concurrency: expected a number > 0');
    expect(() => levelList('--rate', false)('4..2')).toThrow('--rate: range 4..2 runs backwards');
  });
});
