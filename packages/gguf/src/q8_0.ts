/**
 * Q8_0 quantization, as ggml's reference `quantize_row_q8_0_ref`: blocks of 32 values, each
 * stored as an f16 scale d = max|x| / 127 followed by 32 signed bytes round(x / d).
 */
import { f32ToF16Bits } from './f16.js';

export const Q8_0_BLOCK = 32;
export const Q8_0_BLOCK_BYTES = 2 + Q8_0_BLOCK;

/** C's `roundf`: halves go away from zero (Math.round sends −2.5 to −2). */
function roundAway(x: number): number {
  return x < 0 ? -Math.round(-x) : Math.round(x);
}

/**
 * Quantizes `src` (length a multiple of 32) into `dst` at byte `offset`; returns bytes written.
 *
 * @example
 * const out = new Uint8Array(34);
 * encodeQ8_0(new Float32Array(32).fill(0.5), out, 0); // d = 0.5/127, every q = 127
 */
export function encodeQ8_0(src: Float32Array, dst: Uint8Array, offset: number): number {
  if (src.length % Q8_0_BLOCK !== 0) {
    throw new RangeError(`Q8_0 needs a multiple of ${Q8_0_BLOCK} values, got ${src.length}`);
  }
  let o = offset;
  for (let b = 0; b < src.length; b += Q8_0_BLOCK) {
    let amax = 0;
    for (let j = 0; j < Q8_0_BLOCK; j++) {
      const a = Math.abs(src[b + j]!);
      if (a > amax) amax = a;
    }
    // float32 arithmetic, like the C reference, so rounding ties land the same way.
    const d = Math.fround(amax / 127);
    const id = d ? Math.fround(1 / d) : 0;
    const h = f32ToF16Bits(d);
    dst[o] = h & 0xff;
    dst[o + 1] = h >>> 8;
    for (let j = 0; j < Q8_0_BLOCK; j++) {
      // Stored as two's complement int8.
      dst[o + 2 + j] = roundAway(Math.fround(src[b + j]! * id)) & 0xff;
    }
    o += Q8_0_BLOCK_BYTES;
  }
  return o - offset;
}
