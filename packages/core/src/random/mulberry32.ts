/**
 * mulberry32 (Tommy Ettinger): a tiny seeded generator of floats in [0, 1) with a 32-bit state.
 * Plenty for synthetic test and benchmark data, and 32-bit integer arithmetic only, so a seed
 * gives the same stream on every platform and in the browser. Fixtures (the test kit's
 * synthetic run and generated records, the comparison suite's datasets) depend on this exact
 * stream: `mulberry32.test.ts` pins it.
 */

/**
 * A generator of uniform floats in [0, 1) (like `Math.random`, with 2^32 possible values).
 *
 * @example
 * const random = mulberry32(42);
 * random(); // same value for seed 42, everywhere
 */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
