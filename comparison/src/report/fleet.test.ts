import { expect, it } from 'vitest';
import type { FleetPushStep } from '../scenarios/fleet.js';
import { fleetSection } from './fleet.js';

const step = (offered: number, held: boolean, p99: number): FleetPushStep => ({
  offered_ops_per_second: offered,
  acknowledged_ops_per_second: offered,
  acknowledged: offered * 10,
  stored: offered * 10,
  failed_requests: 0,
  delay_ms: { p50: p99 / 3, p99, max: p99 * 2 },
  batch_latency_ms: { p50: 5, p99: p99 / 2 },
  mean_batch_operations: 12,
  load_average_before: 0.4,
  lost: false,
  held,
});

it('shows each push step with its verdict, the rate held, and the lake query time', () => {
  const text = fleetSection({
    push: {
      source: 'packages/server/perf/results/fleet-push-x.json',
      written: '2026-12-07T06:00:00.000Z',
      data: {
        hosts: 20,
        seconds_per_step: 10,
        highest_held_ops_per_second: 500,
        steps: [step(250, true, 90), step(500, true, 300), step(1000, false, 2400)],
      },
    },
    lake: {
      source: 'packages/server/perf/results/fleet-lake-x.json',
      written: '2026-12-07T06:10:00.000Z',
      data: {
        hosts: 100,
        hosts_generated: 10,
        operations_per_host: 100_000,
        operations: 10_000_000,
        groups: 400,
        query_seconds: { min: 0.61, median: 0.72, max: 0.9 },
        budget_seconds: 1,
        machine: { load_average: [0.5, 0.4, 0.3] },
      },
    },
  });
  expect(text).toContain('Highest rate held: **500 operations/s**');
  expect(text).toMatch(
    /\| 1,000 \| 1,000 \| 800 \/ 2,400 \| 1,200 \| 12 \| 10,000 of 10,000 \| 0\.40 \| \*\*broke\*\* \|/,
  );
  expect(text).toContain('in **0.72 s** median (min 0.61 s, budget 1 s)');
  expect(text).toContain('A lake of 100 hosts x 100,000 operations');
});
