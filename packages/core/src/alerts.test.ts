import { describe, expect, it } from 'vitest';
import { AlertTracker, alertsFor, formatAlert, validateThresholds } from './alerts.js';
import { type OperationRecord, OperationRecordSchema } from './schema/operation.js';

const record = (seq: number, fields: Partial<OperationRecord> = {}) =>
  OperationRecordSchema.parse({
    timestamp: '2024-05-01T12:00:00.000Z',
    model_name: 'm',
    operation: 'inference',
    text_length: 10,
    duration_seconds: 12.5,
    peak_memory_mb: 4096,
    peak_cpu_percent: 90,
    gpu_available: false,
    seq,
    ...fields,
  });

describe('alerts', () => {
  it('fires one alert per metric that goes above its threshold, at the end of the operation', () => {
    const alerts = alertsFor([record(7)], {
      peak_memory_mb: 4000,
      duration_seconds: 10,
      peak_cpu_percent: 350,
    });
    expect(alerts).toEqual([
      {
        timestamp: '2024-05-01T12:00:12.500Z',
        metric: 'peak_memory_mb',
        threshold: 4000,
        value: 4096,
        model_name: 'm',
        operation: 'inference',
        seq: 7,
        state: 'fired',
      },
      expect.objectContaining({ metric: 'duration_seconds', value: 12.5, state: 'fired' }),
    ]);
    expect(formatAlert(alerts[1]!)).toBe('llmmon: alert: duration_seconds = 12.5 > 10 (m inference, seq 7)');
  });

  it('a value that stays above raises one alert, not one per operation; it resolves when it comes back', () => {
    // Process RSS stays above the threshold after one allocation: 80 operations, one alert.
    const records = Array.from({ length: 80 }, (_, i) => record(i, { peak_memory_mb: i === 0 ? 100 : 5000 }));
    records.push(record(80, { peak_memory_mb: 3000 }), record(81, { peak_memory_mb: 4500 }));
    const alerts = alertsFor(records, { peak_memory_mb: 4000 });
    expect(alerts.map((a) => [a.seq, a.state, a.value])).toEqual([
      [1, 'fired', 5000],
      [80, 'resolved', 3000],
      [81, 'fired', 4500],
    ]);
    expect(formatAlert(alerts[1]!)).toBe(
      'llmmon: alert: resolved: peak_memory_mb = 3000 <= 4000 (m inference, seq 80)',
    );
  });

  it('keeps one state per model, and a null value changes nothing', () => {
    const tracker = new AlertTracker({ duration_seconds: 1 });
    const a = (seq: number, model: string, d: number | null) =>
      tracker.check(record(seq, { model_name: model, duration_seconds: d ?? 0, tokens_per_sec: d }));
    expect(a(0, 'big', 5).map((x) => x.state)).toEqual(['fired']);
    expect(a(1, 'small', 0.5)).toEqual([]); // another model, below: nothing to resolve
    expect(a(2, 'big', 6)).toEqual([]); // still firing
    expect(a(3, 'big', 0.2).map((x) => x.state)).toEqual(['resolved']);
    const nulls = new AlertTracker({ tokens_per_sec: 10 });
    expect(nulls.check(record(0, { tokens_per_sec: 20 }))).toHaveLength(1);
    expect(nulls.check(record(1, { tokens_per_sec: null }))).toEqual([]);
    expect(nulls.check(record(2, { tokens_per_sec: 30 }))).toEqual([]);
  });

  it('ignores fields that are null and values equal to the threshold', () => {
    expect(alertsFor([record(0)], { tokens_per_sec: 1, peak_memory_mb: 4096 })).toEqual([]);
  });

  it('rejects thresholds on unknown or non-numeric fields', () => {
    expect(() => validateThresholds({ peak_memory: 1 })).toThrow(
      /^thresholds\.peak_memory: not a numeric record field/,
    );
    expect(() => validateThresholds({ model_name: 1 })).toThrow(/thresholds\.model_name/);
    expect(() => validateThresholds({ peak_memory_mb: '1' })).toThrow(/must be a finite number, got "1"/);
  });
});
