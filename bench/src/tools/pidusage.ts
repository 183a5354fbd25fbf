/**
 * pidusage (npm), polled as its README does: a `setTimeout` chain (so calls never overlap), once
 * a second by default. It reads `/proc/<pid>/stat` asynchronously and reports RSS and the CPU %
 * since its previous call (100 = one core).
 */
import pidusage from 'pidusage';
import { now } from '../lib/clock.js';
import type { Poller, ToolSample, Trace } from './types.js';

export class PidusagePoller implements Poller {
  readonly id: string;
  readonly label: string;
  #timer: NodeJS.Timeout | null = null;
  #running = false;
  #pending: Promise<void> = Promise.resolve();
  #samples: ToolSample[] = [];
  #started = 0;

  constructor(
    readonly intervalMs: number,
    readonly pid: number = process.pid,
  ) {
    this.id = `pidusage-${intervalMs}ms`;
    this.label = `pidusage @ ${intervalMs >= 1000 ? `${intervalMs / 1000} s` : `${intervalMs} ms`}`;
  }

  async #read(): Promise<void> {
    const t0 = now();
    const stats = await pidusage(this.pid);
    this.#samples.push({
      t0,
      t1: now(),
      rss_bytes: stats.memory,
      cpu_seconds: null,
      cpu_percent: stats.cpu,
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
    pidusage.clear();
    return {
      id: this.id,
      interval_ms: this.intervalMs,
      samples: this.#samples,
      own_cpu_seconds: null,
      wall_seconds: now() - this.#started,
    };
  }
}
