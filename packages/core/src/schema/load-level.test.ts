import { describe, expect, it } from 'vitest';
import { loadLevelFigures, loadLevelsOf } from './load-level.js';
import { type OperationRecord, OperationRecordSchema } from './operation.js';

const record = (over: Partial<OperationRecord>): OperationRecord =>
  OperationRecordSchema.parse({
    timestamp: '2026-01-01T00:00:00.000Z',
    model_name: 'm',
    operation: 'load-level',
    text_length: 0,
    duration_seconds: 1,
    gpu_available: false,
    ...over,
  });

describe('load level figures', () => {
  it('reads a level record’s stored figures and its cost per 1,000 output tokens', () => {
    const f = loadLevelFigures(
      record({
        output_tokens: 400,
        cpu_time_seconds: 0.2,
        metadata: {
          load_level: 1,
          load_level_label: 'c=2',
          completed: 8,
          failed: 1,
          request_throughput: 4,
          output_token_throughput: 200,
          concurrency: 2.5,
          ttft_p50_seconds: 0.05,
          ttft_p99_seconds: 0.09,
          server: { cpuSeconds: 1.2, energyJoules: null, packageJoules: 30 },
        },
      }),
    );
    expect(f).toMatchObject({ index: 1, label: 'c=2', completed: 8, failed: 1, requestThroughput: 4 });
    expect(f).toMatchObject({ perUserOutputTokenThroughput: 80, clientCpuPer1k: 0.5, serverCpuPer1k: 3 });
    expect(f).toMatchObject({ joulesPer1k: 75, joulesSource: 'package' });
    expect(f!.latency).toEqual({
      ttft: { p50: 0.05, p99: 0.09 },
      tpot: { p50: null, p99: null },
      itl: { p50: null, p99: null },
      e2el: { p50: null, p99: null },
    });
  });

  it('gives null, not 0, for what was not measured, and nothing for other records', () => {
    const f = loadLevelFigures(
      record({ output_tokens: 0, cpu_time_seconds: 0.1, metadata: { load_level: 0 } }),
    );
    expect(f).toMatchObject({
      label: 'level 1',
      clientCpuPer1k: null,
      serverCpuPer1k: null,
      joulesPer1k: null,
    });
    expect(f).toMatchObject({ perUserOutputTokenThroughput: null, joulesSource: null });
    expect(loadLevelFigures(record({ operation: 'request' }))).toBeNull();
  });

  it('orders the levels by their index', () => {
    const levels = loadLevelsOf([
      record({ metadata: { load_level: 2 } }),
      record({ operation: 'request' }),
      record({ metadata: { load_level: 0 } }),
    ]);
    expect(levels.map((l) => l.index)).toEqual([0, 2]);
  });
});
