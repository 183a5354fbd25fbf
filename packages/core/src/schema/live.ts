/**
 * Live push batches (core → server): `POST /api/runs/:id/operations` and `/samples`.
 * Each batch carries the run header so that the first batch to arrive creates the run; the
 * server stores it once. Operations are idempotent on (run_id, seq), samples on (run_id, t).
 */
import { z } from 'zod';
import { ALERT_FIELDS, AlertSchema } from './alert.js';
import { OPERATION_FIELDS, OperationRecordSchema } from './operation.js';
import { isRecord, listParser, recordParser } from './record-parser.js';
import { RUN_FIELDS, RunSchema } from './run.js';
import { SAMPLE_FIELDS, SampleSchema } from './sample.js';

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

const run = recordParser(RUN_FIELDS);
const operations = listParser(recordParser(OPERATION_FIELDS));
const alerts = listParser(recordParser(ALERT_FIELDS));
const samples = listParser(recordParser(SAMPLE_FIELDS));

/**
 * `LiveOperationsBatchSchema`'s output for a plainly valid batch, quickly (record-parser.ts);
 * `undefined` where zod must decide (and word the problem).
 */
export function quickLiveOperationsBatch(input: unknown): LiveOperationsBatch | undefined {
  if (!isRecord(input)) return undefined;
  const r = run(input.run);
  const o = r && operations(input.operations);
  const a = o && (input.alerts === undefined ? [] : alerts(input.alerts));
  return a ? { run: r, operations: o, alerts: a } : undefined;
}

/** `LiveSamplesBatchSchema`'s output for a plainly valid batch, quickly; `undefined` where zod must decide. */
export function quickLiveSamplesBatch(input: unknown): LiveSamplesBatch | undefined {
  if (!isRecord(input)) return undefined;
  const r = run(input.run);
  const s = r && samples(input.samples);
  return s ? { run: r, samples: s } : undefined;
}
