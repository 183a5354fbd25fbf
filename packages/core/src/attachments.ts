/**
 * A monitor's attached processes: what the run header lists (`attached`: every process asked for,
 * found or not, and by whom) and which ones each operation reports (`processes`). The shared
 * sampler reads a pid while any monitor holds it (`SamplerLease.attach`).
 */
import {
  type AttachRequest,
  type AttachTarget,
  findTargets,
  notFoundEntry,
  parseAttachTarget,
} from './attach.js';
import { type AttachedTarget, clipReason } from './record-processes.js';
import { loadNativeSampler } from './sampler/native.js';
import type { SamplerLease } from './sampler/registry.js';
import type { AttachedProcess } from './schema/process.js';

/** Why a process found is not attached: it is the monitor's own. */
export const OWN_PROCESS = "this process: its figures are the operations' own";

export class Attachments {
  #lease: SamplerLease;
  #entries: AttachedProcess[] = [];
  #targets: readonly AttachedTarget[] = [];

  constructor(lease: SamplerLease) {
    this.#lease = lease;
  }

  /** The run header's `attached`: null when nothing was asked for. */
  get header(): AttachedProcess[] | null {
    return this.#entries.length ? [...this.#entries] : null;
  }

  /** The processes an operation starting now reports (a fresh array each time one is added). */
  get targets(): readonly AttachedTarget[] {
    return this.#targets;
  }

  /**
   * Finds the processes `target` names and has the sampler read them; returns the run header
   * entries this call added (one per process found, or one with the reason none was).
   * @throws TypeError / RangeError for a malformed target
   */
  add(target: AttachTarget | AttachRequest, source: string): AttachedProcess[] {
    const req =
      typeof target === 'object' && target !== null && 'query' in target
        ? target
        : parseAttachTarget(target as AttachTarget);
    const native = loadNativeSampler();
    const found = findTargets(req, native.ok ? native.findProcesses : null, native.ok ? '' : native.reason);
    const added: AttachedProcess[] = [];
    if ('reason' in found) {
      added.push(notFoundEntry(req, source, found.reason));
    } else {
      for (const p of found.processes) {
        if (this.#entries.some((e) => e.pid === p.pid) || added.some((e) => e.pid === p.pid)) continue;
        const entry: AttachedProcess = {
          pid: p.pid,
          name: p.name || null,
          role: req.role,
          by: req.by,
          query: req.value,
          source,
          exe: p.exe,
          reason: p.pid === process.pid ? OWN_PROCESS : null,
        };
        if (p.pid !== process.pid) {
          const attached = this.#lease.attach(p.pid, req.role);
          entry.name ??= attached.name;
          entry.reason = clipReason(attached.reason);
          this.#targets = [...this.#targets, { pid: p.pid, name: entry.name, role: req.role }];
        }
        added.push(entry);
      }
    }
    this.#entries.push(...added);
    return added;
  }

  /**
   * Stops reporting `pid` in the operations that start from now on (the run header keeps its
   * entry); the sampler stops reading it when no other monitor holds it. False when it was not
   * attached.
   */
  remove(pid: number): boolean {
    if (!this.#targets.some((t) => t.pid === pid)) return false;
    this.#targets = this.#targets.filter((t) => t.pid !== pid);
    this.#lease.detach(pid);
    return true;
  }
}
