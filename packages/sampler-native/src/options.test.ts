import { describe, expect, it } from 'vitest';
import { Sampler } from './index.js';
import { resolveOptions } from './options.js';

describe('new Sampler(options)', () => {
  it('has defaults: 1 ms ticks, 10 ms timeline, 100 ms system and GPU loops', () => {
    const s = new Sampler();
    expect([
      s.intervalMs,
      s.threadIntervalMs,
      s.systemIntervalMs,
      s.timelineCapacity,
      s.gpuIntervalMs,
    ]).toEqual([1, 10, 100, 65536, 100]);
    expect(new Sampler({ gpuIntervalMs: 10 }).gpuIntervalMs).toBe(10);
    expect(new Sampler({ gpuIntervalMs: 1000 }).gpuIntervalMs).toBe(1000);
    expect(resolveOptions({ intervalMs: 50 })).toMatchObject({ threadIntervalMs: 50, systemIntervalMs: 100 });
    expect(resolveOptions({ intervalMs: 500 })).toMatchObject({
      threadIntervalMs: 500,
      systemIntervalMs: 500,
    });
    expect(new Sampler({ intervalMs: 0.1 }).intervalMs).toBe(0.1);
    expect(new Sampler({ intervalMs: 1000 }).intervalMs).toBe(1000);
  });

  it.each([
    [{ intervalMs: '1' }, TypeError, /intervalMs must be a number, got string "1"/],
    [{ intervalMs: null }, TypeError, /intervalMs/],
    [{ intervalMs: 0 }, RangeError, /intervalMs must be between 0.1 and 1000, got 0/],
    [{ intervalMs: 0.05 }, RangeError, /intervalMs/],
    [{ intervalMs: 1001 }, RangeError, /intervalMs/],
    [{ intervalMs: Number.NaN }, RangeError, /intervalMs/],
    [{ intervalMs: Number.POSITIVE_INFINITY }, RangeError, /intervalMs/],
    [{ threadIntervalMs: 0.5 }, RangeError, /threadIntervalMs must be between 1 and 60000/],
    [{ intervalMs: 20, threadIntervalMs: 10 }, RangeError, /threadIntervalMs/],
    [{ threadIntervalMs: true }, TypeError, /threadIntervalMs/],
    [{ systemIntervalMs: -1 }, RangeError, /systemIntervalMs/],
    [{ systemIntervalMs: 60_001 }, RangeError, /systemIntervalMs/],
    [{ timelineCapacity: 0 }, RangeError, /timelineCapacity/],
    [{ gpuIntervalMs: 9 }, RangeError, /gpuIntervalMs must be between 10 and 1000, got 9/],
    [{ gpuIntervalMs: 1001 }, RangeError, /gpuIntervalMs/],
    [{ gpuIntervalMs: '100' }, TypeError, /gpuIntervalMs must be a number/],
    [{ timelineCapacity: 1.5 }, RangeError, /timelineCapacity must be an integer/],
    [{ intervalMS: 1 }, TypeError, /unknown option "intervalMS"/],
  ])('%o → %s naming the option', (options, type, message) => {
    expect(() => new Sampler(options as never)).toThrow(type);
    expect(() => new Sampler(options as never)).toThrow(message);
  });

  it.each([[5], ['fast'], [null], [[1]]])(
    'rejects a non-object options argument %o with a TypeError',
    (options) => {
      expect(() => new Sampler(options as never)).toThrow(TypeError);
      expect(() => new Sampler(options as never)).toThrow(/options must be an object/);
    },
  );
});
