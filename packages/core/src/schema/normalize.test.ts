import { describe, expect, it } from 'vitest';
import { METRICS_FORMAT } from './metrics-file.js';
import { MetricsFormatError, normalizeMetrics } from './normalize.js';

const rec = {
  timestamp: '2024-05-01T12:00:00',
  model_name: 'm',
  operation: 'inference',
  text_length: 10,
  duration_seconds: 0.5,
  throughput_chars_per_sec: 20,
  cpu_delta_percent: 50,
  memory_delta_mb: 1,
  peak_memory_mb: 100,
  peak_cpu_percent: 90,
  system_cpu_percent: 30,
  system_memory_percent: 40,
  gpu_available: false,
};

describe('normalizeMetrics', () => {
  it.each([
    ['a bare array', [rec, rec]],
    ['an object with "metrics"', { metrics: [rec, rec], summary: {} }],
    ['an object with "operations"', { operations: [rec, rec] }],
  ])('reads the original monitor format as %s', (_, input) => {
    const file = normalizeMetrics(input, { runName: 'old.json' });
    expect(file.format).toBe(METRICS_FORMAT);
    expect(file.operations.map((o) => o.seq)).toEqual([0, 1]);
    expect(file.operations[0]!.run_id).toBe(file.run.id);
    expect(file.run.name).toBe('old.json');
    expect(file.run.host.hostname).toBeNull();
  });

  it('names the bad field with its index', () => {
    expect(() => normalizeMetrics([rec, { ...rec, text_length: 'x' }])).toThrow(/^\[1\]\.text_length: /);
    expect(() => normalizeMetrics({ metrics: [{ ...rec, model_name: undefined }] })).toThrow(
      /^metrics\[0\]\.model_name: /,
    );
  });

  it('rejects what is not a metrics file, with one line', () => {
    expect(() => normalizeMetrics({ hello: 1 })).toThrow(MetricsFormatError);
    expect(() => normalizeMetrics('text')).toThrow(/not a metrics file/);
    expect(() => normalizeMetrics({ format: 'other/2' })).toThrow(/unsupported metrics format "other\/2"/);
  });

  it('refuses an original file without records: nothing dates its run', () => {
    expect(() => normalizeMetrics([])).toThrow(/^records: no operation records /);
    expect(() => normalizeMetrics({ metrics: [] }, { runId: 'r' })).toThrow(
      /^metrics: no operation records /,
    );
  });
});
