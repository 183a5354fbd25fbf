import { describe, expect, it } from 'vitest';
import { distribution, latencies, meetsSlo, parseSlo, percentile, type RequestResult } from './metrics.js';

const request = (over: Partial<RequestResult>): RequestResult => ({
  level: 0,
  warmup: false,
  sentAt: 1000,
  chunkTimes: [1100, 1110, 1130],
  endAt: 1140,
  promptChars: 5,
  inputTokens: 5,
  outputTokens: 3,
  tokensFrom: 'server usage',
  error: null,
  ...over,
});

describe('load metrics', () => {
  it('percentiles interpolate between ranks as numpy does; stddev is the population one', () => {
    expect(percentile([1, 2, 3, 4], 50)).toBe(2.5);
    expect(percentile([1, 2, 3, 4], 90)).toBeCloseTo(3.7, 12);
    expect(percentile([7], 99)).toBe(7);
    const d = distribution([2, 4, 4, 4, 5, 5, 7, 9]);
    expect([d.mean, d.stddev, d.p50]).toEqual([5, 2, 4.5]);
    expect(distribution([]).mean).toBeNull();
  });

  it('TTFT, ITL gaps, E2EL and TPOT of one request', () => {
    const l = latencies(request({}));
    expect(l.ttft).toBeCloseTo(0.1, 12);
    expect(l.itl.map((g) => Math.round(g * 1000))).toEqual([10, 20]);
    expect(l.e2el).toBeCloseTo(0.14, 12);
    // (E2EL − TTFT) ÷ (3 − 1): the last gap to the end of the stream counts too.
    expect(l.tpot).toBeCloseTo(0.02, 12);
    expect(latencies(request({ outputTokens: 1, chunkTimes: [1100] })).tpot).toBeNull();
    expect(latencies(request({ chunkTimes: [], outputTokens: null })).ttft).toBeNull();
  });

  it('parses SLOs in ms or s and checks every target given', () => {
    expect(parseSlo('ttft=500ms, tpot=50,e2el=2s')).toEqual({ ttft: 0.5, tpot: 0.05, e2el: 2 });
    expect(() => parseSlo('ttfb=5')).toThrow(/--slo: expected ttft=…/);
    expect(() => parseSlo('')).toThrow(/no target/);
    const l = latencies(request({}));
    expect(meetsSlo(l, { ttft: 0.1, e2el: 0.15 })).toBe(true);
    expect(meetsSlo(l, { ttft: 0.09 })).toBe(false);
    expect(meetsSlo(l, { tpot: 0.019 })).toBe(false);
  });
});
