/**
 * llmmon's native sampler (`@llmmon/sampler-native`) as the suite uses it: one `Sampler` per
 * rate, a window opened before each event and closed after it (what `trackOperation` does).
 */
import { Sampler, type WindowStats } from '@llmmon/sampler-native';
import { now } from '../lib/clock.js';
import type { Poller, ToolSample, Trace } from './types.js';

export class LlmmonTool {
  readonly id: string;
  readonly label: string;
  readonly sampler: Sampler;

  constructor(readonly intervalMs: number) {
    this.id = `llmmon-${intervalMs}ms`;
    this.label = `llmmon native @ ${intervalMs === 1 ? '1 kHz' : `${1000 / intervalMs} Hz`}`;
    this.sampler = new Sampler({ intervalMs });
  }

  start(): this {
    this.sampler.start();
    return this;
  }

  stop(): void {
    this.sampler.stop();
  }

  open(): number {
    return this.sampler.openWindow();
  }

  close(id: number): WindowStats {
    return this.sampler.closeWindow(id);
  }
}

/**
 * llmmon's native sampler between operations: no window open, so it samples at its idle interval
 * (`idleIntervalMs`, what `@llmmon/core`'s monitors use: 100 ms), one timeline sample per idle
 * tick. Its readings are those samples.
 */
export class LlmmonIdlePoller implements Poller {
  readonly id: string;
  readonly label: string;
  #sampler: Sampler | null = null;
  #started = 0;

  constructor(readonly intervalMs: number) {
    this.id = `llmmon-idle-${intervalMs}ms`;
    this.label = `llmmon native, idle (no operation open: ${intervalMs} ms ticks)`;
  }

  async start(): Promise<void> {
    this.#sampler = new Sampler({ intervalMs: 1, idleIntervalMs: this.intervalMs }).start();
    this.#started = now();
  }

  async stop(): Promise<Trace> {
    const sampler = this.#sampler!;
    const batch = sampler.timeline();
    sampler.stop();
    const samples: ToolSample[] = [];
    for (let i = 0; i < batch.length; i++) {
      const t = batch.t[i]!;
      const cpu = batch.cpu_percent[i]!;
      samples.push({
        t0: t,
        t1: t,
        rss_bytes: batch.rss_bytes[i]!,
        cpu_seconds: null,
        cpu_percent: Number.isNaN(cpu) ? null : cpu,
        threads: null,
      });
    }
    return {
      id: this.id,
      interval_ms: this.intervalMs,
      samples,
      own_cpu_seconds: null,
      wall_seconds: now() - this.#started,
    };
  }
}
