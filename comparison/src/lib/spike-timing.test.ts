import { describe, expect, it } from 'vitest';
import { ABOVE_BINS_MS, aboveBin, aboveLine } from './spike-timing.js';

const MiB = 2 ** 20;
// 16 chunks in at 1 ms each from t = 0, a hold of 10 ms, 16 chunks out at 1 ms each.
const make = Array.from({ length: 17 }, (_, i) => i / 1000);
const drop = Array.from({ length: 17 }, (_, i) => (26 + i) / 1000);

describe('aboveLine', () => {
  it('finds the chunks that cross 90 % of baseline + bytes, up and down', () => {
    // Baseline 0: the line is 90 % of the spike, crossed by chunk 15 (15/16 = 93.75 %) going up,
    // and by the 2nd chunk out (14/16 = 87.5 % left) going down.
    const l = aboveLine({ bytes: 256 * MiB, make, drop }, 0);
    expect(l.line_bytes).toBeCloseTo(0.9 * 256 * MiB);
    expect(l.above_seconds).toBeCloseTo(drop[1]! - make[15]!); // 12 ms
    expect(l.above_max_seconds).toBeCloseTo(drop[2]! - make[14]!); // 14 ms
    expect(l.total_seconds).toBeCloseTo(0.042);
    // One chunk after the rise crossed, one chunk of the fall before it crossed.
    expect(l.edges_seconds).toBeCloseTo(0.002);
  });

  it('needs less of the spike when the baseline is large', () => {
    // Baseline 1 GiB: the line is 0.9 × 1.25 GiB, which 128 MiB of the spike (half) reaches.
    const l = aboveLine({ bytes: 256 * MiB, make, drop }, 1024 * MiB);
    const need = 0.9 * 1280 * MiB - 1024 * MiB; // 128 MiB: 8 chunks in; down after 9 chunks out
    expect(need).toBeCloseTo(128 * MiB);
    expect(l.above_seconds).toBeCloseTo(drop[8]! - make[8]!);
    expect(l.above_max_seconds).toBeCloseTo(drop[9]! - make[7]!);
  });

  it('rejects timestamps that do not pair up', () => {
    expect(() => aboveLine({ bytes: 1, make: [0], drop: [1] }, 0)).toThrow('same number');
    expect(() => aboveLine({ bytes: 1, make: [0, 1], drop: [1, 2, 3] }, 0)).toThrow('same number');
  });
});

describe('aboveBin', () => {
  it('puts a duration in the bin whose [from, to) holds it', () => {
    expect(aboveBin(0.005)).toBe(0);
    expect(aboveBin(0.02)).toBe(2);
    expect(aboveBin(0.8)).toBe(ABOVE_BINS_MS.length - 1);
  });
});
