/** A threshold alert raised by an operation; the `alerts` table. */
import type { z } from 'zod';
import { field, objectSchema } from './field.js';

export const ALERT_FIELDS = {
  timestamp: field.timestamp({ description: 'When the alert fired (end of the operation)' }),
  metric: field.text({ description: 'Record field that crossed its threshold' }),
  threshold: field.float({ description: 'Configured threshold, in the unit of the metric' }),
  value: field.float({ description: 'Measured value, in the unit of the metric' }),
  model_name: field.text({ description: 'Model of the operation' }),
  operation: field.text({ description: 'Operation kind' }),
  seq: field.integerOrNull({ description: 'seq of the operation that fired it' }),
} as const;

export const AlertSchema = objectSchema(ALERT_FIELDS);
export type Alert = z.output<typeof AlertSchema>;
export const ALERT_COLUMNS = Object.keys(ALERT_FIELDS) as (keyof typeof ALERT_FIELDS)[];
