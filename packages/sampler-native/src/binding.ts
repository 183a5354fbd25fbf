/**
 * The native addon's interface, exactly as `src/native/addon.cpp` exports it (each function
 * there carries the same signature as a comment), and the addon itself, loaded at import.
 */
import { defaultCandidates, loadNative } from './load.js';
import type { ProcessEntry } from './process-name.js';
import type {
  Capabilities,
  LatestSample,
  SamplerDiagnostics,
  TargetInfo,
  TimelineBatch,
  WindowStats,
} from './types.js';

/** A window's lists and objects, as closeWindow returns them. */
export type WindowParts = Pick<WindowStats, 'threads' | 'gpu' | 'energy' | 'targets'>;

export interface NativeSampler {
  start(): void;
  stop(): void;
  running(): boolean;
  openWindow(light?: boolean): number;
  /**
   * Writes the window's numbers into `scalars` (WINDOW_SCALARS' order, NaN = null) and returns
   * its lists and objects; `true` when it has none (no thread, energy or target entry, no GPU
   * object: every light window); null: no open window with that id.
   */
  closeWindow(id: number, scalars: Float64Array): WindowParts | true | null;
  openWindowCount(): number;
  /** null before the first tick. */
  latest(): LatestSample | null;
  timeline(): TimelineBatch;
  diagnostics(): SamplerDiagnostics;
  capabilities(): NativeCapabilities;
  /** role '' = none. */
  addTarget(pid: number, role: string): TargetInfo;
  /** false: not attached. */
  removeTarget(pid: number): boolean;
  targets(): TargetInfo[];
}

export type NativeCapabilities = Omit<Capabilities, 'platform' | 'arch' | 'napi_version'>;

/** macOS only (`process_list_darwin.cpp`): the process table and the owners of a listening TCP port. */
export interface NativeProcessList {
  entries: ProcessEntry[];
  /** Processes this user may not read (another user's). */
  denied: number;
}

export interface NativeBinding {
  Sampler: new (
    intervalNs: number,
    threadIntervalNs: number,
    systemIntervalNs: number,
    timelineCapacity: number,
    gpuIntervalNs: number,
    idleIntervalNs?: number,
  ) => NativeSampler;
  threadId(): number;
  now(): number;
  nowNs(): bigint;
  capabilities(): NativeCapabilities;
  napiVersion: number;
  /** macOS only. */
  processList?(): NativeProcessList;
  /** macOS only: pids with a TCP socket listening on `port`; `denied` processes could not be inspected. */
  listeningPids?(port: number): { pids: number[]; denied: number };
}

/** Throws one SamplerLoadError (every path tried, with reasons) when the addon cannot load. */
export const binding: NativeBinding = loadNative<NativeBinding>(defaultCandidates());
