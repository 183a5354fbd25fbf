/**
 * Seeded draws for `llmmon load`: every random choice of a load run (arrival gaps, prompt order,
 * synthetic lengths) comes from one of these, built on core's pinned mulberry32 stream, so a seed
 * gives the same schedule on every machine. Each use gets its own stream (`seed` + a fixed
 * offset per purpose) so that, say, changing the prompt source does not move the arrivals.
 */
import { mulberry32 } from '@llmmon/core/random';

/** Fixed offsets of the independent streams drawn from one `--seed`. */
export const STREAM = { arrivals: 0x1000, prompts: 0x2000, lengths: 0x3000 } as const;

export interface Draws {
  /** Uniform in [0, 1). */
  uniform(): number;
  /** Standard normal (Box–Muller). */
  normal(): number;
  /** Exponential with mean `mean`. */
  exponential(mean: number): number;
  /** Gamma with `shape` k > 0 and `scale` θ (mean kθ, variance kθ²); Marsaglia–Tsang. */
  gamma(shape: number, scale: number): number;
}

/**
 * The draws of one purpose of a run.
 * @example const d = draws(42, STREAM.arrivals); d.exponential(0.5);
 */
export function draws(seed: number, stream: number): Draws {
  const random = mulberry32((seed + stream) >>> 0);
  // (0, 1]: never 0, so logarithms stay finite.
  const open = () => 1 - random();
  const normal = () => Math.sqrt(-2 * Math.log(open())) * Math.cos(2 * Math.PI * random());
  const gamma = (shape: number, scale: number): number => {
    // Marsaglia & Tsang (2000), "A simple method for generating gamma variables"; shape < 1 by
    // the boost Gamma(k) = Gamma(k + 1) · U^(1/k).
    if (shape < 1) return gamma(shape + 1, scale) * open() ** (1 / shape);
    const d = shape - 1 / 3;
    const c = 1 / Math.sqrt(9 * d);
    for (;;) {
      let x: number;
      let v: number;
      do {
        x = normal();
        v = 1 + c * x;
      } while (v <= 0);
      v = v * v * v;
      const u = open();
      if (Math.log(u) < 0.5 * x * x + d - d * v + d * Math.log(v)) return d * v * scale;
    }
  };
  return {
    uniform: random,
    normal,
    exponential: (mean) => -Math.log(open()) * mean,
    gamma,
  };
}
