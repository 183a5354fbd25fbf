/**
 * A threshold alert fired or resolved by an operation; the `alerts` table. An alert fires when a
 * model's value of a metric goes above its threshold and resolves when it comes back to or below
 * it (see core's alerts.ts for the rules).
 */
import type { z } from 'zod';
import { field, objectSchema } from './field.js';

export const ALERT_FIELDS = {
  timestamp: field.timestamp({ description: 'When the alert fired or resolved (end of the operation)' }),
  metric: field.text({ description: 'Record field that crossed its threshold' }),
  threshold: field.float({ description: 'Configured threshold, in the unit of the metric' }),
  value: field.float({ description: 'Measured value, in the unit of the metric' }),
  model_name: field.text({ description: 'Model of the operation' }),
  operation: field.text({ description: 'Operation kind' }),
  seq: field.integerOrNull({ min: 0, description: 'seq of the operation that fired or resolved it' }),
  state: field.enumOrNull(['fired', 'resolved'] as const, {
    description:
      "fired: the model's value went above the threshold; resolved: it came back to or below it (null: written before llmmon recorded resolutions, an alert per operation above the threshold)",
  }),
} as const;

export const AlertSchema = objectSchema(ALERT_FIELDS);
export type Alert = z.output<typeof AlertSchema>;
export const ALERT_COLUMNS = Object.keys(ALERT_FIELDS) as (keyof typeof ALERT_FIELDS)[];
