/**
 * Threshold alerts: a record whose value is above its field's threshold raises one alert. An
 * alert is a pure function of the record and the thresholds (its time is the operation's end),
 * so a run rebuilt from its journal gets the same alerts as the live run did.
 */
import type { Alert } from './schema/alert.js';
import { OPERATION_COLUMNS, OPERATION_FIELDS, type OperationRecord } from './schema/operation.js';

/** Record fields that hold numbers. */
export type NumericOperationField = {
  [K in keyof OperationRecord]: OperationRecord[K] extends number | null ? K : never;
}[keyof OperationRecord];

/** Upper limits per record field, in the field's unit, e.g. `{ peak_memory_mb: 4000 }`. */
export type Thresholds = Partial<Record<NumericOperationField, number>>;

const NUMERIC = new Set<string>(
  OPERATION_COLUMNS.filter(
    (k) => OPERATION_FIELDS[k].type === 'float' || OPERATION_FIELDS[k].type === 'integer',
  ),
);

/**
 * Checks thresholds given by a user.
 * @throws RangeError naming the first key that is not a numeric record field or a value that is not a finite number
 */
export function validateThresholds(thresholds: Record<string, unknown>): Thresholds {
  for (const [key, value] of Object.entries(thresholds)) {
    if (!NUMERIC.has(key)) {
      throw new RangeError(
        `thresholds.${key}: not a numeric record field (one of: ${[...NUMERIC].join(', ')})`,
      );
    }
    if (typeof value !== 'number' || !Number.isFinite(value)) {
      throw new RangeError(`thresholds.${key}: must be a finite number, got ${JSON.stringify(value)}`);
    }
  }
  return thresholds as Thresholds;
}

/** End of an operation as ISO 8601. */
const endOf = (r: OperationRecord) =>
  new Date(Date.parse(r.timestamp) + r.duration_seconds * 1000).toISOString();

/** The alerts one record raises: one per field whose value is above its threshold. */
export function alertsFor(record: OperationRecord, thresholds: Thresholds): Alert[] {
  const alerts: Alert[] = [];
  for (const [metric, threshold] of Object.entries(thresholds) as [NumericOperationField, number][]) {
    const value = record[metric];
    if (typeof value !== 'number' || !(value > threshold)) continue;
    alerts.push({
      timestamp: endOf(record),
      metric,
      threshold,
      value,
      model_name: record.model_name,
      operation: record.operation,
      seq: record.seq,
    });
  }
  return alerts;
}

/** The one-line warning printed on stderr for an alert. */
export function formatAlert(a: Alert): string {
  const seq = a.seq === null ? '' : `, seq ${a.seq}`;
  return `llmmon: alert: ${a.metric} = ${round(a.value)} > ${a.threshold} (${a.model_name} ${a.operation}${seq})`;
}

const round = (x: number) => (Number.isInteger(x) ? String(x) : x.toPrecision(6).replace(/\.?0+$/, ''));
