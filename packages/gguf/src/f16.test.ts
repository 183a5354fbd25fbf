import { describe, expect, it } from 'vitest';
import { encodeF16, f16BitsToF32, f32ToF16Bits } from './f16.js';
import { Xoshiro128 } from './xoshiro128.js';

// Bit patterns from the IEEE 754 binary16 definition.
const KNOWN: [number, number][] = [
  [0, 0x0000],
  [-0, 0x8000],
  [1, 0x3c00],
  [-2, 0xc000],
  [0.5, 0x3800],
  [65504, 0x7bff], // largest finite half
  [2 ** -14, 0x0400], // smallest normal
  [2 ** -24, 0x0001], // smallest subnormal
  [0.333251953125, 0x3555], // 1/3 rounded to half
  [Number.POSITIVE_INFINITY, 0x7c00],
  [Number.NEGATIVE_INFINITY, 0xfc00],
];

describe('f32ToF16Bits', () => {
  it.each(KNOWN)('encodes %d as its IEEE bit pattern', (value, bits) => {
    expect(f32ToF16Bits(value)).toBe(bits);
    expect(f16BitsToF32(bits)).toBe(value);
  });

  it('rounds to nearest, ties to even', () => {
    const ulp = 2 ** -10; // spacing of halves in [1, 2)
    expect(f32ToF16Bits(1 + ulp / 2)).toBe(0x3c00); // tie → even (1.0)
    expect(f32ToF16Bits(1 + (3 * ulp) / 2)).toBe(0x3c02); // tie → even (1 + 2ulp)
    expect(f32ToF16Bits(1 + ulp / 2 + 2 ** -20)).toBe(0x3c01); // above the tie → up
    expect(f32ToF16Bits(2 ** -25)).toBe(0); // half the smallest subnormal → even (0)
    expect(f32ToF16Bits(3 * 2 ** -25)).toBe(0x0002); // 1.5 subnormal steps → even (2)
  });

  it('overflows to infinity and keeps NaN a NaN', () => {
    expect(f32ToF16Bits(65520)).toBe(0x7c00); // rounds past the largest finite half
    expect(f32ToF16Bits(1e10)).toBe(0x7c00);
    expect(Number.isNaN(f16BitsToF32(f32ToF16Bits(Number.NaN)))).toBe(true);
  });

  it('round-trips every finite half exactly', () => {
    const wrong: number[] = [];
    for (let h = 0; h < 0x10000; h++) {
      if ((h & 0x7c00) === 0x7c00) continue; // Inf/NaN
      if (f32ToF16Bits(f16BitsToF32(h)) !== h) wrong.push(h);
    }
    expect(wrong).toEqual([]);
  });

  it('is within half an ulp of the input for random values, subnormals included', () => {
    const rng = new Xoshiro128(11);
    const values = new Float32Array(20_000);
    rng.fillUniform(values, 1);
    const wrong: number[] = [];
    values.forEach((u, i) => {
      // Magnitudes from 2^-30 (below the smallest subnormal half) to 2^15.
      const x = u * 2 ** ((i % 46) - 30);
      const y = f16BitsToF32(f32ToF16Bits(x));
      // A half's spacing: 2^(exponent − 10) for normals, 2^-24 for subnormals.
      const ulp = Math.max(2 ** (Math.floor(Math.log2(Math.abs(x))) - 10), 2 ** -24);
      if (!(Math.abs(x - y) <= ulp / 2)) wrong.push(x);
    });
    expect(wrong).toEqual([]);
  });
});

describe('encodeF16', () => {
  it('writes little-endian halves at the offset', () => {
    const out = new Uint8Array(6);
    expect(encodeF16(new Float32Array([1, -2]), out, 2)).toBe(4);
    expect([...out]).toEqual([0, 0, 0x00, 0x3c, 0x00, 0xc0]);
  });
});
