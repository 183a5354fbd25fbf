import { DuckDBInstance } from '@duckdb/node-api';
import { describe, expect, it } from 'vitest';
import { isoSql, isoToMicros, microsToIso } from './timestamps.js';

describe('timestamps', () => {
  it('keeps microseconds and offsets', () => {
    expect(isoToMicros('2024-05-01T12:00:00.123456Z')).toBe(1714564800123456n);
    expect(isoToMicros('2024-05-01T14:00:00.5+02:00')).toBe(1714564800500000n);
    expect(isoToMicros('2024-05-01T12:00:00.1234569Z')).toBe(1714564800123456n);
    expect(microsToIso(1714564800123456n)).toBe('2024-05-01T12:00:00.123456Z');
    expect(microsToIso(1714564800123000n)).toBe('2024-05-01T12:00:00.123Z');
    expect(microsToIso(-1n)).toBe('1969-12-31T23:59:59.999999Z');
  });

  it('reads naive timestamps as local time, as Date.parse does', () => {
    for (const naive of [
      '2024-05-01T12:00:00',
      '2024-01-15T03:04',
      '2024-07-01T23:59:59.25',
      '0099-12-31T23:00:00',
    ]) {
      expect(isoToMicros(naive)).toBe(BigInt(Date.parse(naive)) * 1000n);
    }
  });

  it('round-trips what toISOString writes', () => {
    const iso = new Date(1714564800123).toISOString();
    expect(microsToIso(isoToMicros(iso))).toBe(iso);
  });

  it('reads years 0–99 as they are (not as 1900–1999), as DuckDB does', async () => {
    const db = await DuckDBInstance.create(':memory:');
    const c = await db.connect();
    for (const iso of ['0001-01-01T00:00:00Z', '0099-12-31T23:59:59.5+01:00', '0000-03-01T00:00:00Z']) {
      const r = await c.runAndReadAll(`SELECT epoch_us(TIMESTAMPTZ '${iso}')`);
      expect(isoToMicros(iso), iso).toBe(r.getRowsJS()[0]![0]);
      expect(isoToMicros(iso), iso).toBe(BigInt(Date.parse(iso)) * 1000n);
    }
    c.closeSync();
    db.closeSync();
  });

  it('formats in SQL exactly as in JS', async () => {
    const db = await DuckDBInstance.create(':memory:');
    const c = await db.connect();
    for (const micros of [1714564800123456n, 1714564800123000n, 1714564800000000n]) {
      const r = await c.runAndReadAll(`SELECT ${isoSql(`make_timestamptz(${micros})`)}`);
      expect(r.getRowsJS()[0]![0]).toBe(microsToIso(micros));
    }
    c.closeSync();
    db.closeSync();
  });

  it('refuses what is not a timestamp', () => {
    expect(() => isoToMicros('yesterday')).toThrow(RangeError);
  });
});
