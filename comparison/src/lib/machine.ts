/** The machine a result was measured on, for the report's header. */
import { cpus, loadavg, release, totalmem } from 'node:os';

export interface MachineInfo {
  cpu_model: string | null;
  cores: number;
  memory_bytes: number;
  platform: string;
  kernel: string;
  node: string;
  /** 1, 5 and 15 minute load averages when the measurement started. */
  loadavg: [number, number, number];
}

export function machineInfo(): MachineInfo {
  const [one, five, fifteen] = loadavg();
  return {
    cpu_model: cpus()[0]?.model?.trim() ?? null,
    cores: cpus().length,
    memory_bytes: totalmem(),
    platform: `${process.platform}-${process.arch}`,
    kernel: release(),
    node: process.versions.node,
    loadavg: [one ?? 0, five ?? 0, fifteen ?? 0],
  };
}
