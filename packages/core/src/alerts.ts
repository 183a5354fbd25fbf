/**
 * Threshold alerts, with the semantics of a monitoring system's alert rule rather than one alert
 * per operation:
 * - An alert **fires** when a model's value of a metric goes above its threshold: the first
 *   operation of that model whose value is > the threshold while the alert is not firing.
 * - It **resolves** at the first later operation of that model whose value is <= the threshold.
 * - While it fires, further operations above the threshold raise nothing (a process whose RSS
 *   stays above a `peak_memory_mb` threshold raises one alert, not one per operation). An
 *   operation whose value is null (not measured) changes nothing.
 * State is kept per (metric, model), in `seq` order, so alerts are a pure function of the
 * records and the thresholds: a run rebuilt from its journal gets the same alerts as the live
 * run did. Each alert's time is its operation's end.
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

/** Follows the alert state of a run, one record at a time (in `seq` order). */
export class AlertTracker {
  readonly #thresholds: Thresholds;
  /** Keys `metric \0 model` of the alerts firing now. */
  readonly #firing = new Set<string>();

  constructor(thresholds: Thresholds) {
    this.#thresholds = thresholds;
  }

  /** The alerts that this record fires or resolves. */
  check(record: OperationRecord): Alert[] {
    const alerts: Alert[] = [];
    for (const [metric, threshold] of Object.entries(this.#thresholds) as [NumericOperationField, number][]) {
      const value = record[metric];
      if (typeof value !== 'number') continue;
      const key = `${metric}\0${record.model_name}`;
      const above = value > threshold;
      if (above === this.#firing.has(key)) continue;
      if (above) this.#firing.add(key);
      else this.#firing.delete(key);
      alerts.push({
        timestamp: endOf(record),
        metric,
        threshold,
        value,
        model_name: record.model_name,
        operation: record.operation,
        seq: record.seq,
        state: above ? 'fired' : 'resolved',
      });
    }
    return alerts;
  }
}

/** The alerts a run's records raise, in order (records in `seq` order). */
export function alertsFor(records: readonly OperationRecord[], thresholds: Thresholds): Alert[] {
  const tracker = new AlertTracker(thresholds);
  return records.flatMap((r) => tracker.check(r));
}

/** The one-line message printed on stderr for an alert. */
export function formatAlert(a: Alert): string {
  const seq = a.seq === null ? '' : `, seq ${a.seq}`;
  const resolved = a.state === 'resolved';
  const what = resolved
    ? `resolved: ${a.metric} = ${round(a.value)} <= ${a.threshold}`
    : `${a.metric} = ${round(a.value)} > ${a.threshold}`;
  return `llmmon: alert: ${what} (${a.model_name} ${a.operation}${seq})`;
}

const round = (x: number) => (Number.isInteger(x) ? String(x) : x.toPrecision(6).replace(/\.?0+$/, ''));
