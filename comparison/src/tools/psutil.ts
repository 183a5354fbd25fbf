/**
 * psutil sampling this process from OUTSIDE: a python3 child polls `psutil.Process(pid)`
 * (`memory_info().rss`, `cpu_times()`, optionally `threads()`) at a fixed interval, the way
 * psutil-based monitors (the original Python monitor among them) watch a process. See
 * `python/psutil_poll.py` for the loop and its output.
 */
import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { psutilPython } from './python.js';
import type { Poller, ToolSample, Trace } from './types.js';

const SCRIPT = fileURLToPath(new URL('../../python/psutil_poll.py', import.meta.url));

interface PollerOutput {
  psutil: string;
  interval_ms: number;
  cpu_seconds: number;
  wall_seconds: number;
  missed: number;
  samples: [number, number, number | null, number | null, [number, number][] | null][];
}

export type PsutilField = 'rss' | 'cpu' | 'threads';

export class PsutilPoller implements Poller {
  readonly id: string;
  readonly label: string;
  #child: ChildProcessWithoutNullStreams | null = null;
  #stdout = '';
  #stderr = '';
  #exited: Promise<number | null> | null = null;
  /** Deadlines the child skipped because it ran late (after `stop()`). */
  missed = 0;

  constructor(
    readonly intervalMs: number,
    readonly fields: readonly PsutilField[] = ['rss', 'cpu'],
    readonly pid: number = process.pid,
  ) {
    this.id = `psutil-${intervalMs}ms`;
    this.label = `psutil ${psutilPython().version} @ ${intervalMs} ms (outside)`;
  }

  async start(): Promise<void> {
    const { python } = psutilPython();
    const child = spawn(python, [SCRIPT, String(this.pid), String(this.intervalMs), this.fields.join(',')]);
    this.#child = child;
    child.stdout.setEncoding('utf8');
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (d: string) => {
      this.#stderr += d;
    });
    this.#exited = new Promise((resolve) => child.on('close', resolve));
    await new Promise<void>((resolve, reject) => {
      const onData = (d: string) => {
        this.#stdout += d;
        const nl = this.#stdout.indexOf('\n');
        if (nl < 0) return;
        if (this.#stdout.slice(0, nl) !== 'ready') {
          reject(new Error(`comparison: psutil poller said ${JSON.stringify(this.#stdout.slice(0, nl))}`));
          return;
        }
        this.#stdout = this.#stdout.slice(nl + 1);
        child.stdout.off('data', onData);
        child.stdout.on('data', (more: string) => {
          this.#stdout += more;
        });
        resolve();
      };
      child.stdout.on('data', onData);
      child.on('error', reject);
      child.on('close', (code) =>
        reject(new Error(`comparison: psutil poller exited (${code}): ${this.#stderr.trim()}`)),
      );
    });
  }

  async stop(): Promise<Trace> {
    const child = this.#child;
    if (!child || !this.#exited) throw new Error('comparison: psutil poller not started');
    child.stdin.end('stop\n');
    const code = await this.#exited;
    this.#child = null;
    if (code !== 0) throw new Error(`comparison: psutil poller exited with ${code}: ${this.#stderr.trim()}`);
    const out = JSON.parse(this.#stdout) as PollerOutput;
    this.missed = out.missed;
    const samples: ToolSample[] = out.samples.map(([t0, t1, rss, cpu, threads]) => ({
      t0,
      t1,
      rss_bytes: rss,
      cpu_seconds: cpu,
      cpu_percent: null,
      threads,
    }));
    return {
      id: this.id,
      interval_ms: this.intervalMs,
      samples,
      own_cpu_seconds: out.cpu_seconds,
      wall_seconds: out.wall_seconds,
    };
  }
}
