/**
 * Peak CPU over 10 ms slices, computed from cumulative CPU readings taken at irregular times
 * (the JS sampler's timer ticks plus the readings at window open and close).
 *
 * Rule: readings are grouped greedily into slices of at least 10 ms; the trailing piece at close
 * is a slice of its own when it is at least 5 ms long, else it is merged into the slice before
 * it. A window shorter than 10 ms is one slice. Peak = highest CPU % of any slice. A slice is
 * only as fine as the readings: when the event loop is blocked for 300 ms, the JS sampler sees
 * one 300 ms slice.
 */
const SLICE_NS = 10e6;
const MIN_TAIL_NS = SLICE_NS / 2;

const pct = (cpuNs: number, wallNs: number) => (wallNs > 0 ? (cpuNs / wallNs) * 100 : 0);

export class CpuSlices {
  #t0: number;
  #cpu0: number;
  #peak = 0;
  #last: { wall: number; cpu: number } | null = null;

  /** Starts at a reading: wall time and cumulative CPU time, both in nanoseconds. */
  constructor(tNs: number, cpuNs: number) {
    this.#t0 = tNs;
    this.#cpu0 = cpuNs;
  }

  add(tNs: number, cpuNs: number): void {
    if (tNs - this.#t0 < SLICE_NS) return;
    if (this.#last) this.#peak = Math.max(this.#peak, pct(this.#last.cpu, this.#last.wall));
    this.#last = { wall: tNs - this.#t0, cpu: cpuNs - this.#cpu0 };
    this.#t0 = tNs;
    this.#cpu0 = cpuNs;
  }

  /** Peak CPU % of the window that ends with this reading. */
  finish(tNs: number, cpuNs: number): number {
    const wall = tNs - this.#t0;
    const cpu = cpuNs - this.#cpu0;
    let last = this.#last;
    if (!last || wall >= MIN_TAIL_NS) {
      if (last) this.#peak = Math.max(this.#peak, pct(last.cpu, last.wall));
      last = { wall, cpu };
    } else {
      last = { wall: last.wall + wall, cpu: last.cpu + cpu };
    }
    return Math.max(this.#peak, pct(last.cpu, last.wall));
  }
}
