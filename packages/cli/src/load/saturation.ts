/**
 * The automatic sweep: raise the load level by level and stop when throughput stops rising (the
 * next level adds less than `minGain` of the best request throughput so far) or a latency target
 * breaks (fewer than `attainment` of a level's requests meet the SLO). The saturation point is
 * the knee: the last level whose throughput rose by at least `minGain` and met the SLO; more load
 * than that buys less than `minGain` more throughput (or breaks the SLO).
 */
import type { LevelStats } from './metrics.js';

export interface SaturationOptions {
  /** Relative gain in request throughput below which a level counts as no rise; default 0.1. */
  minGain: number;
  /** Share of requests that must meet the SLO; default 0.9 (null: no SLO given). */
  attainment: number | null;
}

export interface SaturationVerdict {
  /** Whether to stop raising the load. */
  stop: boolean;
  /** Index of the saturation point among the levels so far (null: none met the SLO). */
  saturation: number | null;
  /** Why it stopped, in words (null while it goes on). */
  reason: string | null;
}

const sloMet = (s: LevelStats, attainment: number | null) =>
  attainment === null ||
  (s.goodRequests !== null && s.completed + s.failed > 0
    ? s.goodRequests / (s.completed + s.failed) >= attainment
    : false);

/**
 * The verdict after the levels run so far (in order of rising load).
 * @example saturationVerdict([s1, s2, s4], { minGain: 0.1, attainment: null });
 */
export function saturationVerdict(
  levels: readonly LevelStats[],
  options: SaturationOptions,
): SaturationVerdict {
  let best: number | null = null;
  for (const [i, s] of levels.entries()) {
    if (!sloMet(s, options.attainment)) {
      return {
        stop: true,
        saturation: best,
        reason: `level ${i + 1} broke the SLO (fewer than ${(options.attainment! * 100).toFixed(0)}% of requests met it)`,
      };
    }
    const rate = s.requestThroughput ?? 0;
    const bestRate = best === null ? 0 : (levels[best]!.requestThroughput ?? 0);
    if (best !== null && rate < bestRate * (1 + options.minGain)) {
      return {
        stop: true,
        saturation: best,
        reason: `level ${i + 1} raised request throughput by less than ${(options.minGain * 100).toFixed(0)}%`,
      };
    }
    best = i;
  }
  return { stop: false, saturation: best, reason: null };
}
