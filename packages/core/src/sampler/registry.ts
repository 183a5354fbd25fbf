/**
 * One sampler per kind per process, shared by every monitor (reference-counted): the native
 * sampler is one background thread, and two of them would measure each other. Each monitor opens
 * its own windows on it; timeline points are drained by one poller and handed to every monitor.
 * Attached processes are shared the same way: the sampler reads a pid while any monitor holds it.
 */
import { outsideOperations } from '../context.js';
import type { SamplerInfo } from '../schema/run.js';
import { JS_DEFAULT_IDLE_INTERVAL_MS, JS_DEFAULT_INTERVAL_MS, JsSampler } from './js.js';
import { loadNativeSampler, NATIVE_DEFAULT_IDLE_INTERVAL_MS, NATIVE_DEFAULT_INTERVAL_MS } from './native.js';
import type { SamplerBackend, SamplerChoice, SamplerKind, TargetAttach, TimelinePoint } from './types.js';

/** How often the timeline is drained from the sampler while an operation is open (ms). */
const POLL_MS = 200;
/**
 * While no window is open the poll interval doubles at each poll up to this (ms): an idle
 * sampler has a few samples a second to hand over, and nothing waits for them. The first poll
 * that finds a window open returns to POLL_MS.
 */
const IDLE_POLL_MAX_MS = 1600;

type Listener = (points: readonly TimelinePoint[]) => void;

interface Shared {
  backend: SamplerBackend;
  refs: number;
  listeners: Set<Listener>;
  timer: NodeJS.Timeout | undefined;
  pollMs: number;
  /** Attached pids: how many leases hold each, and what attaching it gave. */
  targets: Map<number, { holders: number; attach: TargetAttach }>;
}

const shared = new Map<SamplerKind, Shared>();
let warnedFallback = false;

function poll(entry: Shared): void {
  const points = entry.backend.drainTimeline();
  if (points.length === 0) return;
  for (const listener of entry.listeners) listener(points);
}

/** A monitor's hold on the shared sampler. */
export class SamplerLease {
  #entry: Shared;
  #listener: Listener | undefined;
  #released = false;
  #targets = new Set<number>();
  /** Why the native sampler is not used, when `auto` fell back to the JS one. */
  readonly fallbackReason: string | null;

  constructor(entry: Shared, fallbackReason: string | null) {
    this.#entry = entry;
    this.fallbackReason = fallbackReason;
  }

  get backend(): SamplerBackend {
    return this.#entry.backend;
  }

  /** The run header's sampler description. */
  get info(): SamplerInfo {
    const info = this.#entry.backend.info;
    return this.fallbackReason ? { ...info, reason: this.fallbackReason } : info;
  }

  /** Receive timeline points (every monitor on this sampler receives all of them). */
  onTimeline(listener: Listener): void {
    if (this.#listener) this.#entry.listeners.delete(this.#listener);
    this.#listener = listener;
    this.#entry.listeners.add(listener);
  }

  /** Drain the sampler now (instead of waiting for the next poll). */
  pollNow(): void {
    poll(this.#entry);
  }

  /**
   * Has the sampler read `pid` for this lease (from now until `detach` or `release`); the first
   * lease to ask attaches it with its `role`. Idempotent per lease.
   */
  attach(pid: number, role: string | null): TargetAttach {
    const targets = this.#entry.targets;
    let held = targets.get(pid);
    if (!this.#targets.has(pid)) {
      this.#targets.add(pid);
      if (held) held.holders++;
      else {
        held = { holders: 1, attach: this.#entry.backend.addTarget(pid, role) };
        targets.set(pid, held);
      }
    }
    return held!.attach;
  }

  /** Lets go of `pid`; the sampler stops reading it when no lease holds it. */
  detach(pid: number): void {
    if (!this.#targets.delete(pid)) return;
    const held = this.#entry.targets.get(pid);
    if (held && --held.holders === 0) {
      this.#entry.targets.delete(pid);
      this.#entry.backend.removeTarget(pid);
    }
  }

  release(): void {
    if (this.#released) return;
    for (const pid of [...this.#targets]) this.detach(pid);
    this.#released = true;
    const entry = this.#entry;
    if (this.#listener) entry.listeners.delete(this.#listener);
    if (--entry.refs > 0) return;
    clearTimeout(entry.timer);
    entry.timer = undefined;
    entry.backend.stop();
    shared.delete(entry.backend.kind);
  }
}

export interface AcquireOptions {
  choice?: SamplerChoice;
  /** Tick interval; default 1 ms native, 10 ms JS. Only the first monitor of a kind sets it. */
  intervalMs?: number;
  /** Tick interval while no operation is open (default 1 s, both samplers; `intervalMs`: off). First monitor sets it. */
  idleIntervalMs?: number;
  /** Native GPU and energy counters' interval (10–1000 ms, default 100); set by the first monitor too. */
  gpuIntervalMs?: number;
  /** Module to load as the native sampler (tests load a missing one to see the fallback). */
  nativeModule?: string;
  /** Called once per process when `auto` falls back to the JS sampler (default: a stderr line). */
  onFallback?: (reason: string) => void;
}

const defaultFallbackWarning = (reason: string) =>
  process.stderr.write(
    `llmmon: using the JS sampler (no per-thread CPU, no GPU; peaks only as fine as its timer): ${reason}\n`,
  );

const JS_CHOSEN = "JS sampler chosen (sampler 'js'): no per-thread CPU, no GPU counters";

/**
 * Takes a reference to the process-wide sampler of the chosen kind, creating it on first use.
 * `auto` takes the native sampler when it loads, else the JS one (warning once, with the reason).
 * @throws Error when `native` is forced and cannot load (the loader's message says why)
 */
export function acquireSampler(options: AcquireOptions = {}): SamplerLease {
  const choice = options.choice ?? 'auto';
  // A run header says why its counters are missing, also when the user chose so.
  let reason: string | null = choice === 'js' ? JS_CHOSEN : null;
  let entry: Shared | undefined;
  if (choice !== 'js') {
    entry = shared.get('native');
    if (!entry) {
      const loaded = loadNativeSampler(options.nativeModule);
      if (loaded.ok) {
        entry = register(
          loaded.create({
            intervalMs: options.intervalMs ?? NATIVE_DEFAULT_INTERVAL_MS,
            idleIntervalMs: options.idleIntervalMs ?? NATIVE_DEFAULT_IDLE_INTERVAL_MS,
            ...(options.gpuIntervalMs !== undefined && { gpuIntervalMs: options.gpuIntervalMs }),
          }),
        );
      } else if (choice === 'native') {
        throw new Error(`llmmon: the native sampler cannot load: ${loaded.reason}`);
      } else {
        reason = loaded.reason;
        if (!warnedFallback) {
          warnedFallback = true;
          (options.onFallback ?? defaultFallbackWarning)(loaded.reason);
        }
      }
    }
  }
  entry ??=
    shared.get('js') ??
    register(
      new JsSampler(
        options.intervalMs ?? JS_DEFAULT_INTERVAL_MS,
        options.idleIntervalMs ?? JS_DEFAULT_IDLE_INTERVAL_MS,
      ),
    );
  entry.refs++;
  return new SamplerLease(entry, reason);
}

function register(backend: SamplerBackend): Shared {
  const entry: Shared = {
    backend,
    refs: 0,
    listeners: new Set(),
    timer: undefined,
    pollMs: POLL_MS,
    targets: new Map(),
  };
  schedule(entry);
  shared.set(backend.kind, entry);
  return entry;
}

/** The next poll: unref'd (it never keeps the process alive), slower while no window is open. */
function schedule(entry: Shared): void {
  entry.timer = outsideOperations(() =>
    setTimeout(() => {
      if (shared.get(entry.backend.kind) !== entry) return; // released meanwhile
      poll(entry);
      entry.pollMs = entry.backend.openWindows > 0 ? POLL_MS : Math.min(entry.pollMs * 2, IDLE_POLL_MAX_MS);
      schedule(entry);
    }, entry.pollMs),
  );
  entry.timer.unref();
}
