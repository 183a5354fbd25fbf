import { describe, expect, it } from 'vitest';
import { alertsFor, formatAlert, validateThresholds } from './alerts.js';
import { OperationRecordSchema } from './schema/operation.js';

const record = OperationRecordSchema.parse({
  timestamp: '2024-05-01T12:00:00.000Z',
  model_name: 'm',
  operation: 'inference',
  text_length: 10,
  duration_seconds: 12.5,
  peak_memory_mb: 4096,
  peak_cpu_percent: 90,
  gpu_available: false,
  seq: 7,
});

describe('alerts', () => {
  it('raises one alert per field above its threshold, at the end of the operation', () => {
    const alerts = alertsFor(record, { peak_memory_mb: 4000, duration_seconds: 10, peak_cpu_percent: 350 });
    expect(alerts).toEqual([
      {
        timestamp: '2024-05-01T12:00:12.500Z',
        metric: 'peak_memory_mb',
        threshold: 4000,
        value: 4096,
        model_name: 'm',
        operation: 'inference',
        seq: 7,
      },
      expect.objectContaining({ metric: 'duration_seconds', value: 12.5 }),
    ]);
    expect(formatAlert(alerts[1]!)).toBe('llmmon: alert: duration_seconds = 12.5 > 10 (m inference, seq 7)');
  });

  it('ignores fields that are null and values equal to the threshold', () => {
    expect(alertsFor(record, { tokens_per_sec: 1, peak_memory_mb: 4096 })).toEqual([]);
  });

  it('rejects thresholds on unknown or non-numeric fields', () => {
    expect(() => validateThresholds({ peak_memory: 1 })).toThrow(
      /^thresholds\.peak_memory: not a numeric record field/,
    );
    expect(() => validateThresholds({ model_name: 1 })).toThrow(/thresholds\.model_name/);
    expect(() => validateThresholds({ peak_memory_mb: '1' })).toThrow(/must be a finite number, got "1"/);
  });
});
