/**
 * When an RSS spike was above 90 % of its peak, from the timestamps the spike workload takes
 * (`RssSpiker.spike`: the pages go in and out of RSS in equal chunks, a timestamp before the
 * first chunk and after each one).
 *
 * A tool "caught" a spike when its highest reading is within 10 % of the truth (baseline + the
 * spike's bytes), so the spike's useful life is the time RSS stays ≥ 90 % of that truth: from the
 * chunk whose mapping lifts RSS over the line to the chunk whose unmapping takes it under.
 * Each crossing is known within one chunk, so the time above is given as a bracket:
 * - `above_seconds`: certainly above (after the crossing chunk went in, until the crossing
 *   chunk started to go out);
 * - `above_max_seconds`: possibly above (from before the crossing chunk went in, until after
 *   the crossing chunk went out).
 */

export interface SpikeTimes {
  /** Bytes the spike maps (all chunks). */
  bytes: number;
  /** Seconds: before the first chunk went in, then after each chunk. */
  make: readonly number[];
  /** Seconds: before the first chunk went out, then after each chunk. */
  drop: readonly number[];
}

export interface AboveLine {
  /** RSS ≥ this many bytes counts as caught (90 % of baseline + bytes). */
  line_bytes: number;
  above_seconds: number;
  above_max_seconds: number;
  /** From the first chunk in to the last chunk out. */
  total_seconds: number;
  /** Part of `above_seconds` that is not the hold: the chunks after the rise crossed the line
   * plus the chunks before the fall crossed it (what a calibrated hold subtracts). */
  edges_seconds: number;
}

/** Share of the caught criterion: a reading within 10 % of the truth. */
export const CAUGHT_WITHIN = 0.1;

/**
 * The bracket of time a spike spent ≥ 90 % of its truth.
 * @example aboveLine({ bytes: 100, make: [0, 1, 2], drop: [3, 4, 5] }, 0)
 * // line 90 bytes: above after make[2] = 2 until drop[0] = 3 (certain), make[1]..drop[1] (possible)
 */
export function aboveLine(s: SpikeTimes, baselineBytes: number): AboveLine {
  const chunks = s.make.length - 1;
  if (chunks < 1 || s.drop.length !== s.make.length) {
    throw new Error(`aboveLine: make and drop need the same number (≥ 2) of timestamps`);
  }
  const chunk = s.bytes / chunks;
  const line = (1 - CAUGHT_WITHIN) * (baselineBytes + s.bytes);
  const need = line - baselineBytes; // spike bytes that must be resident
  // Chunks in after which RSS ≥ line; chunks out after which it is < line.
  const up = Math.min(chunks, Math.max(1, Math.ceil(need / chunk)));
  const down = Math.min(chunks, Math.max(1, Math.floor((s.bytes - need) / chunk) + 1));
  const above = s.drop[down - 1]! - s.make[up]!;
  return {
    line_bytes: line,
    above_seconds: Math.max(0, above),
    above_max_seconds: s.drop[down]! - s.make[up - 1]!,
    total_seconds: s.drop[chunks]! - s.make[0]!,
    edges_seconds: s.make[chunks]! - s.make[up]! + (s.drop[down - 1]! - s.drop[0]!),
  };
}

/** Bins of the measured time above the line, ms: [from, to). */
export const ABOVE_BINS_MS: readonly [number, number][] = [
  [0, 10],
  [10, 20],
  [20, 40],
  [40, 80],
  [80, 160],
  [160, Number.POSITIVE_INFINITY],
];

/** Index in `ABOVE_BINS_MS` of a duration in seconds. */
export const aboveBin = (seconds: number) =>
  ABOVE_BINS_MS.findIndex(([lo, hi]) => 1000 * seconds >= lo && 1000 * seconds < hi);
