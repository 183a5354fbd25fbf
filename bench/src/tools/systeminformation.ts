/**
 * systeminformation (npm), polled from a JS timer at its README's rate (once a second). Its
 * per-process figures come from `si.processes()`: on Linux it runs `ps` for every process, then
 * a shell that `cat`s `/proc/stat` and every process's `/proc/<pid>/stat` for CPU deltas. Its CPU
 * % is a share of ALL cores (100 = the whole machine); it is rescaled here to 100 = one core, and
 * `memRss` (KiB) to bytes.
 */
import { cpus } from 'node:os';
import si from 'systeminformation';
import { now } from '../lib/clock.js';
import type { Poller, ToolSample, Trace } from './types.js';

export class SystemInformationPoller implements Poller {
  readonly id: string;
  readonly label: string;
  #timer: NodeJS.Timeout | null = null;
  #running = false;
  #pending: Promise<void> = Promise.resolve();
  #samples: ToolSample[] = [];
  #started = 0;
  readonly #cores = cpus().length;

  constructor(
    readonly intervalMs: number,
    readonly pid: number = process.pid,
  ) {
    this.id = `systeminformation-${intervalMs}ms`;
    this.label = `systeminformation @ ${intervalMs >= 1000 ? `${intervalMs / 1000} s` : `${intervalMs} ms`}`;
  }

  async #read(): Promise<void> {
    const t0 = now();
    const all = await si.processes();
    const me = all.list.find((p) => p.pid === this.pid);
    this.#samples.push({
      t0,
      t1: now(),
      rss_bytes: me ? me.memRss * 1024 : null,
      cpu_seconds: null,
      cpu_percent: me ? me.cpu * this.#cores : null,
      threads: null,
    });
  }

  #schedule = () => {
    if (!this.#running) return;
    this.#timer = setTimeout(() => {
      this.#pending = this.#read().then(this.#schedule);
    }, this.intervalMs);
  };

  async start(): Promise<void> {
    this.#samples = [];
    this.#running = true;
    this.#started = now();
    await this.#read();
    this.#schedule();
  }

  async stop(): Promise<Trace> {
    this.#running = false;
    if (this.#timer) clearTimeout(this.#timer);
    await this.#pending;
    await this.#read();
    return {
      id: this.id,
      interval_ms: this.intervalMs,
      samples: this.#samples,
      own_cpu_seconds: null,
      wall_seconds: now() - this.#started,
    };
  }
}
