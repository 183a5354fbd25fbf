import { describe, expect, it } from 'vitest';
import { CpuSlices } from './cpu-slices.js';

const ms = 1e6;

describe('CpuSlices', () => {
  it('takes the busiest 10 ms slice', () => {
    const s = new CpuSlices(0, 0);
    s.add(10 * ms, 2 * ms); // 20 %
    s.add(20 * ms, 12 * ms); // 100 %
    s.add(30 * ms, 13 * ms); // 10 %
    expect(s.finish(40 * ms, 14 * ms)).toBeCloseTo(100);
  });

  it('groups readings closer than 10 ms into one slice', () => {
    const s = new CpuSlices(0, 0);
    s.add(4 * ms, 4 * ms); // 100 % over 4 ms: not a slice yet
    s.add(10 * ms, 4 * ms); // slice 0–10 ms: 40 %
    expect(s.finish(20 * ms, 4 * ms)).toBeCloseTo(40);
  });

  it('merges a short tail into the slice before it', () => {
    const s = new CpuSlices(0, 0);
    s.add(10 * ms, 0); // 0 %
    // 1 ms tail at 100 % would read as a 100 % slice; merged it is 1/11 ≈ 9 %
    expect(s.finish(11 * ms, 1 * ms)).toBeCloseTo((1 / 11) * 100);
  });

  it('treats a window shorter than a slice as one slice', () => {
    const s = new CpuSlices(0, 0);
    expect(s.finish(3 * ms, 1.5 * ms)).toBeCloseTo(50);
  });
});
