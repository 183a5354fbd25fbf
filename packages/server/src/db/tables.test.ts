import { ALERT_FIELDS, OPERATION_FIELDS, RUN_FIELDS, SAMPLE_FIELDS } from '@llmmon/core/schema';
import { describe, expect, it } from 'vitest';
import { ALERTS, createTableSql, duckdbType, OPERATIONS, RUNS, SAMPLES } from './tables.js';

describe('tables from the field specs', () => {
  it('have every record field, in order, plus the storage keys', () => {
    expect(OPERATIONS.columns.map((c) => c.name)).toEqual(Object.keys(OPERATION_FIELDS));
    expect(RUNS.columns.map((c) => c.name)).toEqual([
      ...Object.keys(RUN_FIELDS),
      'ingested_at',
      'updated_at',
    ]);
    expect(SAMPLES.columns.map((c) => c.name)).toEqual(['run_id', ...Object.keys(SAMPLE_FIELDS)]);
    expect(ALERTS.columns.map((c) => c.name)).toEqual(['run_id', ...Object.keys(ALERT_FIELDS)]);
  });

  it('map column types to DuckDB types', () => {
    expect(duckdbType(OPERATION_FIELDS.timestamp)).toBe('TIMESTAMPTZ');
    expect(duckdbType(OPERATION_FIELDS.text_length)).toBe('BIGINT');
    expect(duckdbType(OPERATION_FIELDS.duration_seconds)).toBe('DOUBLE');
    expect(duckdbType(OPERATION_FIELDS.status)).toBe('VARCHAR');
    expect(duckdbType(OPERATION_FIELDS.gpu_available)).toBe('BOOLEAN');
    expect(duckdbType(OPERATION_FIELDS.metadata)).toBe('JSON');
    expect(duckdbType(OPERATION_FIELDS.threads)).toBe(
      'STRUCT("tid" BIGINT, "name" VARCHAR, "cpu_seconds" DOUBLE)[]',
    );
  });

  it('make keys NOT NULL even where the record field is nullable', () => {
    const sql = createTableSql(OPERATIONS);
    expect(sql).toContain('"run_id" VARCHAR NOT NULL');
    expect(sql).toContain('"seq" BIGINT NOT NULL');
    expect(sql).toContain('"error" VARCHAR,');
    expect(createTableSql(RUNS)).toContain('PRIMARY KEY ("id")');
  });
});
