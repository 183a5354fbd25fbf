/**
 * The plain JS sampler everyone writes first: `setInterval` + `process.cpuUsage()` +
 * `process.memoryUsage.rss()`. It runs on the event loop, so it sees nothing while synchronous
 * code blocks it. (`@llmmon/core`'s JS fallback sampler works this way too.)
 */
import { now } from '../lib/clock.js';
import type { Poller, ToolSample, Trace } from './types.js';

export class JsTimerPoller implements Poller {
  readonly id: string;
  readonly label: string;
  #timer: NodeJS.Timeout | null = null;
  #samples: ToolSample[] = [];
  #started = 0;

  constructor(readonly intervalMs: number) {
    this.id = `js-timer-${intervalMs}ms`;
    this.label = `JS setInterval @ ${intervalMs} ms`;
  }

  #read = () => {
    const t0 = now();
    const u = process.cpuUsage();
    const rss = process.memoryUsage.rss();
    this.#samples.push({
      t0,
      t1: now(),
      rss_bytes: rss,
      cpu_seconds: (u.user + u.system) / 1e6,
      cpu_percent: null,
      threads: null,
    });
  };

  async start(): Promise<void> {
    this.#samples = [];
    this.#started = now();
    this.#read();
    this.#timer = setInterval(this.#read, this.intervalMs);
  }

  async stop(): Promise<Trace> {
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = null;
    this.#read();
    return {
      id: this.id,
      interval_ms: this.intervalMs,
      samples: this.#samples,
      own_cpu_seconds: null,
      wall_seconds: now() - this.#started,
    };
  }
}
