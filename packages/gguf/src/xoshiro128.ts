/**
 * Seeded pseudo-random numbers for model weights: xoshiro128** (Blackman & Vigna), seeded
 * through splitmix32. 32-bit integer arithmetic only, so the stream is the same on every
 * platform and Node version — the reason a seed gives a byte-identical file.
 */

/** FNV-1a 32-bit hash of a string's UTF-16 code units (used to give each tensor its own stream). */
export function fnv1a32(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** A xoshiro128** generator. */
export class Xoshiro128 {
  private s0: number;
  private s1: number;
  private s2: number;
  private s3: number;

  /**
   * @example
   * const rng = new Xoshiro128(42);
   * rng.nextUint32(); // same value for seed 42, everywhere
   */
  constructor(seed: number) {
    // splitmix32 expands one 32-bit seed into a non-zero 128-bit state.
    let x = seed >>> 0;
    const next = () => {
      x = (x + 0x9e3779b9) >>> 0;
      let z = x;
      z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
      z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
      return (z ^ (z >>> 16)) >>> 0;
    };
    this.s0 = next();
    this.s1 = next();
    this.s2 = next();
    this.s3 = next();
  }

  /** Next 32 random bits as an unsigned integer. */
  nextUint32(): number {
    const result = Math.imul(rotl(Math.imul(this.s1, 5), 7), 9) >>> 0;
    const t = this.s1 << 9;
    this.s2 ^= this.s0;
    this.s3 ^= this.s1;
    this.s1 ^= this.s2;
    this.s0 ^= this.s3;
    this.s2 ^= t;
    this.s3 = rotl(this.s3, 11);
    return result;
  }

  /**
   * Fills `out` with uniform values in [−scale, scale): 24 random bits each, so every value is
   * exactly representable in float32.
   */
  fillUniform(out: Float32Array, scale: number): void {
    for (let i = 0; i < out.length; i++) {
      out[i] = ((this.nextUint32() >>> 8) * 2 ** -23 - 1) * scale;
    }
  }
}

function rotl(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k));
}
