/**
 * Which other processes a monitor measures (`attach`): a pid, a process name or a local TCP
 * port, each with a role; given as an option, in `LLMMON_ATTACH`, or by an adapter whose endpoint
 * is on this machine. Parsing here; finding the processes is `@llmmon/sampler-native`'s
 * `findProcesses`.
 */
import type { FoundProcess, ProcessQuery } from '@llmmon/sampler-native';
import { clipReason } from './record-processes.js';
import type { AttachedProcess } from './schema/process.js';

/**
 * A process to attach: a pid (number), a spec string, or `{ pid | name | port, role }`.
 * Spec strings: `4242` or `pid:4242`, `ollama` or `name:ollama`, `:11434` or `port:11434`, each
 * optionally followed by `@ROLE` (`port:11434@server`). The role defaults to `server`.
 */
export type AttachTarget =
  | number
  | string
  | { pid: number; role?: string }
  | { name: string; role?: string }
  | { port: number; role?: string };

/** A parsed attach target. */
export interface AttachRequest {
  query: ProcessQuery;
  by: 'pid' | 'name' | 'port';
  /** What was asked for, as text (`4242`, `ollama`, `11434`). */
  value: string;
  role: string;
}

/** The role of an attached process when none is given: what the record's `server_*` fields sum. */
export const DEFAULT_ATTACH_ROLE = 'server';

const ROLE = /^[A-Za-z0-9_.-]{1,64}$/;

function checkRole(role: unknown): string {
  if (role === undefined) return DEFAULT_ATTACH_ROLE;
  if (typeof role !== 'string' || !ROLE.test(role))
    throw new TypeError(
      `attach role must be 1-64 letters, digits, '_', '.' or '-', got ${JSON.stringify(role)}`,
    );
  return role;
}

function positiveInt(what: string, v: unknown, max = Number.MAX_SAFE_INTEGER): number {
  const n = typeof v === 'string' && /^\d+$/.test(v) ? Number(v) : v;
  if (typeof n !== 'number' || !Number.isInteger(n) || n < 1 || n > max)
    throw new RangeError(`attach ${what} must be an integer between 1 and ${max}, got ${JSON.stringify(v)}`);
  return n;
}

function request(by: AttachRequest['by'], raw: unknown, role: string): AttachRequest {
  if (by === 'pid') {
    const pid = positiveInt('pid', raw);
    return { query: { pid }, by, value: String(pid), role };
  }
  if (by === 'port') {
    const port = positiveInt('port', raw, 65535);
    return { query: { port }, by, value: String(port), role };
  }
  if (typeof raw !== 'string' || raw === '' || raw.includes('/') || raw.length > 256)
    throw new TypeError(`attach name must be a process name (no '/'), got ${JSON.stringify(raw)}`);
  return { query: { name: raw }, by, value: raw, role };
}

/**
 * Reads one attach target.
 * @throws TypeError / RangeError naming what is wrong
 * @example
 * parseAttachTarget(':11434')      // { by: 'port', value: '11434', role: 'server', … }
 * parseAttachTarget('ollama@runner') // { by: 'name', value: 'ollama', role: 'runner', … }
 */
export function parseAttachTarget(target: AttachTarget): AttachRequest {
  if (typeof target === 'number') return request('pid', target, DEFAULT_ATTACH_ROLE);
  if (typeof target === 'string') {
    const at = target.lastIndexOf('@');
    const role = checkRole(at >= 0 ? target.slice(at + 1) : undefined);
    const spec = (at >= 0 ? target.slice(0, at) : target).trim();
    const prefixed = /^(pid|name|port):(.*)$/.exec(spec);
    if (prefixed) return request(prefixed[1] as AttachRequest['by'], prefixed[2], role);
    if (spec.startsWith(':')) return request('port', spec.slice(1), role);
    if (/^\d+$/.test(spec)) return request('pid', spec, role);
    return request('name', spec, role);
  }
  if (target === null || typeof target !== 'object')
    throw new TypeError(
      `attach expects a pid, a name, a port or { pid | name | port, role }, got ${String(target)}`,
    );
  const keys = Object.keys(target).filter((k) => k !== 'role');
  if (keys.length !== 1 || !['pid', 'name', 'port'].includes(keys[0]!))
    throw new TypeError(`attach expects exactly one of pid, name, port; got ${keys.join(', ') || 'none'}`);
  const by = keys[0] as AttachRequest['by'];
  return request(by, (target as Record<string, unknown>)[by], checkRole(target.role));
}

/**
 * `LLMMON_ATTACH`: attach targets separated by commas (`port:11434,ollama@runner`); undefined
 * when unset or empty.
 * @throws RangeError naming the variable and the bad entry
 */
export function attachFromEnv(env: NodeJS.ProcessEnv = process.env): AttachRequest[] | undefined {
  const text = env.LLMMON_ATTACH?.trim();
  if (!text) return undefined;
  return text.split(',').map((entry) => {
    try {
      return parseAttachTarget(entry.trim());
    } catch (error) {
      throw new RangeError(`LLMMON_ATTACH: ${(error as Error).message}`);
    }
  });
}

/** What finding a request's processes gave: the processes, or why there are none. */
export type FoundTargets = { processes: FoundProcess[] } | { reason: string };

/**
 * The processes a request names. A pid is attached even when no process has it (the sampler then
 * reports it `not_found`); a name or port that matches nothing gives the finder's one-line reason.
 */
export function findTargets(
  req: AttachRequest,
  find: ((q: ProcessQuery) => FoundProcess[]) | null,
  unavailable: string,
): FoundTargets {
  if (!find) {
    if ('pid' in req.query)
      return {
        processes: [{ pid: req.query.pid, name: '', exe: null, args: null, uid: null, matched_by: 'pid' }],
      };
    return { reason: `cannot look up processes by ${req.by}: ${unavailable}` };
  }
  try {
    return { processes: find(req.query) };
  } catch (error) {
    if ('pid' in req.query)
      return {
        processes: [{ pid: req.query.pid, name: '', exe: null, args: null, uid: null, matched_by: 'pid' }],
      };
    return { reason: (error as Error).message.split('\n')[0]! };
  }
}

/** The run header entry of a request that found no process. */
export function notFoundEntry(req: AttachRequest, source: string, reason: string): AttachedProcess {
  return {
    pid: null,
    name: null,
    role: req.role,
    by: req.by,
    query: req.value,
    source,
    exe: null,
    reason: clipReason(reason),
  };
}
