/**
 * A load run's results: per level, its statistics and what it cost this process (the level's
 * operation on the monitor), and the JSON report written with `--report`.
 */
import type { OperationRecord } from '@llmmon/core';
import type { LevelSpec } from './levels.js';
import type { LevelStats, Slo } from './metrics.js';

/** What a level cost the client process: its operation's CPU time and memory. */
export interface LevelCost {
  cpuSeconds: number | null;
  avgCpuPercent: number | null;
  peakMemoryMb: number | null;
  cpuSecondsPerRequest: number | null;
  cpuSecondsPer1kOutputTokens: number | null;
}

export interface LevelResult {
  index: number;
  label: string;
  spec: LevelSpec;
  stats: LevelStats;
  cost: LevelCost;
}

export function levelCost(record: OperationRecord, stats: LevelStats): LevelCost {
  const cpu = record.cpu_time_seconds;
  return {
    cpuSeconds: cpu,
    avgCpuPercent: record.avg_cpu_percent,
    peakMemoryMb: record.peak_memory_mb,
    cpuSecondsPerRequest: cpu !== null && stats.completed > 0 ? cpu / stats.completed : null,
    cpuSecondsPer1kOutputTokens:
      cpu !== null && stats.outputTokens > 0 ? (cpu / stats.outputTokens) * 1000 : null,
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
