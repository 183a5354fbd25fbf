/**
 * `ModelBenchmark`: runs a model over test texts with warm-up, as hyperfine and tinybench do:
 * warm-up runs are recorded (`operation: "warmup"`) but left out of the statistics; the measured
 * runs give mean, median, p95, standard deviation and the 95 % margin of error (Student t) of
 * duration, tokens/s and TTFT, and outliers by modified z-score (|z| > 3.5).
 */
import type { LLMMonitor } from './monitor.js';
import type { Operation } from './operation.js';
import type { OperationRecord } from './schema/operation.js';
import {
  type ModelStats,
  modelStats,
  modifiedZScores,
  OUTLIER_Z,
  type SeriesStats,
  summarize,
} from './schema/stats.js';
import { isAsyncIterable, iterateWithin } from './stream.js';

export interface BenchmarkProgress {
  phase: 'warmup' | 'measure';
  /** Runs done in this phase, this one included. */
  done: number;
  total: number;
  record: OperationRecord;
}

export interface BenchmarkOptions {
  modelName: string;
  /**
   * Runs the model on one text. It may return a value, a Promise, or an AsyncIterable of chunks
   * (then the run is measured as a stream: TTFT, ITL, tokens/s).
   */
  modelCallable: (text: string) => unknown;
  testTexts: readonly string[];
  /** Runs before measuring, recorded as `operation: "warmup"` (default 3). */
  warmupRuns?: number;
  /** Passes over `testTexts` (default 1). */
  repetitions?: number;
  /** Operation name of the measured runs (default "inference"). */
  operation?: string;
  /** Tokens in a stream chunk (default 1). */
  countTokens?: (chunk: unknown) => number;
  /** Called after every run, e.g. to drive a progress bar. */
  onProgress?: (progress: BenchmarkProgress) => void;
  /** Stop at the first error (default false: errors are recorded and counted). */
  stopOnError?: boolean;
}

export interface BenchmarkOutlier {
  seq: number;
  /** Index into `testTexts`. */
  text_index: number;
  duration_seconds: number;
  /** Modified z-score of the duration. */
  z: number;
}

export interface BenchmarkResult {
  model_name: string;
  operation: string;
  /** Measured runs (errors included). */
  runs: number;
  warmup_runs: number;
  errors: number;
  /** Over the successful measured runs. */
  duration_seconds: SeriesStats;
  /** Null when no run reported tokens/s. */
  tokens_per_sec: SeriesStats | null;
  time_to_first_token_seconds: SeriesStats | null;
  /** Successful runs whose duration's modified z-score is beyond ±3.5. */
  outliers: BenchmarkOutlier[];
  /** The model's `ModelStats` over the measured runs. */
  stats: ModelStats;
  records: OperationRecord[];
}

function checkCount(name: string, n: number, min: number): void {
  if (!Number.isInteger(n) || n < min) throw new RangeError(`${name} must be an integer >= ${min}, got ${n}`);
}

const seriesOrNull = (values: number[]) => (values.length ? summarize(values) : null);

/**
 * Benchmarks models on a monitor.
 * @example
 * const result = await new ModelBenchmark(monitor).benchmarkModel({
 *   modelName: 'tiny-llama',
 *   modelCallable: (text) => model.stream(text), // or a Promise of the answer
 *   testTexts: ['Hello', 'Summarize: …'],
 *   warmupRuns: 3,
 *   repetitions: 5,
 * });
 * console.log(result.duration_seconds.median, result.duration_seconds.moe95);
 */
export class ModelBenchmark {
  readonly monitor: LLMMonitor;

  constructor(monitor: LLMMonitor) {
    this.monitor = monitor;
  }

  async benchmarkModel(options: BenchmarkOptions): Promise<BenchmarkResult> {
    const { modelName, modelCallable, testTexts, onProgress } = options;
    const warmupRuns = options.warmupRuns ?? 3;
    const repetitions = options.repetitions ?? 1;
    const operation = options.operation ?? 'inference';
    if (typeof modelCallable !== 'function') throw new TypeError('modelCallable must be a function');
    if (!Array.isArray(testTexts) || testTexts.length === 0)
      throw new RangeError('testTexts must be a non-empty array');
    checkCount('warmupRuns', warmupRuns, 0);
    checkCount('repetitions', repetitions, 1);

    for (let i = 0; i < warmupRuns; i++) {
      const record = await this.#run(options, 'warmup', testTexts[i % testTexts.length]!);
      onProgress?.({ phase: 'warmup', done: i + 1, total: warmupRuns, record });
    }
    const measured: { record: OperationRecord; textIndex: number }[] = [];
    const total = repetitions * testTexts.length;
    for (let r = 0; r < repetitions; r++) {
      for (let t = 0; t < testTexts.length; t++) {
        const record = await this.#run(options, operation, testTexts[t]!);
        measured.push({ record, textIndex: t });
        onProgress?.({ phase: 'measure', done: measured.length, total, record });
      }
    }

    const records = measured.map((m) => m.record);
    const ok = measured.filter((m) => m.record.status === 'ok');
    const durations = ok.map((m) => m.record.duration_seconds);
    const z = modifiedZScores(durations);
    return {
      model_name: modelName,
      operation,
      runs: records.length,
      warmup_runs: warmupRuns,
      errors: records.length - ok.length,
      duration_seconds: summarize(durations),
      tokens_per_sec: seriesOrNull(ok.flatMap((m) => m.record.tokens_per_sec ?? [])),
      time_to_first_token_seconds: seriesOrNull(
        ok.flatMap((m) => m.record.time_to_first_token_seconds ?? []),
      ),
      outliers: ok.flatMap((m, i) =>
        Math.abs(z[i]!) > OUTLIER_Z
          ? [
              {
                seq: m.record.seq!,
                text_index: m.textIndex,
                duration_seconds: m.record.duration_seconds,
                z: z[i]!,
              },
            ]
          : [],
      ),
      stats: modelStats(records),
      records,
    };
  }

  /** One run as one operation; returns its record (the error, if any, is in the record). */
  async #run(options: BenchmarkOptions, operation: string, text: string): Promise<OperationRecord> {
    let op: Operation | undefined;
    try {
      await this.monitor.trackOperation(options.modelName, operation, text.length, async (handle) => {
        op = handle;
        const out = await options.modelCallable(text);
        if (isAsyncIterable(out) && typeof out !== 'string') {
          for await (const _ of iterateWithin(handle, out, options.countTokens)) {
            // chunks are timed and counted by iterateWithin; the benchmark keeps no output
          }
        }
      });
    } catch (error) {
      if (options.stopOnError) throw error;
    }
    return op!.record!;
  }
}
