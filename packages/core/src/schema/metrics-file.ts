/** The metrics file (`llmmon.metrics/1`): run header, operations, timeline samples, alerts. */
import { z } from 'zod';
import { AlertSchema } from './alert.js';
import { OperationRecordSchema } from './operation.js';
import { RunSchema } from './run.js';
import { SampleSchema } from './sample.js';

export const METRICS_FORMAT = 'llmmon.metrics/1';

export const MetricsFileSchema = z.object({
  format: z.literal(METRICS_FORMAT),
  run: RunSchema,
  operations: z.array(OperationRecordSchema),
  samples: z.array(SampleSchema).default([]),
  alerts: z.array(AlertSchema).default([]),
});

export type MetricsFile = z.output<typeof MetricsFileSchema>;
export type MetricsFileInput = z.input<typeof MetricsFileSchema>;
