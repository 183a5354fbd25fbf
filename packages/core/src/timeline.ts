/**
 * A run's timeline: sampler ticks bucketed into fixed intervals, kept in bounded memory, and
 * downsampled for the file.
 *
 * Rules (stated so readers know what a point means):
 * - A base bucket covers `bucketSeconds` and is stamped with its end (`t`, seconds since the run
 *   started); a tick belongs to the bucket that holds the end of the interval it measured. Its `cpu_percent` is the process CPU over the bucket (time-weighted mean of the
 *   ticks); `rss_mb`, `system_cpu_percent` and `gpu_util_percent` are the highest seen in it.
 * - Merging buckets (when memory is full, and when downsampling for a file) keeps peaks: each
 *   value of a merged point is the maximum of its members, and `t` is the last member's.
 */

import type { TimelinePoint } from './sampler/types.js';
import { BYTES_PER_MB } from './schema/field.js';
import type { Sample } from './schema/sample.js';

export const DEFAULT_BUCKET_SECONDS = 0.05;
/** Points held in memory before neighbours are merged (≈ 1.8 h at 50 ms, then coarser). */
const DEFAULT_CAPACITY = 131_072;
/** Points at most in a metrics file. */
const MAX_FILE_SAMPLES = 10_000;

const maxOrNull = (a: number | null, b: number | null) => (a === null ? b : b === null ? a : Math.max(a, b));

/** Merges samples into one, keeping peaks. */
function mergeSamples(samples: readonly Sample[]): Sample {
  let out = samples[0]!;
  for (let i = 1; i < samples.length; i++) {
    const s = samples[i]!;
    out = {
      t: s.t,
      cpu_percent: Math.max(out.cpu_percent, s.cpu_percent),
      rss_mb: Math.max(out.rss_mb, s.rss_mb),
      system_cpu_percent: maxOrNull(out.system_cpu_percent, s.system_cpu_percent),
      gpu_util_percent: maxOrNull(out.gpu_util_percent, s.gpu_util_percent),
    };
  }
  return out;
}

/** At most `max` points: consecutive groups of ⌈n / max⌉ merged with `mergeSamples`. */
export function downsample(samples: readonly Sample[], max = MAX_FILE_SAMPLES): Sample[] {
  if (samples.length <= max) return [...samples];
  const group = Math.ceil(samples.length / max);
  const out: Sample[] = [];
  for (let i = 0; i < samples.length; i += group) out.push(mergeSamples(samples.slice(i, i + group)));
  return out;
}

interface Bucket {
  index: number;
  cpuWeighted: number;
  seconds: number;
  rss: number;
  system: number | null;
  gpu: number | null;
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
  #samples: Sample[] = [];
  /** Base buckets per stored point (doubles at each merge). */
  #stride = 1;
  #group: Sample[] = [];
  #bucket: Bucket | null = null;

  constructor(options: TimelineOptions) {
    this.#originNs = options.originNs;
    this.bucketSeconds = options.bucketSeconds ?? DEFAULT_BUCKET_SECONDS;
    this.#bucketNs = Math.round(this.bucketSeconds * 1e9);
    this.#capacity = options.capacity ?? DEFAULT_CAPACITY;
    if (!(this.bucketSeconds > 0))
      throw new RangeError(`timeline interval must be > 0, got ${this.bucketSeconds}`);
    if (!(this.#capacity >= 2)) throw new RangeError(`timeline capacity must be >= 2, got ${this.#capacity}`);
  }

  /** Adds sampler points; returns the base buckets they completed (for live push). */
  add(points: readonly TimelinePoint[]): Sample[] {
    const completed: Sample[] = [];
    for (const p of points) {
      const dt = p.t_ns - this.#originNs;
      if (dt <= 0) continue; // before the run started
      // A tick covers the interval that ends at it, so one at a bucket's end belongs to that bucket.
      const index = Math.ceil(dt / this.#bucketNs) - 1;
      let b = this.#bucket;
      if (b && b.index !== index) {
        completed.push(this.#close(b));
        b = null;
      }
      if (!b) {
        b = { index, cpuWeighted: 0, seconds: 0, rss: 0, system: null, gpu: null };
        this.#bucket = b;
      }
      b.cpuWeighted += p.cpu_percent * p.interval_seconds;
      b.seconds += p.interval_seconds;
      b.rss = Math.max(b.rss, p.rss_bytes);
      b.system = maxOrNull(b.system, p.system_cpu_percent);
      b.gpu = maxOrNull(b.gpu, p.gpu_util_percent);
    }
    return completed;
  }

  /** Closes the bucket in progress (at the end of a run); returns it, if any. */
  closeOpenBucket(): Sample[] {
    const b = this.#bucket;
    if (!b) return [];
    return [this.#close(b)];
  }

  #toSample(b: Bucket): Sample {
    return {
      t: (b.index + 1) * this.bucketSeconds,
      cpu_percent: b.seconds > 0 ? b.cpuWeighted / b.seconds : 0,
      rss_mb: b.rss / BYTES_PER_MB,
      system_cpu_percent: b.system,
      gpu_util_percent: b.gpu,
    };
  }

  #close(b: Bucket): Sample {
    this.#bucket = null;
    const sample = this.#toSample(b);
    this.#group.push(sample);
    if (this.#group.length >= this.#stride) {
      this.#samples.push(mergeSamples(this.#group));
      this.#group = [];
      if (this.#samples.length >= this.#capacity) this.#halve();
    }
    return sample;
  }

  #halve(): void {
    const merged: Sample[] = [];
    for (let i = 0; i < this.#samples.length; i += 2)
      merged.push(mergeSamples(this.#samples.slice(i, i + 2)));
    this.#samples = merged;
    this.#stride *= 2;
  }

  /** Number of points held. */
  get length(): number {
    return this.#samples.length + (this.#group.length ? 1 : 0);
  }

  /**
   * The timeline, downsampled to at most `max` points. The bucket in progress is included as it
   * stands (stamped with its end, like every bucket), so a file saved mid-run misses nothing.
   */
  samples(max = MAX_FILE_SAMPLES): Sample[] {
    const tail = [...this.#group];
    if (this.#bucket) tail.push(this.#toSample(this.#bucket));
    const all = tail.length ? [...this.#samples, mergeSamples(tail)] : this.#samples;
    return downsample(all, max);
  }
}
