/**
 * What a polling tool hands back: its readings, each stamped with when it was taken. Every
 * comparator (psutil from outside, pidusage, systeminformation, a JS timer) is reduced to this
 * shape, and the estimates in `lib/estimate.ts` read only this shape, so every tool is judged by
 * the same arithmetic.
 */

/** One reading of a polling tool. Times are seconds on CLOCK_MONOTONIC (`lib/clock.ts`). */
export interface ToolSample {
  /** When the reading was asked for. */
  t0: number;
  /** When it came back; the counters were read somewhere in between. */
  t1: number;
  /** Resident set size the tool reported, bytes; null when it does not report it. */
  rss_bytes: number | null;
  /** Process CPU time so far (user + system), seconds, when the tool reports a cumulative time. */
  cpu_seconds: number | null;
  /**
   * Process CPU % (100 = one core) over the interval since the tool's previous reading, when the
   * tool reports a percentage instead of a cumulative time.
   */
  cpu_percent: number | null;
  /** Per-thread CPU time so far, `[tid, seconds]`, when the tool can see threads. */
  threads: [number, number][] | null;
}

/** A tool's readings over one measurement. */
export interface Trace {
  /** Tool id, e.g. `psutil-100ms`. */
  id: string;
  /** Interval it was asked to poll at, ms. */
  interval_ms: number;
  samples: ToolSample[];
  /** CPU the tool's own process used while it sampled (outside tools only), seconds. */
  own_cpu_seconds: number | null;
  /** Wall time it sampled, seconds. */
  wall_seconds: number;
}

/** A tool that polls on its own schedule between `start()` and `stop()`. */
export interface Poller {
  readonly id: string;
  /** Human label for tables, e.g. `psutil @ 100 ms (outside)`. */
  readonly label: string;
  readonly intervalMs: number;
  start(): Promise<void>;
  stop(): Promise<Trace>;
}
