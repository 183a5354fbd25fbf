/** The machine a run measures, for the run header. */
import os from 'node:os';
import { BYTES_PER_MB } from './schema/field.js';
import type { HostInfo } from './schema/run.js';

export function hostInfo(gpus: HostInfo['gpus']): HostInfo {
  const cpus = os.cpus();
  return {
    hostname: os.hostname(),
    platform: process.platform,
    arch: process.arch,
    cpu_model: cpus[0]?.model.trim() || null,
    cpu_count: os.availableParallelism(),
    total_memory_mb: os.totalmem() / BYTES_PER_MB,
    node_version: process.version,
    gpus,
  };
}
