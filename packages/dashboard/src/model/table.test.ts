import { rec } from '@llmmon/testkit';
import { describe, expect, it } from 'vitest';
import { applyQuery, EMPTY_QUERY, filterOptions } from './table.js';

const rows = [
  rec({ seq: 0, model_name: 'a', operation: 'load', duration_seconds: 3 }),
  rec({ seq: 1, model_name: 'b', duration_seconds: 1, peak_memory_mb: null }),
  rec({ seq: 2, model_name: 'a', duration_seconds: 2, status: 'error' }),
  rec({ seq: 3, model_name: 'b', duration_seconds: 1, status: null }),
  rec({ seq: 4, model_name: 'a', duration_seconds: 5, peak_memory_mb: 100 }),
];
const seqs = (rs: readonly { seq: number | null }[]) => rs.map((r) => r.seq);

describe('table query', () => {
  it('lists each filter’s values in first-seen order, "unknown" for a missing status', () => {
    expect(filterOptions(rows)).toEqual({
      models: ['a', 'b'],
      operations: ['load', 'inference'],
      statuses: ['ok', 'error', 'unknown'],
    });
  });

  it('returns the same array when nothing filters or sorts', () => {
    expect(applyQuery(rows, EMPTY_QUERY)).toBe(rows);
  });

  it('filters by model, operation and status together', () => {
    expect(seqs(applyQuery(rows, { ...EMPTY_QUERY, model: 'a' }))).toEqual([0, 2, 4]);
    expect(seqs(applyQuery(rows, { ...EMPTY_QUERY, model: 'a', operation: 'inference' }))).toEqual([2, 4]);
    expect(seqs(applyQuery(rows, { ...EMPTY_QUERY, status: 'error' }))).toEqual([2]);
    expect(seqs(applyQuery(rows, { ...EMPTY_QUERY, status: 'unknown' }))).toEqual([3]);
  });

  it('sorts stably in both directions', () => {
    const asc = applyQuery(rows, { ...EMPTY_QUERY, sort: { key: 'duration_seconds', dir: 'asc' } });
    expect(seqs(asc)).toEqual([1, 3, 2, 0, 4]);
    const desc = applyQuery(rows, { ...EMPTY_QUERY, sort: { key: 'duration_seconds', dir: 'desc' } });
    expect(seqs(desc)).toEqual([4, 0, 2, 1, 3]);
  });

  it('puts nulls last whatever the direction', () => {
    for (const dir of ['asc', 'desc'] as const) {
      const out = applyQuery(rows, { ...EMPTY_QUERY, sort: { key: 'peak_memory_mb', dir } });
      expect(out.at(-1)!.seq).toBe(1);
    }
  });

  it('sorts text and timestamps', () => {
    expect(seqs(applyQuery(rows, { ...EMPTY_QUERY, sort: { key: 'model_name', dir: 'desc' } }))).toEqual([
      1, 3, 0, 2, 4,
    ]);
    expect(seqs(applyQuery(rows, { ...EMPTY_QUERY, sort: { key: 'timestamp', dir: 'desc' } }))).toEqual([
      4, 3, 2, 1, 0,
    ]);
  });

  it('sorts 100,000 rows', () => {
    const many = Array.from({ length: 100_000 }, (_, i) => ({
      ...rows[0]!,
      seq: i,
      duration_seconds: (i * 7919) % 1000,
    }));
    const out = applyQuery(many, { ...EMPTY_QUERY, sort: { key: 'duration_seconds', dir: 'asc' } });
    let unordered = 0;
    for (let i = 1; i < out.length; i++)
      if (out[i - 1]!.duration_seconds > out[i]!.duration_seconds) unordered++;
    expect(out).toHaveLength(many.length);
    expect(unordered).toBe(0);
  });
});
