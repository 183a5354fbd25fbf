/**
 * The plumbing every in-process polling tool shares (pidusage, systeminformation, the JS timer):
 * readings stamped with when they were asked for and when they came back, one reading at start
 * and one at stop so the trace covers the whole measurement, and the `Trace` handed back. Each
 * tool adds only how it reads and how it schedules: a JS `setInterval` (what a hand-written
 * sampler does) or a `setTimeout` chain for asynchronous readers (so calls never overlap, as the
 * tools' READMEs poll them).
 */
import { now } from '../lib/clock.js';
import type { Poller, ToolSample, Trace } from './types.js';

/** A reading without its time stamps. */
export type Reading = Omit<ToolSample, 't0' | 't1'>;

/** `1 s`, `500 ms`: how the tables name an interval. */
export function intervalLabel(ms: number): string {
  return ms >= 1000 ? `${ms / 1000} s` : `${ms} ms`;
}

abstract class InProcessPoller implements Poller {
  readonly id: string;
  #samples: ToolSample[] = [];
  #started = 0;

  constructor(
    name: string,
    readonly label: string,
    readonly intervalMs: number,
  ) {
    this.id = `${name}-${intervalMs}ms`;
  }

  abstract start(): Promise<void>;
  abstract stop(): Promise<Trace>;

  /** Clears the readings and starts the wall clock. */
  protected begin(): void {
    this.#samples = [];
    this.#started = now();
  }

  /** Keeps a reading asked for at `t0`, stamped as come back now. */
  protected keep(t0: number, reading: Reading): void {
    this.#samples.push({ t0, t1: now(), ...reading });
  }

  /** The readings so far as a trace (in-process tools cannot tell their own CPU apart). */
  protected trace(): Trace {
    return {
      id: this.id,
      interval_ms: this.intervalMs,
      samples: this.#samples,
      own_cpu_seconds: null,
      wall_seconds: now() - this.#started,
    };
  }
}

/** A tool read synchronously from a JS `setInterval`: blind while the event loop is blocked. */
export abstract class IntervalPoller extends InProcessPoller {
  #timer: NodeJS.Timeout | null = null;

  /** One synchronous reading. */
  protected abstract read(): Reading;

  #take = () => {
    const t0 = now();
    this.keep(t0, this.read());
  };

  async start(): Promise<void> {
    this.begin();
    this.#take();
    this.#timer = setInterval(this.#take, this.intervalMs);
  }

  async stop(): Promise<Trace> {
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = null;
    this.#take();
    return this.trace();
  }
}

/** A tool read asynchronously, the next reading `intervalMs` after the previous one came back. */
export abstract class ChainedPoller extends InProcessPoller {
  #timer: NodeJS.Timeout | null = null;
  #running = false;
  #pending: Promise<void> = Promise.resolve();

  /** One asynchronous reading. */
  protected abstract read(): Promise<Reading>;

  async #take(): Promise<void> {
    const t0 = now();
    this.keep(t0, await this.read());
  }

  #schedule = () => {
    if (!this.#running) return;
    this.#timer = setTimeout(() => {
      this.#pending = this.#take().then(this.#schedule);
    }, this.intervalMs);
  };

  async start(): Promise<void> {
    this.begin();
    this.#running = true;
    await this.#take();
    this.#schedule();
  }

  async stop(): Promise<Trace> {
    this.#running = false;
    if (this.#timer) clearTimeout(this.#timer);
    await this.#pending;
    await this.#take();
    return this.trace();
  }
}
