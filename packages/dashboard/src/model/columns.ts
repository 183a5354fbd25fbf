/**
 * The detailed table's columns, derived from the record schema (`OPERATION_FIELDS`): name, unit,
 * description and type come from there, never retyped here. Only the choice of which columns
 * are shown first is the dashboard's.
 */
import {
  type ColumnType,
  OPERATION_COLUMNS,
  OPERATION_FIELDS,
  type OperationField,
  type OperationRecord,
} from '@llmmon/core/schema';
import { formatNumber, formatTimestamp, unitLabel } from './format.js';

export interface TableColumn {
  key: OperationField;
  /** Unit as the schema states it ('seconds', 'MB', …), if any. */
  unit: string | undefined;
  /** Short unit for the header: 's', '%', 'MB'. */
  unitLabel: string;
  /** Unit to print after the name in the header; empty where the name already says it. */
  headerUnit: string;
  description: string;
  type: ColumnType;
  /** Right-aligned and sorted as numbers. */
  numeric: boolean;
}

/** How a unit is spelled inside a field name (`duration_seconds`, `peak_memory_mb`, `tokens_per_sec`). */
const UNIT_IN_NAME: Record<string, string> = {
  MB: '_mb',
  'chars/s': 'chars_per_sec',
  'tokens/s': 'tokens_per_sec',
};

export const TABLE_COLUMNS: readonly TableColumn[] = OPERATION_COLUMNS.map((key) => {
  const spec = OPERATION_FIELDS[key];
  const inName = spec.unit ? key.includes(UNIT_IN_NAME[spec.unit] ?? spec.unit.toLowerCase()) : true;
  return {
    key,
    unit: spec.unit,
    unitLabel: unitLabel(spec.unit),
    headerUnit: inName ? '' : unitLabel(spec.unit),
    description: spec.description,
    type: spec.type,
    numeric: spec.type === 'float' || spec.type === 'integer',
  };
});

export const COLUMN_BY_KEY: ReadonlyMap<OperationField, TableColumn> = new Map(
  TABLE_COLUMNS.map((c) => [c.key, c]),
);

/** Columns shown before the user picks any, in this order, when the run has values for them. */
export const PREFERRED_COLUMNS: readonly OperationField[] = [
  'seq',
  'timestamp',
  'model_name',
  'operation',
  'status',
  'duration_seconds',
  'text_length',
  'throughput_chars_per_sec',
  'cpu_delta_percent',
  'peak_cpu_percent',
  'peak_memory_mb',
  'memory_delta_mb',
  'output_tokens',
  'tokens_per_sec',
  'time_to_first_token_seconds',
  'gpu_util_avg_percent',
  'gpu_memory_peak_mb',
  'energy_joules',
  'joules_per_output_token',
  'server_cpu_percent',
  'server_peak_memory_mb',
  'threads',
  'processes',
  'error',
];

/** The preferred columns that hold at least one value in `records` (all of them when empty). */
export function defaultColumns(records: readonly OperationRecord[]): OperationField[] {
  if (records.length === 0) return [...PREFERRED_COLUMNS];
  return PREFERRED_COLUMNS.filter((key) => records.some((r) => r[key] !== null && r[key] !== undefined));
}

/**
 * The value of a cell as it goes to CSV: numbers and text as they are, booleans as `true`/`false`,
 * lists and JSON as JSON text, null as null (an empty CSV field) — what core's `toCsvRow` writes,
 * for the table's chosen columns only.
 */
export function cellValue(record: OperationRecord, key: OperationField): string | number | boolean | null {
  const v = record[key] as unknown;
  if (v === null || v === undefined) return null;
  if (typeof v === 'object') return JSON.stringify(v);
  return v as string | number | boolean;
}

/** The text a cell shows: formatted numbers, local times, a thread summary; "—" for null. */
export function cellText(record: OperationRecord, column: TableColumn): string {
  const v = record[column.key] as unknown;
  if (v === null || v === undefined) return '—';
  if (column.numeric) return column.type === 'integer' ? String(v) : formatNumber(v as number);
  // Operations of a run are often milliseconds apart: their times show milliseconds.
  if (column.type === 'timestamp') return formatTimestamp(v as string, { milliseconds: true });
  if (column.type === 'boolean') return v ? 'yes' : 'no';
  if (column.key === 'threads') {
    const threads = v as NonNullable<OperationRecord['threads']>;
    const total = threads.reduce((a, t) => a + t.cpu_seconds, 0);
    const top = threads[0];
    if (!top) return 'none';
    const share = total > 0 ? ` ${Math.round((top.cpu_seconds / total) * 100)} %` : '';
    return `${threads.length}: ${top.name}${share}`;
  }
  if (column.key === 'processes') {
    // Each attached process: its name (else pid) and CPU time, or its status when not measured.
    return (v as NonNullable<OperationRecord['processes']>)
      .map((p) => {
        const who = p.name ?? String(p.pid);
        return p.cpu_time_seconds === null
          ? `${who} ${p.status ?? '?'}`
          : `${who} ${formatNumber(p.cpu_time_seconds)} s`;
      })
      .join(', ');
  }
  if (typeof v === 'object') return JSON.stringify(v);
  return String(v);
}
