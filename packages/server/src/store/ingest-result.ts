/** What an ingest takes and what it answers, the same for both ingest paths. */
import type {
  Alert,
  IngestCounts,
  IngestResponse,
  OperationRecord,
  RunHeader,
  Sample,
} from '@llmmon/core/schema';

/** A batch to store: a run header and any of its operations, samples, alerts. */
export interface IngestBatch {
  run: RunHeader;
  operations?: readonly OperationRecord[];
  samples?: readonly Sample[];
  alerts?: readonly Alert[];
}

/** What a stored batch added (only new rows), as the `ingest` event and the ingest result carry it. */
export interface IngestEvent {
  run_id: string;
  created: boolean;
  /** Whether it came as a live batch (not a whole file). */
  live: boolean;
  /** Empty for a file stored through the bulk reader (`ingestFile` over its threshold): its records never reach JS. */
  operations: OperationRecord[];
  samples: Sample[];
  alerts: Alert[];
}

export interface IngestResult extends IngestResponse {
  added: IngestEvent;
}

const counts = (received: number, inserted: number): IngestCounts => ({
  received,
  inserted,
  duplicates: received - inserted,
});

/**
 * The answer to a stored batch: how many rows of each kind came and how many were new.
 * @param insertedOperations new operations, where they are not in `added` (the bulk path)
 */
export function ingestResult(
  added: IngestEvent,
  received: { operations: number; samples: number; alerts: number },
  insertedOperations = added.operations.length,
): IngestResult {
  return {
    run_id: added.run_id,
    created: added.created,
    operations: counts(received.operations, insertedOperations),
    samples: counts(received.samples, added.samples.length),
    alerts: counts(received.alerts, added.alerts.length),
    added,
  };
}
