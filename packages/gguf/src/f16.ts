/**
 * IEEE 754 binary16 conversion (Node 20 has no Float16Array). Round to nearest, ties to even,
 * like the hardware conversion ggml uses (`GGML_FP32_TO_FP16`), so F16 files match what
 * llama.cpp's own converters would write for the same floats.
 */

const f32 = new Float32Array(1);
const u32 = new Uint32Array(f32.buffer);

/**
 * The binary16 bit pattern of `x` (rounded to nearest even; overflow → ±Infinity).
 *
 * @example
 * f32ToF16Bits(1); // 0x3c00
 */
export function f32ToF16Bits(x: number): number {
  f32[0] = x;
  const bits = u32[0]!;
  const sign = (bits >>> 16) & 0x8000;
  const exp = (bits >>> 23) & 0xff;
  const mant = bits & 0x7fffff;
  if (exp === 0xff) return sign | 0x7c00 | (mant ? 0x200 : 0); // Inf, NaN (quiet)
  const e = exp - 127 + 15; // rebias
  if (e >= 0x1f) return sign | 0x7c00; // too large: Inf
  if (e <= 0) {
    // Subnormal half (or zero): value = m × 2^-24, m = (1.mant) >> (14 − e).
    if (e < -10) return sign;
    const full = mant | 0x800000;
    const shift = 14 - e;
    let half = full >>> shift;
    const rem = full & ((1 << shift) - 1);
    const halfway = 1 << (shift - 1);
    if (rem > halfway || (rem === halfway && half & 1)) half++;
    return sign | half;
  }
  let half = (e << 10) | (mant >>> 13);
  const rem = mant & 0x1fff;
  // A carry out of the mantissa correctly bumps the exponent (up to Inf).
  if (rem > 0x1000 || (rem === 0x1000 && half & 1)) half++;
  return sign | half;
}

/**
 * The number a binary16 bit pattern stands for.
 *
 * @example
 * f16BitsToF32(0x3c00); // 1
 */
export function f16BitsToF32(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exp = (h >>> 10) & 0x1f;
  const mant = h & 0x3ff;
  if (exp === 0) return sign * mant * 2 ** -24;
  if (exp === 0x1f) return mant ? Number.NaN : sign * Number.POSITIVE_INFINITY;
  return sign * (1 + mant / 1024) * 2 ** (exp - 15);
}

/** Writes `src` as little-endian binary16 into `dst` starting at byte `offset`; returns bytes written. */
export function encodeF16(src: Float32Array, dst: Uint8Array, offset: number): number {
  for (let i = 0; i < src.length; i++) {
    const h = f32ToF16Bits(src[i]!);
    dst[offset + 2 * i] = h & 0xff;
    dst[offset + 2 * i + 1] = h >>> 8;
  }
  return src.length * 2;
}
