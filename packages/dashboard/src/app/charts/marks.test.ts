import { describe, expect, it } from 'vitest';
import { groupByFill, spanBox } from './marks.js';

describe('groupByFill', () => {
  it('groups marks by colour in order of first appearance, hollow apart from solid', () => {
    const marks = [
      { id: 1, model: 'a', failed: false },
      { id: 2, model: 'b', failed: true },
      { id: 3, model: 'a', failed: true },
      { id: 4, model: 'b', failed: false },
      { id: 5, model: 'a', failed: false },
    ];
    const groups = groupByFill(
      marks,
      (m) => (m.model === 'a' ? '#0072B2' : '#E69F00'),
      (m) => m.failed,
    );
    expect([...groups.keys()]).toEqual(['#0072B2', '#E69F00']);
    expect(groups.get('#0072B2')!.solid.map((m) => m.id)).toEqual([1, 5]);
    expect(groups.get('#0072B2')!.hollow.map((m) => m.id)).toEqual([3]);
    expect(groups.get('#E69F00')!.solid.map((m) => m.id)).toEqual([4]);
    expect(groups.get('#E69F00')!.hollow.map((m) => m.id)).toEqual([2]);
  });
});

describe('spanBox', () => {
  it('centres a box of 70 % of the band in it', () => {
    const { offset, height } = spanBox(20);
    expect(height).toBeCloseTo(14);
    expect(offset + height / 2).toBeCloseTo(10);
  });
});
