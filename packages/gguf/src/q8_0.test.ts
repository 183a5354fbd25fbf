import { describe, expect, it } from 'vitest';
import { f16BitsToF32 } from './f16.js';
import { encodeQ8_0, Q8_0_BLOCK_BYTES } from './q8_0.js';
import { Xoshiro128 } from './xoshiro128.js';

/** Reads block `b` back: ggml's `dequantize_row_q8_0` (x = d × q). */
function dequantize(bytes: Uint8Array, blocks: number): Float32Array {
  const out = new Float32Array(blocks * 32);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  for (let b = 0; b < blocks; b++) {
    const d = f16BitsToF32(view.getUint16(b * Q8_0_BLOCK_BYTES, true));
    for (let j = 0; j < 32; j++) out[b * 32 + j] = d * view.getInt8(b * Q8_0_BLOCK_BYTES + 2 + j);
  }
  return out;
}

describe('encodeQ8_0', () => {
  it('stores the scale max|x|/127 and maps the largest value to ±127', () => {
    const src = new Float32Array(32).map((_, i) => (i - 16) / 16); // −1 … 0.9375
    const out = new Uint8Array(Q8_0_BLOCK_BYTES);
    expect(encodeQ8_0(src, out, 0)).toBe(34);
    const view = new DataView(out.buffer);
    expect(f16BitsToF32(view.getUint16(0, true))).toBeCloseTo(1 / 127, 5);
    expect(view.getInt8(2)).toBe(-127); // x = −1
    expect(view.getInt8(2 + 16)).toBe(0); // x = 0
  });

  it('reconstructs every value within half a step (plus the f16 rounding of the scale)', () => {
    const src = new Float32Array(32 * 50);
    new Xoshiro128(5).fillUniform(src, 4);
    const out = new Uint8Array(50 * Q8_0_BLOCK_BYTES);
    encodeQ8_0(src, out, 0);
    const back = dequantize(out, 50);
    for (let b = 0; b < 50; b++) {
      const block = src.subarray(b * 32, b * 32 + 32);
      const step = Math.max(...block.map(Math.abs)) / 127;
      for (let j = 0; j < 32; j++) {
        expect(Math.abs(back[b * 32 + j]! - block[j]!)).toBeLessThanOrEqual(
          step * 0.5 + step * 127 * 2 ** -11,
        );
      }
    }
  });

  it('encodes an all-zero block as zero scale and zero values', () => {
    const out = new Uint8Array(Q8_0_BLOCK_BYTES).fill(0xff);
    encodeQ8_0(new Float32Array(32), out, 0);
    expect([...out].every((b) => b === 0)).toBe(true);
  });

  it('rejects a length that is not whole blocks', () => {
    expect(() => encodeQ8_0(new Float32Array(33), new Uint8Array(100), 0)).toThrow(/multiple of 32/);
  });
});
