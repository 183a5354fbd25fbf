/**
 * A load run's results: per level, its statistics and what it cost this process (the level's
 * operation on the monitor), and the JSON report written with `--report`.
 */
import type { OperationRecord } from '@llmmon/core';
import type { LevelSpec } from './levels.js';
import type { LevelStats, Slo } from './metrics.js';
import type { ServerCost } from './server-cost.js';

/**
 * What a level cost: the client process (its operation's CPU time and memory) and, when
 * attached, the server process; each per successful request and per 1,000 output tokens.
 */
export interface LevelCost {
  cpuSeconds: number | null;
  avgCpuPercent: number | null;
  peakMemoryMb: number | null;
  cpuSecondsPerRequest: number | null;
  cpuSecondsPer1kOutputTokens: number | null;
  /** Null when no server process is attached. */
  server: ServerCost | null;
  serverCpuSecondsPerRequest: number | null;
  serverCpuSecondsPer1kOutputTokens: number | null;
  /** CPU package joules of the level (whole package) per successful request; null where unreadable. */
  packageJoulesPerRequest: number | null;
}

export interface LevelResult {
  index: number;
  label: string;
  spec: LevelSpec;
  stats: LevelStats;
  cost: LevelCost;
}

const per = (value: number | null | undefined, count: number, scale = 1) =>
  value !== null && value !== undefined && count > 0 ? (value / count) * scale : null;

export function levelCost(record: OperationRecord, stats: LevelStats, server: ServerCost | null): LevelCost {
  const cpu = record.cpu_time_seconds;
  return {
    cpuSeconds: cpu,
    avgCpuPercent: record.avg_cpu_percent,
    peakMemoryMb: record.peak_memory_mb,
    cpuSecondsPerRequest: per(cpu, stats.completed),
    cpuSecondsPer1kOutputTokens: per(cpu, stats.outputTokens, 1000),
    server,
    serverCpuSecondsPerRequest: per(server?.cpuSeconds, stats.completed),
    serverCpuSecondsPer1kOutputTokens: per(server?.cpuSeconds, stats.outputTokens, 1000),
    packageJoulesPerRequest: per(server?.packageJoules, stats.completed),
  };
}

export interface LoadReport {
  run_id: string;
  target: { kind: string; base_url: string; model: string };
  seed: number;
  slo: Slo | null;
  levels: LevelResult[];
  saturation: { level: string | null; reason: string | null } | null;
}
