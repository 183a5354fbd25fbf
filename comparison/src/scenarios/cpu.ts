/**
 * Scenario 2, CPU attribution: 1 or 2 worker threads each burn a known CPU time (50 ms or
 * 500 ms, by their own CPU clocks) while every tool watches (`workers/burn.ts`). The main thread's event loop stays
 * free, so the JS-timer tools get their best case.
 *
 * Two truths per window, both ÷ the window's wall time × 100 (100 = one core):
 * - attribution truth: the busy threads' CPU time, read from the kernel
 *   (`/proc/self/task/<tid>/schedstat`, while they are blocked before and after);
 * - process truth: the whole process's CPU time (`process.cpuUsage()`, getrusage: the
 *   scheduler's exact total), which also holds the process's other work (the in-process tools'
 *   timers, the samplers, V8), reported as `other_percent`.
 * A tool's figure: llmmon's window (`avg_cpu_percent` for the process, its per-thread entries
 * for the busy tids), or for the polling tools the bracket of their readings
 * (`lib/estimate.ts`), process-wide and, where the tool sees threads, for the busy tids.
 * Process figures are judged against the process truth, per-thread figures against the
 * attribution truth. Error = |figure − truth| in percentage points of one core, and relative.
 */
import { Worker } from 'node:worker_threads';
import { mulberry32 } from '@llmmon/core/random';
import { now, processCpuSeconds, sleep } from '../lib/clock.js';
import { bracket, cpuPercentOverWindow, instant, threadCpuPercentOverWindow } from '../lib/estimate.js';
import { type Spread, spread } from '../lib/stats.js';
import { threadCpuSeconds } from '../lib/truth.js';
import { fidelityPollers } from '../tools/index.js';
import { LlmmonTool } from '../tools/llmmon.js';
import type { ToolSample, Trace } from '../tools/types.js';
import { BURN_DONE, BURN_GO, BURN_MS, BURN_SLOTS, BURN_STOP } from '../workers/burn-protocol.js';

export interface CpuCase {
  threads: number;
  cpuMs: number;
  windows: number;
}

export interface CpuOptions {
  cases: CpuCase[];
  /** Pause between windows, ms: longer than the slowest poller's spacing of readings (a second
   * plus systeminformation's ~0.3 s per call), so that its bracket of one window does not reach
   * into the next (a figure whose bracket does is dropped). Uniform in [min, max], seeded. */
  gapMs: [number, number];
  seed: number;
}

export const CPU_DEFAULTS: CpuOptions = {
  cases: [
    { threads: 1, cpuMs: 50, windows: 15 },
    { threads: 2, cpuMs: 50, windows: 15 },
    { threads: 1, cpuMs: 500, windows: 5 },
    { threads: 2, cpuMs: 500, windows: 5 },
  ],
  gapMs: [1500, 1800],
  seed: 11,
};

interface Window {
  case: number;
  a: number;
  b: number;
  tids: number[];
  /** Busy threads' CPU % (attribution truth). */
  truth_percent: number;
  /** Whole process CPU % (process truth). */
  process_percent: number;
  other_percent: number;
  /** CPU each busy thread actually burned (truth ÷ threads), ms. */
  burned_ms: number;
}

export interface CpuToolCase {
  /** |figure − truth|, percentage points of one core. */
  abs_error_pp: Spread;
  /** |figure − truth| ÷ truth × 100. */
  rel_error_percent: Spread;
  /** Windows the tool had no figure for (its readings did not bracket them). */
  no_reading: number;
}

export interface CpuToolResult {
  id: string;
  label: string;
  /** Whether the tool names the threads that did the work (and so can be judged per thread). */
  per_thread: boolean;
  /** Process-level figure against the process truth, per case. */
  process: CpuToolCase[];
  /** Figure for the busy threads only against the attribution truth (tools that see threads). */
  thread: CpuToolCase[] | null;
}

export interface CpuData {
  options: CpuOptions;
  truth_percent: Spread[];
  process_percent: Spread[];
  other_percent: Spread[];
  wall_ms: Spread[];
  /** CPU each busy thread actually burned in a window (kernel's count), ms; absent in older results. */
  burned_ms?: Spread[];
  tools: CpuToolResult[];
}

function judge(
  windows: readonly Window[],
  figures: readonly (number | null)[],
  cases: number,
  truth: (w: Window) => number,
): CpuToolCase[] {
  return Array.from({ length: cases }, (_, c) => {
    const abs: number[] = [];
    const rel: number[] = [];
    let none = 0;
    windows.forEach((w, i) => {
      if (w.case !== c) return;
      const f = figures[i];
      if (f == null || !Number.isFinite(f)) {
        none++;
        return;
      }
      const t = truth(w);
      abs.push(Math.abs(f - t));
      rel.push((100 * Math.abs(f - t)) / t);
    });
    return { abs_error_pp: spread(abs), rel_error_percent: spread(rel), no_reading: none };
  });
}

/** Whether the readings that bracket `w` span any part of another window. */
function bracketTouchesOthers(
  samples: readonly ToolSample[],
  w: Window,
  windows: readonly Window[],
): boolean {
  const br = bracket(samples, w.a, w.b);
  if (!br) return false;
  const from = instant(br.before);
  const to = instant(br.after);
  return windows.some((o) => o !== w && o.b > from && o.a < to);
}

// Atomics.waitAsync is in Node 20 (V8) but in TypeScript's lib only from ES2024.
const waitAsync = (
  Atomics as unknown as {
    waitAsync(
      array: Int32Array,
      index: number,
      value: number,
    ): { async: boolean; value: Promise<string> | string };
  }
).waitAsync;

interface BurnWorker {
  worker: Worker;
  tid: number;
  /** Resolves once the worker burned `cpuMs` and is asleep again. */
  burn(cpuMs: number): Promise<void>;
  stop(): Promise<void>;
}

async function startBurner(): Promise<BurnWorker> {
  const shared = new SharedArrayBuffer(BURN_SLOTS * Int32Array.BYTES_PER_ELEMENT);
  const control = new Int32Array(shared);
  const worker = new Worker(new URL('../workers/burn.js', import.meta.url), { workerData: shared });
  const tid = await new Promise<number>((resolve, reject) => {
    worker.once('message', (m: { tid: number }) => resolve(m.tid));
    worker.once('error', reject);
  });
  return {
    worker,
    tid,
    burn: async (cpuMs) => {
      const done = Atomics.load(control, BURN_DONE);
      Atomics.store(control, BURN_MS, cpuMs);
      Atomics.add(control, BURN_GO, 1);
      Atomics.notify(control, BURN_GO);
      const wait = waitAsync(control, BURN_DONE, done);
      if (wait.async) await wait.value;
    },
    stop: async () => {
      Atomics.store(control, BURN_GO, BURN_STOP);
      Atomics.notify(control, BURN_GO);
      await new Promise((resolve) => worker.once('exit', resolve));
    },
  };
}

export async function runCpu(options: CpuOptions = CPU_DEFAULTS): Promise<CpuData> {
  const random = mulberry32(options.seed);
  const burners = [await startBurner(), await startBurner()];
  for (const b of burners) await b.burn(5); // warm: code paths compiled, stacks paged in

  const llmmon = [new LlmmonTool(1).start(), new LlmmonTool(10).start()];
  const pollers = fidelityPollers(['rss', 'cpu', 'threads']);
  for (const p of pollers) await p.start();
  await sleep(1500);

  const windows: Window[] = [];
  const llmmonProcess: (number | null)[][] = llmmon.map(() => []);
  const llmmonThread: (number | null)[][] = llmmon.map(() => []);
  for (const [c, kase] of options.cases.entries()) {
    const busy = burners.slice(0, kase.threads);
    const tids = busy.map((b) => b.tid);
    for (let r = 0; r < kase.windows; r++) {
      const before = tids.map(threadCpuSeconds);
      const cpu0 = processCpuSeconds();
      const a = now();
      const ids = llmmon.map((l) => l.open());
      await Promise.all(busy.map((b) => b.burn(kase.cpuMs)));
      const stats = ids.map((id, k) => llmmon[k]!.close(id));
      const b = now();
      stats.forEach((s, k) => {
        // Process: the window's own figure (CPU and wall between the same two instants, as the
        // record's cpu_delta_percent). Threads: the busy tids' CPU seconds over the truth's wall —
        // they sleep at both ends, so llmmon and the truth read the same kernel counter, and
        // dividing by llmmon's slightly shorter wall would only add the windows' own open/close time.
        const threadCpu = s.threads.filter((t) => t.tid !== null && tids.includes(t.tid));
        llmmonProcess[k]!.push(s.avg_cpu_percent);
        llmmonThread[k]!.push((100 * threadCpu.reduce((sum, t) => sum + t.cpu_seconds, 0)) / (b - a));
      });
      const cpu = processCpuSeconds() - cpu0;
      const busyCpu = tids.map(threadCpuSeconds).reduce((sum, v, i) => sum + v - before[i]!, 0);
      windows.push({
        case: c,
        a,
        b,
        tids,
        truth_percent: (100 * busyCpu) / (b - a),
        process_percent: (100 * cpu) / (b - a),
        other_percent: (100 * (cpu - busyCpu)) / (b - a),
        burned_ms: (1000 * busyCpu) / tids.length,
      });
      const [lo, hi] = options.gapMs;
      await sleep(lo + random() * (hi - lo));
    }
  }

  const traces: Trace[] = [];
  for (const p of pollers) traces.push(await p.stop());
  for (const l of llmmon) l.stop();
  for (const b of burners) await b.stop();

  const n = options.cases.length;
  const byProcess = (w: Window) => w.process_percent;
  const byThreads = (w: Window) => w.truth_percent;
  const tools: CpuToolResult[] = llmmon.map((l, k) => ({
    id: l.id,
    label: l.label,
    per_thread: true,
    process: judge(windows, llmmonProcess[k]!, n, byProcess),
    thread: judge(windows, llmmonThread[k]!, n, byThreads),
  }));
  pollers.forEach((p, k) => {
    const samples = traces[k]!.samples;
    const perThread = samples.some((s) => s.threads !== null);
    // A figure whose bracket reaches into another window mixes two windows' work: no figure.
    const clean = windows.map((w) => !bracketTouchesOthers(samples, w, windows));
    tools.push({
      id: p.id,
      label: p.label,
      per_thread: perThread,
      process: judge(
        windows,
        windows.map((w, i) => (clean[i] ? cpuPercentOverWindow(samples, w.a, w.b) : null)),
        n,
        byProcess,
      ),
      thread: perThread
        ? judge(
            windows,
            windows.map((w, i) => (clean[i] ? threadCpuPercentOverWindow(samples, w.a, w.b, w.tids) : null)),
            n,
            byThreads,
          )
        : null,
    });
  });
  const perCase = (f: (w: Window) => number) =>
    options.cases.map((_, c) => spread(windows.filter((w) => w.case === c).map(f)));
  return {
    options,
    truth_percent: perCase((w) => w.truth_percent),
    process_percent: perCase((w) => w.process_percent),
    other_percent: perCase((w) => w.other_percent),
    wall_ms: perCase((w) => 1000 * (w.b - w.a)),
    burned_ms: perCase((w) => w.burned_ms),
    tools,
  };
}
