import { rec } from '@llmmon/testkit';
import { describe, expect, it } from 'vitest';
import { loadLevels, spread } from './load-levels.js';

const level = (index: number, metadata: Record<string, unknown>, over = {}) =>
  rec({
    operation: 'load-level',
    output_tokens: 500,
    cpu_time_seconds: 2,
    metadata: { load_level: index, load_level_label: `c=${index + 1}`, ...metadata },
    ...over,
  });
const request = (index: number, ttft: number, itl: number[], over = {}) =>
  rec({
    operation: 'request',
    metadata: { load_level: index, ttft_seconds: ttft, itl_seconds: itl },
    ...over,
  });

describe('loadLevels', () => {
  it('is empty for a run without level operations', () => {
    expect(loadLevels([rec(), request(0, 0.1, [0.01])])).toEqual([]);
  });

  it('reads the stored figures, the cost per 1,000 tokens and the requests’ distributions', () => {
    const records = [
      request(1, 0.3, [0.02, 0.04]),
      request(0, 0.1, [0.01]),
      request(0, 0.2, [0.03]),
      request(0, 9, [9], { status: 'error' }),
      level(1, { output_token_throughput: 300, concurrency: 2, ttft_p50_seconds: 0.3 }),
      level(0, {
        output_token_throughput: 100,
        concurrency: 1,
        server: { cpuSeconds: 4, energyJoules: null, packageJoules: 50 },
      }),
    ];
    const [a, b] = loadLevels(records);
    expect(a).toMatchObject({ index: 0, label: 'c=1', perUserOutputTokenThroughput: 100, clientCpuPer1k: 4 });
    expect(a).toMatchObject({ serverCpuPer1k: 8, joulesPer1k: 100, joulesSource: 'package' });
    // The failed request is in no distribution.
    expect(a!.ttft!.n).toBe(2);
    expect(a!.ttft!.p50).toBeCloseTo(0.15, 12);
    expect(a!.itl!.n).toBe(2);
    expect(a!.itl!.p50).toBeCloseTo(0.02, 12);
    expect(b).toMatchObject({
      index: 1,
      perUserOutputTokenThroughput: 150,
      serverCpuPer1k: null,
      joulesPer1k: null,
    });
    expect(b!.latency.ttft).toEqual({ p50: 0.3, p99: null });
    expect(b!.ttft).toMatchObject({ n: 1, p1: 0.3, p99: 0.3 });
  });

  it('gives no per-user figure when the level achieved no concurrency', () => {
    expect(
      loadLevels([level(0, { output_token_throughput: 0, concurrency: 0 })])[0]!.perUserOutputTokenThroughput,
    ).toBeNull();
  });
});

describe('spread', () => {
  it('interpolates linearly between ranks, and is null for no values', () => {
    expect(spread([4, 1, 3, 2, 5])).toEqual({ n: 5, p1: 1.04, p25: 2, p50: 3, p75: 4, p99: 4.96 });
    expect(spread([])).toBeNull();
  });
});
