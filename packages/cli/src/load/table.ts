/**
 * The terminal table of a load run: one row per level with throughput, goodput, concurrency
 * achieved, latency percentiles (milliseconds) and what the level cost this process and, when
 * attached, the server process (— where not measured).
 */
import { num, table } from '../format.js';
import type { LevelResult } from './report.js';

const ms = (seconds: number | null) => num(seconds === null ? null : seconds * 1000);

export function formatLoadTable(levels: readonly LevelResult[], saturation: number | null): string {
  const rows = levels.map((l, i) => {
    const s = l.stats;
    const errors = Object.entries(s.errors)
      .map(([k, n]) => `${n} ${k}`)
      .join(', ');
    return [
      `${l.label}${i === saturation ? ' *' : ''}`,
      `${s.completed}${s.failed ? ` (${errors})` : ''}`,
      num(s.requestThroughput),
      num(s.outputTokenThroughput),
      num(s.totalTokenThroughput),
      num(s.goodput),
      num(s.concurrency),
      `${ms(s.ttft.p50)} / ${ms(s.ttft.p99)}`,
      `${ms(s.tpot.p50)} / ${ms(s.tpot.p99)}`,
      `${ms(s.itl.p50)} / ${ms(s.itl.p99)}`,
      `${ms(s.e2el.p50)} / ${ms(s.e2el.p99)}`,
      num(l.cost.cpuSeconds),
      num(l.cost.cpuSecondsPer1kOutputTokens),
      num(l.cost.peakMemoryMb),
      num(l.cost.server?.cpuSeconds),
      num(l.cost.serverCpuSecondsPer1kOutputTokens),
      num(l.cost.server?.peakMemoryMb),
    ];
  });
  return table(
    [
      'level',
      'ok',
      'req/s',
      'out tok/s',
      'tok/s',
      'goodput/s',
      'conc',
      'TTFT p50/p99 ms',
      'TPOT p50/p99 ms',
      'ITL p50/p99 ms',
      'E2EL p50/p99 ms',
      'CPU s',
      'CPU s/1k tok',
      'peak MB',
      'srv CPU s',
      'srv CPU s/1k tok',
      'srv peak MB',
    ],
    rows,
    [false, false, ...Array<boolean>(15).fill(true)],
  );
}
