import { describe, expect, it } from 'vitest';
import { pixelColor, Raster } from './raster.js';

const painted = (r: Raster) => {
  let n = 0;
  for (let y = 0; y < r.rows; y++) for (let x = 0; x < r.cols; x++) if (r.at(x, y)) n++;
  return n;
};

describe('Raster', () => {
  it('packs #rrggbb as an opaque little-endian RGBA pixel', () => {
    const c = pixelColor('#0072B2');
    expect(new Uint8Array(new Uint32Array([c]).buffer)).toEqual(new Uint8Array([0x00, 0x72, 0xb2, 0xff]));
  });

  it('fills rectangles in device pixels, clipped to the area and its margin', () => {
    const r = new Raster(10, 10, 2, 2); // 28 × 28 device pixels
    r.fillRect(0, 0, 2, 3, 7);
    expect(painted(r)).toBe(4 * 6);
    expect(r.at(4, 4)).toBe(7); // chart (0, 0) is device (4, 4)
    r.fillRect(-50, -50, 1000, 1, 9); // clipped, no throw
    expect(r.at(0, 0)).toBe(9);
  });

  it('draws at least one pixel for a mark narrower than a pixel', () => {
    const r = new Raster(10, 10, 0, 1);
    r.fillRect(3.2, 3.2, 0.01, 0.01, 1);
    expect(painted(r)).toBe(1);
  });

  it('merges overlapping extents into the columns they cover', () => {
    const r = new Raster(100, 4, 0, 1);
    r.fillExtents(
      [
        [10, 5],
        [12, 10],
        [50, 0.1],
      ],
      0,
      4,
      3,
    );
    // columns 10–21 and 50, on all 4 rows
    expect(painted(r)).toBe((12 + 1) * 4);
    expect(r.at(21, 0)).toBe(3);
    expect(r.at(22, 0)).toBe(0);
  });

  it('outlines a rectangle one device pixel wide', () => {
    const r = new Raster(10, 10, 0, 1);
    r.strokeRect(1, 1, 4, 4, 5);
    expect(painted(r)).toBe(12);
    expect(r.at(2, 2)).toBe(0);
  });
});
