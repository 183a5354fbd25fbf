/**
 * Live push batches (core → server): `POST /api/runs/:id/operations` and `/samples`.
 * Each batch carries the run header so that the first batch to arrive creates the run; the
 * server stores it once. Operations are idempotent on (run_id, seq), samples on (run_id, t).
 */
import { z } from 'zod';
import { AlertSchema } from './alert.js';
import { OperationRecordSchema } from './operation.js';
import { RunSchema } from './run.js';
import { SampleSchema } from './sample.js';

export const LiveOperationsBatchSchema = z.object({
  run: RunSchema,
  operations: z.array(OperationRecordSchema),
  alerts: z.array(AlertSchema).default([]),
});

export const LiveSamplesBatchSchema = z.object({
  run: RunSchema,
  samples: z.array(SampleSchema),
});

export type LiveOperationsBatch = z.output<typeof LiveOperationsBatchSchema>;
export type LiveOperationsBatchInput = z.input<typeof LiveOperationsBatchSchema>;
export type LiveSamplesBatch = z.output<typeof LiveSamplesBatchSchema>;
