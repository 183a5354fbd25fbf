/** Report section of scenario 8 (fleet). */
import type { FleetData } from '../scenarios/fleet.js';
import { num, table } from './markdown.js';

export function fleetSection(d: FleetData): string {
  const p = d.push.data;
  const l = d.lake.data;
  const rows = p.steps.map((s) => [
    num(s.offered_ops_per_second, 0),
    num(s.acknowledged_ops_per_second, 0),
    `${num(s.delay_ms.p50, 0)} / ${num(s.delay_ms.p99, 0)}`,
    num(s.batch_latency_ms.p99, 0),
    num(s.mean_batch_operations, 0),
    `${num(s.stored, 0)} of ${num(s.acknowledged, 0)}${s.lost ? ' **LOST**' : ''}`,
    num(s.load_average_before, 2),
    s.held ? 'held' : '**broke**',
  ]);
  return [
    `**Live push from a fleet** (\`${d.push.source}\`, written ${d.push.written}): ${p.hosts} simulated hosts, ` +
      'each a process of its own with a run of its own, make operations at an even share of the offered rate ' +
      "and push what is pending as one batch every second (core's live push interval), " +
      `${p.seconds_per_step} s per step, the rate doubling until a step breaks. A step holds when every operation ` +
      'made is acknowledged (>= 95 % of the offered rate), the server answers 99 % of the pushes within 1 s ' +
      '(the delay from an operation made to its batch acknowledged adds up to one push interval), and the ' +
      'server stored every acknowledged operation exactly once. ' +
      `Highest rate held: **${p.highest_held_ops_per_second === null ? 'none' : `${num(p.highest_held_ops_per_second, 0)} operations/s`}**.`,
    '',
    table(
      [
        'offered, ops/s',
        'acknowledged, ops/s',
        'delay p50 / p99, ms',
        'batch p99, ms',
        'ops per batch',
        'stored',
        'load before',
        'step',
      ],
      rows,
    ),
    '',
    `**A lake of ${num(l.hosts, 0)} hosts x ${num(l.operations_per_host, 0)} operations** (\`${d.lake.source}\`, ` +
      `written ${d.lake.written}): the files \`exportLake\` writes (${l.hosts_generated} hosts generated from ` +
      "testkit's full records, the others their copies under their own run, host and partition with scaled " +
      'durations); a store opened with the lake (as `llmmon serve --lake`) answers the p95 duration per host ' +
      `per model (${num(l.groups, 0)} groups, ${num(l.operations, 0)} operations) through its SQL sandbox in ` +
      `**${num(l.query_seconds.median, 2)} s** median (min ${num(l.query_seconds.min, 2)} s, budget ` +
      `${num(l.budget_seconds, 0)} s), 1-minute load average ${num(l.machine.load_average[0], 2)} at the end.`,
  ].join('\n');
}
