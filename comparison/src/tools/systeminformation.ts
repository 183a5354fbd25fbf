/**
 * systeminformation (npm), polled from a JS timer at its README's rate (once a second). Its
 * per-process figures come from `si.processes()`: on Linux it runs `ps` for every process, then
 * a shell that `cat`s `/proc/stat` and every process's `/proc/<pid>/stat` for CPU deltas. Its CPU
 * % is a share of ALL cores (100 = the whole machine); it is rescaled here to 100 = one core, and
 * `memRss` (KiB) to bytes.
 */
import { cpus } from 'node:os';
import si from 'systeminformation';
import { ChainedPoller, intervalLabel, type Reading } from './in-process.js';

export class SystemInformationPoller extends ChainedPoller {
  readonly #cores = cpus().length;

  constructor(
    intervalMs: number,
    readonly pid: number = process.pid,
  ) {
    super('systeminformation', `systeminformation @ ${intervalLabel(intervalMs)}`, intervalMs);
  }

  protected async read(): Promise<Reading> {
    const all = await si.processes();
    const me = all.list.find((p) => p.pid === this.pid);
    return {
      rss_bytes: me ? me.memRss * 1024 : null,
      cpu_seconds: null,
      cpu_percent: me ? me.cpu * this.#cores : null,
      threads: null,
    };
  }
}
