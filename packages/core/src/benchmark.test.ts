import { afterAll, describe, expect, it } from 'vitest';
import { sleep, tempDir } from '../test/support/ground-truth.js';
import { type BenchmarkProgress, ModelBenchmark } from './benchmark.js';
import { LLMMonitor } from './monitor.js';

const m = new LLMMonitor({ outputDir: tempDir(), journal: false, sampler: 'js' });
afterAll(() => m.close());

describe('ModelBenchmark', () => {
  it('records warm-up runs apart and summarizes the measured ones', async () => {
    const progress: BenchmarkProgress[] = [];
    const result = await new ModelBenchmark(m).benchmarkModel({
      modelName: 'promise-model',
      modelCallable: async (text: string) => {
        await sleep(text === 'slow' ? 300 : 20);
        return text.toUpperCase();
      },
      testTexts: ['aa', 'bbbb', 'slow'],
      warmupRuns: 2,
      repetitions: 1,
      onProgress: (p) => progress.push(p),
    });
    const ops = m.operations.filter((r) => r.model_name === 'promise-model');
    expect(ops.map((r) => r.operation)).toEqual(['warmup', 'warmup', 'inference', 'inference', 'inference']);
    expect(progress.map((p) => `${p.phase} ${p.done}/${p.total}`)).toEqual([
      'warmup 1/2',
      'warmup 2/2',
      'measure 1/3',
      'measure 2/3',
      'measure 3/3',
    ]);
    expect(result).toMatchObject({ model_name: 'promise-model', runs: 3, warmup_runs: 2, errors: 0 });
    expect(result.records).toEqual(ops.slice(2));
    expect(result.duration_seconds.n).toBe(3);
    const sorted = ops
      .slice(2)
      .map((r) => r.duration_seconds)
      .sort((a, b) => a - b);
    expect(result.duration_seconds.median).toBe(sorted[1]);
    expect(result.duration_seconds.mean).toBeCloseTo((sorted[0]! + sorted[1]! + sorted[2]!) / 3, 12);
    expect(result.duration_seconds.max).toBeGreaterThanOrEqual(0.299);
    expect(result.duration_seconds.moe95).not.toBeNull();
    expect(result.tokens_per_sec).toBeNull();
    // warm-up is left out of the model statistics
    expect(m.getModelComparison()['promise-model']!.operations).toBe(3);
    expect(result.stats.operations).toBe(3);
  });

  it('measures a callable that returns a stream: TTFT, tokens/s', async () => {
    const result = await new ModelBenchmark(m).benchmarkModel({
      modelName: 'stream-model',
      modelCallable: async function* (text: string) {
        await sleep(50);
        for (const ch of text) {
          yield ch;
          await sleep(10);
        }
      },
      testTexts: ['abcd', 'efghij'],
      warmupRuns: 1,
      repetitions: 2,
    });
    expect(result.runs).toBe(4);
    expect(result.records.map((r) => r.output_tokens)).toEqual([4, 6, 4, 6]);
    expect(result.time_to_first_token_seconds!.n).toBe(4);
    expect(result.time_to_first_token_seconds!.min!).toBeGreaterThanOrEqual(0.049);
    expect(result.tokens_per_sec!.n).toBe(4);
    for (const r of result.records) {
      expect(r.tokens_per_sec).toBeCloseTo(
        r.output_tokens! / (r.duration_seconds - r.time_to_first_token_seconds!),
        9,
      );
    }
  });

  it('flags an outlying run by modified z-score', async () => {
    let call = 0;
    const result = await new ModelBenchmark(m).benchmarkModel({
      modelName: 'outlier-model',
      modelCallable: () => sleep(++call === 6 ? 400 : 30),
      testTexts: ['x'],
      warmupRuns: 0,
      repetitions: 9,
    });
    // Under load another run may stray too; the 400 ms one must be flagged.
    const slow = result.outliers.find((o) => o.seq === result.records[5]!.seq);
    expect(slow).toMatchObject({ text_index: 0, duration_seconds: result.records[5]!.duration_seconds });
    expect(slow!.z).toBeGreaterThan(3.5);
    expect(result.outliers.length).toBeLessThan(5);
  });

  it('counts errors and goes on, unless told to stop', async () => {
    const failing = (text: string) => {
      if (text === 'bad') throw new Error('model failed');
      return 'ok';
    };
    const bench = new ModelBenchmark(m);
    const result = await bench.benchmarkModel({
      modelName: 'flaky',
      modelCallable: failing,
      testTexts: ['good', 'bad'],
      warmupRuns: 0,
    });
    expect(result).toMatchObject({ runs: 2, errors: 1 });
    expect(result.duration_seconds.n).toBe(1);
    expect(result.records[1]).toMatchObject({ status: 'error', error: 'Error: model failed' });
    await expect(
      bench.benchmarkModel({
        modelName: 'flaky',
        modelCallable: failing,
        testTexts: ['bad'],
        warmupRuns: 0,
        stopOnError: true,
      }),
    ).rejects.toThrow('model failed');
  });

  it('rejects bad options with a clear message', async () => {
    const bench = new ModelBenchmark(m);
    const base = { modelName: 'x', modelCallable: () => 1, testTexts: ['a'] };
    await expect(bench.benchmarkModel({ ...base, testTexts: [] })).rejects.toThrow(
      'testTexts must be a non-empty array',
    );
    await expect(bench.benchmarkModel({ ...base, warmupRuns: -1 })).rejects.toThrow(
      'warmupRuns must be an integer >= 0, got -1',
    );
    await expect(bench.benchmarkModel({ ...base, repetitions: 0 })).rejects.toThrow(
      'repetitions must be an integer >= 1, got 0',
    );
  });
});
