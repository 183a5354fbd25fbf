import { OPERATION_COLUMNS, OPERATION_FIELDS, ProcessFiguresSchema } from '@llmmon/core/schema';
import { rec } from '@llmmon/testkit';
import { describe, expect, it } from 'vitest';
import { COLUMN_BY_KEY, cellText, cellValue, defaultColumns, TABLE_COLUMNS } from './columns.js';

describe('table columns', () => {
  it('are the schema’s fields, in its order, with its units and descriptions', () => {
    expect(TABLE_COLUMNS.map((c) => c.key)).toEqual(OPERATION_COLUMNS);
    for (const c of TABLE_COLUMNS) {
      expect(c.unit).toBe(OPERATION_FIELDS[c.key].unit);
      expect(c.description).toBe(OPERATION_FIELDS[c.key].description);
    }
  });

  it('print a unit only where the name does not already say it', () => {
    expect(COLUMN_BY_KEY.get('duration_seconds')!.headerUnit).toBe('');
    expect(COLUMN_BY_KEY.get('peak_memory_mb')!.headerUnit).toBe('');
    expect(COLUMN_BY_KEY.get('throughput_chars_per_sec')!.headerUnit).toBe('');
    expect(COLUMN_BY_KEY.get('text_length')!.headerUnit).toBe('chars');
  });

  it('shows by default only preferred columns that hold a value', () => {
    const cols = defaultColumns([rec({ tokens_per_sec: null, threads: null })]);
    expect(cols).toContain('duration_seconds');
    expect(cols).not.toContain('tokens_per_sec');
    expect(cols).not.toContain('threads');
    // GPU, energy and attached-server columns only where a run has them.
    expect(cols).not.toContain('energy_joules');
    expect(cols).not.toContain('server_cpu_percent');
    const served = defaultColumns([rec({ energy_joules: 2, server_cpu_percent: 150 })]);
    expect(served).toContain('energy_joules');
    expect(served).toContain('server_cpu_percent');
    expect(served).not.toContain('gpu_memory_peak_mb');
  });

  it('sums up the attached processes: name and CPU time, or why not measured', () => {
    // Every other figure null (the schema's default).
    const figures = (over: object) =>
      ProcessFiguresSchema.parse({
        pid: 7,
        name: 'ollama',
        role: 'server',
        status: 'ok',
        cpu_time_seconds: 1.5,
        ...over,
      });
    const r = rec({
      processes: [
        figures({}),
        figures({ pid: 9, name: null, status: 'not_measured', reason: 'JS sampler', cpu_time_seconds: null }),
      ],
    });
    expect(cellText(r, COLUMN_BY_KEY.get('processes')!)).toBe('ollama 1.50 s, 9 not_measured');
  });

  it('formats cells for reading, and keeps raw values for CSV', () => {
    const r = rec({
      duration_seconds: 1234.5678,
      peak_memory_mb: null,
      threads: [
        { tid: 1, name: 'node', cpu_seconds: 3 },
        { tid: null, name: '(exited threads)', cpu_seconds: 1 },
      ],
    });
    const col = (k: 'duration_seconds' | 'peak_memory_mb' | 'threads' | 'gpu_available') =>
      COLUMN_BY_KEY.get(k)!;
    expect(cellText(r, col('duration_seconds'))).toBe('1,235');
    expect(cellValue(r, 'duration_seconds')).toBe(1234.5678);
    expect(cellText(r, col('peak_memory_mb'))).toBe('—');
    expect(cellValue(r, 'peak_memory_mb')).toBeNull();
    expect(cellText(r, col('threads'))).toBe('2: node 75 %');
    expect(cellText(r, col('gpu_available'))).toBe('no');
  });
});
