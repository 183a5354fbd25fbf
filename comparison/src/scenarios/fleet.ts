/**
 * Scenario 8, fleet: many hosts against one llmmon. `@llmmon/server`'s own measurements measure
 * it (`pnpm --filter @llmmon/server perf`): `perf/fleet-push.ts` (host processes pushing live
 * batches to one server at a doubling rate until the pushes' answer time or the count of
 * stored operations breaks) and `perf/fleet-lake.ts` (p95 duration per host per model over a
 * lake of 100 hosts x 100,000 operations, through a store opened with the lake); their newest
 * results are reused here.
 */
import { packageResult } from '../lib/package-results.js';

export interface FleetPushStep {
  offered_ops_per_second: number;
  acknowledged_ops_per_second: number;
  acknowledged: number;
  stored: number;
  failed_requests: number;
  delay_ms: { p50: number; p99: number; max: number };
  batch_latency_ms: { p50: number; p99: number };
  mean_batch_operations: number;
  load_average_before: number;
  lost: boolean;
  held: boolean;
}

export interface FleetPushResult {
  hosts: number;
  seconds_per_step: number;
  highest_held_ops_per_second: number | null;
  steps: FleetPushStep[];
}

export interface FleetLakeResult {
  hosts: number;
  hosts_generated: number;
  operations_per_host: number;
  operations: number;
  groups: number;
  query_seconds: { min: number; median: number; max: number };
  budget_seconds: number;
  machine: { load_average: number[] };
}

export interface FleetData {
  push: { source: string; written: string; data: FleetPushResult };
  lake: { source: string; written: string; data: FleetLakeResult };
}

export async function runFleet(): Promise<FleetData> {
  const push = packageResult<FleetPushResult>('@llmmon/server', 'fleet-push-');
  const lake = packageResult<FleetLakeResult>('@llmmon/server', 'fleet-lake-');
  return {
    push: { source: push.file, written: push.written, data: push.data },
    lake: { source: lake.file, written: lake.written, data: lake.data },
  };
}
