import { describe, expect, it } from 'vitest';
import { formatDuration, formatNumber, formatTimestamp, unitLabel, withUnit } from './format.js';

describe('format', () => {
  it('prints local times to the second, or to the millisecond for operations', () => {
    const iso = new Date(2024, 4, 1, 12, 3, 4, 56).toISOString();
    expect(formatTimestamp(iso)).toBe('2024-05-01 12:03:04');
    expect(formatTimestamp(iso, { milliseconds: true })).toBe('2024-05-01 12:03:04.056');
    expect(formatTimestamp(null)).toBe('—');
    expect(formatTimestamp('yesterday')).toBe('yesterday');
  });

  it('prints about four significant figures and "—" for null', () => {
    expect([12345.6, 123.456, 12.345, 1.2345, 0.012345, 0, null].map(formatNumber)).toEqual([
      '12,346',
      '123.5',
      '12.3',
      '1.23',
      '0.0123',
      '0',
      '—',
    ]);
  });

  it('names units, and says "not measured" rather than 0', () => {
    expect(withUnit(85.25, 'percent')).toBe('85.3 %');
    expect(withUnit(85, 'percent')).toBe('85 %');
    expect(withUnit(1.5, 'seconds')).toBe('1.50 s');
    expect(withUnit(null, 'MB')).toBe('not measured');
    expect(unitLabel('percent')).toBe('%');
  });

  it('prints durations in the unit that reads best', () => {
    expect([0.25, 12.5, 245, 7320].map(formatDuration)).toEqual([
      '250 ms',
      '12.5 s',
      '4 min 05 s',
      '2 h 02 min',
    ]);
  });
});
