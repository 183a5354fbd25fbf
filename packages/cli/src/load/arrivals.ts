/**
 * When an open-loop level sends its requests: gaps between arrivals drawn from a gamma
 * distribution with mean 1/rate and shape `burstiness` (vLLM `bench serve`'s definition:
 * burstiness 1 is a Poisson process, exponential gaps with coefficient of variation 1; below 1
 * burstier, above 1 more regular; CV = 1/√burstiness).
 */
import { type Draws, draws, STREAM } from './random.js';

export interface ArrivalOptions {
  /** Requests per second (mean); Infinity sends every request at once. */
  rate: number;
  /** Gamma shape; 1 = Poisson. */
  burstiness: number;
  seed: number;
}

/**
 * Arrival offsets in seconds from the level's start, one per call: a lazy, endless schedule.
 * @example const next = arrivalTimes({ rate: 4, burstiness: 1, seed: 0 }); next(); next();
 */
export function arrivalTimes(options: ArrivalOptions): () => number {
  if (!(options.rate > 0)) throw new RangeError(`rate must be > 0 requests/s, got ${options.rate}`);
  if (!(options.burstiness > 0 && Number.isFinite(options.burstiness)))
    throw new RangeError(`burstiness must be a number > 0, got ${options.burstiness}`);
  if (options.rate === Infinity) return () => 0;
  const d: Draws = draws(options.seed, STREAM.arrivals);
  const scale = 1 / (options.rate * options.burstiness);
  let t = 0;
  return () => {
    t += d.gamma(options.burstiness, scale);
    return t;
  };
}
