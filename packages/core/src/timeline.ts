/**
 * A run's timeline: sampler readings bucketed into fixed intervals, kept in bounded memory, and
 * downsampled for the file.
 *
 * Rules (stated so readers know what a point means):
 * - A base bucket covers `bucketSeconds` and is stamped with its end (`t`, seconds since the run
 *   started). A reading's CPU figure is the process's CPU rate over its interval (from the
 *   previous reading with a known figure to this one); that CPU time is spread over the buckets
 *   the interval covers, in proportion to the overlap. So a bucket's `cpu_percent` is the
 *   process CPU over the time of it that readings covered (null when none did), and the
 *   timeline integrates to the process's CPU time: Σ cpu_percent / 100 × covered time.
 * - `cpu_peak_percent` is the highest rate of any one reading interval (~10 ms native) that
 *   overlaps the point; `rss_mb`, `system_cpu_percent` and the GPU figures are the highest
 *   readings that landed in it.
 * - Each attached process gets the same rules in `processes`: its CPU time spread over the buckets
 *   its own reading intervals cover (so it integrates to its CPU time), its highest RSS. A bucket no reading landed in (the JS sampler's timer held up by
 *   a blocked event loop) takes them from the reading that ends the interval covering it.
 * - `tick_interval_ms` is the longest sampler tick interval of the readings that landed in the
 *   point or whose interval covers part of it: the native sampler ticks slower while no
 *   operation is open (idle sampling), and a point says which rate its figures come from.
 * - Merging points (when memory is full, and when downsampling for a file) keeps both: CPU time
 *   and covered time add up (the merged `cpu_percent` is their mean, still integrable), every
 *   other value is the maximum of the members, and `t` is the last member's.
 */

import type { TimelinePoint, TimelineProcessPoint } from './sampler/types.js';
import { BYTES_PER_MB } from './schema/field.js';
import type { Sample } from './schema/sample.js';

export const DEFAULT_BUCKET_SECONDS = 0.05;
/** Points held in memory before neighbours are merged (≈ 1.8 h at 50 ms, then coarser). */
const DEFAULT_CAPACITY = 131_072;
/** Points at most in a metrics file. */
const MAX_FILE_SAMPLES = 10_000;
/**
 * Buckets kept open waiting for a reading with a known CPU figure to cover them (a native
 * reading preempted midway has none; the next one covers its interval). Beyond this many
 * (3.2 s at 50 ms), the oldest closes with what it has.
 */
const MAX_OPEN_BUCKETS = 64;

const maxOrNull = (a: number | null, b: number | null) => (a === null ? b : b === null ? a : Math.max(a, b));

/** An attached process's part of a point or bucket: sums, so that merged points stay exact. */
interface ProcessPart {
  cpuSeconds: number;
  covered: number;
  rss: number | null;
}

type Parts = Map<number, ProcessPart>;

function mergeParts(a: Parts | null, b: Parts | null): Parts | null {
  if (!a || !b) return a ?? b;
  const out: Parts = new Map(a);
  for (const [pid, p] of b) {
    const q = out.get(pid);
    out.set(
      pid,
      q
        ? {
            cpuSeconds: q.cpuSeconds + p.cpuSeconds,
            covered: q.covered + p.covered,
            rss: maxOrNull(q.rss, p.rss),
          }
        : p,
    );
  }
  return out;
}

/** A point as the timeline keeps it: sums, so that merged points stay exact. */
interface Point {
  /** Seconds since the run started, at the point's end. */
  t: number;
  /** CPU seconds the process used in the covered time. */
  cpuSeconds: number;
  /** Seconds of the point that readings with a known CPU figure covered. */
  covered: number;
  cpuPeak: number | null;
  rss: number;
  system: number | null;
  gpu: number | null;
  tick: number | null;
  gpuMemory: number | null;
  gpuPower: number | null;
  /** Attached processes by pid; null when the run has none. */
  parts: Parts | null;
}

function mergePoints(points: readonly Point[]): Point {
  let out = points[0]!;
  for (let i = 1; i < points.length; i++) {
    const p = points[i]!;
    out = {
      t: p.t,
      cpuSeconds: out.cpuSeconds + p.cpuSeconds,
      covered: out.covered + p.covered,
      cpuPeak: maxOrNull(out.cpuPeak, p.cpuPeak),
      rss: Math.max(out.rss, p.rss),
      system: maxOrNull(out.system, p.system),
      gpu: maxOrNull(out.gpu, p.gpu),
      tick: maxOrNull(out.tick, p.tick),
      gpuMemory: maxOrNull(out.gpuMemory, p.gpuMemory),
      gpuPower: maxOrNull(out.gpuPower, p.gpuPower),
      parts: mergeParts(out.parts, p.parts),
    };
  }
  return out;
}

const mbOrNull = (bytes: number | null) => (bytes === null ? null : bytes / BYTES_PER_MB);

function toSample(p: Point): Sample {
  return {
    t: p.t,
    cpu_percent: p.covered > 0 ? (100 * p.cpuSeconds) / p.covered : null,
    cpu_peak_percent: p.cpuPeak,
    rss_mb: p.rss / BYTES_PER_MB,
    system_cpu_percent: p.system,
    gpu_util_percent: p.gpu,
    tick_interval_ms: p.tick,
    gpu_memory_mb: mbOrNull(p.gpuMemory),
    gpu_power_watts: p.gpuPower,
    processes: p.parts
      ? [...p.parts].map(([pid, q]) => ({
          pid,
          cpu_percent: q.covered > 0 ? (100 * q.cpuSeconds) / q.covered : null,
          rss_mb: mbOrNull(q.rss),
        }))
      : null,
  };
}

/** At most `max` points: consecutive groups of ⌈n / max⌉ merged. */
function downsamplePoints(points: readonly Point[], max: number): Point[] {
  if (points.length <= max) return [...points];
  const group = Math.ceil(points.length / max);
  const out: Point[] = [];
  for (let i = 0; i < points.length; i += group) out.push(mergePoints(points.slice(i, i + group)));
  return out;
}

interface Bucket {
  index: number;
  cpuSeconds: number;
  covered: number;
  cpuPeak: number | null;
  /** Highest RSS that landed in it; null: no reading landed in it (yet). */
  rss: number | null;
  system: number | null;
  gpu: number | null;
  tick: number | null;
  gpuMemory: number | null;
  gpuPower: number | null;
  parts: Parts | null;
  /** The reading that ended the latest interval covering it (for a bucket without readings). */
  cover: TimelinePoint | null;
}

/** A bucket's part for `pid`, created when missing. */
function partOf(b: Bucket, pid: number): ProcessPart {
  b.parts ??= new Map();
  let part = b.parts.get(pid);
  if (!part) {
    part = { cpuSeconds: 0, covered: 0, rss: null };
    b.parts.set(pid, part);
  }
  return part;
}

/** A bucket no reading landed in takes its processes' RSS from the reading covering it. */
function withCoverRss(parts: Parts | null, cover: TimelinePoint): Parts | null {
  if (cover.processes.length === 0) return parts;
  const out: Parts = new Map(parts ?? []);
  for (const q of cover.processes) {
    const part = out.get(q.pid) ?? { cpuSeconds: 0, covered: 0, rss: null };
    out.set(q.pid, { ...part, rss: maxOrNull(part.rss, q.rss_bytes) });
  }
  return out;
}

export interface TimelineOptions {
  /** `process.hrtime` of the run's start, in ns. */
  originNs: number;
  bucketSeconds?: number;
  capacity?: number;
}

export class Timeline {
  readonly bucketSeconds: number;
  #originNs: number;
  #bucketNs: number;
  #capacity: number;
  #points: Point[] = [];
  /** Base buckets per stored point (doubles at each merge). */
  #stride = 1;
  #group: Point[] = [];
  /** Buckets still open, ascending by index. */
  #open: Bucket[] = [];
  /** Index below which buckets are closed. */
  #closedBelow = 0;
  /** Time (ns since origin) up to which readings with a known CPU figure covered the run. */
  #cpuEndNs = 0;
  /** The same, per attached process. */
  #partEndNs = new Map<number, number>();

  constructor(options: TimelineOptions) {
    this.#originNs = options.originNs;
    this.bucketSeconds = options.bucketSeconds ?? DEFAULT_BUCKET_SECONDS;
    this.#bucketNs = Math.round(this.bucketSeconds * 1e9);
    this.#capacity = options.capacity ?? DEFAULT_CAPACITY;
    if (!(this.bucketSeconds > 0))
      throw new RangeError(`timeline interval must be > 0, got ${this.bucketSeconds}`);
    if (!(this.#capacity >= 2)) throw new RangeError(`timeline capacity must be >= 2, got ${this.#capacity}`);
  }

  /** The open bucket with this index, created when missing (index >= #closedBelow). */
  #bucket(index: number): Bucket {
    let i = this.#open.length - 1;
    while (i >= 0 && this.#open[i]!.index > index) i--;
    if (i >= 0 && this.#open[i]!.index === index) return this.#open[i]!;
    const b: Bucket = {
      index,
      cpuSeconds: 0,
      covered: 0,
      cpuPeak: null,
      rss: null,
      system: null,
      gpu: null,
      tick: null,
      gpuMemory: null,
      gpuPower: null,
      parts: null,
      cover: null,
    };
    this.#open.splice(i + 1, 0, b);
    return b;
  }

  /** Adds sampler readings (in time order); returns the base buckets they completed (for live push). */
  add(points: readonly TimelinePoint[]): Sample[] {
    const completed: Sample[] = [];
    for (const p of points) {
      const dt = p.t_ns - this.#originNs;
      if (dt <= 0) continue; // before the run started
      // A reading at a bucket's end belongs to that bucket.
      const index = Math.ceil(dt / this.#bucketNs) - 1;
      if (index < this.#closedBelow) continue; // late: its bucket was closed already
      if (p.cpu_percent !== null && p.interval_seconds > 0) this.#spreadCpu(p, dt);
      for (const q of p.processes) this.#spreadPart(q);
      const b = this.#bucket(index);
      b.rss = Math.max(b.rss ?? 0, p.rss_bytes);
      b.system = maxOrNull(b.system, p.system_cpu_percent);
      b.gpu = maxOrNull(b.gpu, p.gpu_util_percent);
      b.tick = maxOrNull(b.tick, p.tick_interval_ms ?? null);
      b.gpuMemory = maxOrNull(b.gpuMemory, p.gpu_memory_bytes);
      b.gpuPower = maxOrNull(b.gpuPower, p.gpu_power_watts);
      for (const q of p.processes) {
        const part = partOf(b, q.pid);
        part.rss = maxOrNull(part.rss, q.rss_bytes);
      }
      // Buckets before this reading's get no more readings; they close once CPU covers them.
      while (this.#open.length > 0) {
        const first = this.#open[0]!;
        const end = (first.index + 1) * this.#bucketNs;
        const cpuDone = end <= this.#cpuEndNs || this.#open.length > MAX_OPEN_BUCKETS;
        if (first.index >= index || !cpuDone) break;
        completed.push(this.#close());
      }
    }
    return completed;
  }

  /** Spreads a reading's CPU time over the buckets its interval covers. */
  #spreadCpu(p: TimelinePoint, dt: number): void {
    const rate = p.cpu_percent! / 100;
    this.#cpuEndNs = this.#spread(dt, p.interval_seconds, this.#cpuEndNs, (b, overlap) => {
      b.cpuSeconds += rate * overlap;
      b.covered += overlap;
      b.cpuPeak = maxOrNull(b.cpuPeak, p.cpu_percent);
      b.tick = maxOrNull(b.tick, p.tick_interval_ms ?? null);
      b.cover = p;
    });
  }

  /** The same for an attached process's reading, into its part of each bucket. */
  #spreadPart(q: TimelineProcessPoint): void {
    const dt = q.t_ns - this.#originNs;
    if (q.cpu_percent === null || !(q.interval_seconds > 0) || dt <= 0) return;
    const rate = q.cpu_percent / 100;
    const end = this.#spread(dt, q.interval_seconds, this.#partEndNs.get(q.pid) ?? 0, (b, overlap) => {
      const part = partOf(b, q.pid);
      part.cpuSeconds += rate * overlap;
      part.covered += overlap;
    });
    this.#partEndNs.set(q.pid, end);
  }

  /**
   * Calls `add` with each open bucket the interval of `seconds` ending at `dt` (ns since origin)
   * overlaps and the overlap in seconds, from no earlier than `coveredTo`; returns the new
   * `coveredTo`.
   */
  #spread(dt: number, seconds: number, coveredTo: number, add: (b: Bucket, overlap: number) => void): number {
    const from = Math.max(dt - seconds * 1e9, coveredTo, this.#closedBelow * this.#bucketNs, 0);
    if (!(dt > from)) return Math.max(coveredTo, dt);
    const first = Math.floor(from / this.#bucketNs);
    const last = Math.ceil(dt / this.#bucketNs) - 1;
    for (let i = first; i <= last; i++) {
      const overlap = (Math.min(dt, (i + 1) * this.#bucketNs) - Math.max(from, i * this.#bucketNs)) / 1e9;
      if (overlap > 0) add(this.#bucket(i), overlap);
    }
    return Math.max(coveredTo, dt);
  }

  /** Closes every open bucket (at the end of a run); returns them. */
  closeOpenBucket(): Sample[] {
    const out: Sample[] = [];
    while (this.#open.length > 0) out.push(this.#close());
    return out;
  }

  #toPoint(b: Bucket): Point {
    const cover = b.cover;
    return {
      t: ((b.index + 1) * this.#bucketNs) / 1e9,
      cpuSeconds: b.cpuSeconds,
      covered: b.covered,
      cpuPeak: b.cpuPeak,
      rss: b.rss ?? cover?.rss_bytes ?? 0,
      system: b.rss === null ? (cover?.system_cpu_percent ?? null) : b.system,
      gpu: b.rss === null ? (cover?.gpu_util_percent ?? null) : b.gpu,
      tick: b.tick ?? cover?.tick_interval_ms ?? null,
      gpuMemory: b.rss === null ? (cover?.gpu_memory_bytes ?? null) : b.gpuMemory,
      gpuPower: b.rss === null ? (cover?.gpu_power_watts ?? null) : b.gpuPower,
      parts: b.rss === null && cover ? withCoverRss(b.parts, cover) : b.parts,
    };
  }

  /** Closes the oldest open bucket. */
  #close(): Sample {
    const b = this.#open.shift()!;
    this.#closedBelow = b.index + 1;
    const point = this.#toPoint(b);
    this.#group.push(point);
    if (this.#group.length >= this.#stride) {
      this.#points.push(mergePoints(this.#group));
      this.#group = [];
      if (this.#points.length >= this.#capacity) this.#halve();
    }
    return toSample(point);
  }

  #halve(): void {
    const merged: Point[] = [];
    for (let i = 0; i < this.#points.length; i += 2) merged.push(mergePoints(this.#points.slice(i, i + 2)));
    this.#points = merged;
    this.#stride *= 2;
  }

  /** Number of points held. */
  get length(): number {
    return this.#points.length + (this.#group.length || this.#open.length ? 1 : 0);
  }

  /**
   * The timeline, downsampled to at most `max` points. Buckets still open are included as they
   * stand (stamped with their end, like every bucket), so a file saved mid-run misses nothing.
   */
  samples(max = MAX_FILE_SAMPLES): Sample[] {
    const tail = [...this.#group, ...this.#open.map((b) => this.#toPoint(b))];
    const all = tail.length ? [...this.#points, mergePoints(tail)] : this.#points;
    return downsamplePoints(all, max).map(toSample);
  }
}
