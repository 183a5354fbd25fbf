/**
 * Finding the processes to attach a Sampler to: by pid, by process name, or by the TCP port a
 * process listens on. Linux reads procfs (`find-linux.ts`); macOS asks libproc through the addon
 * (`find-darwin.ts`). Every failure is one line that names the problem and what to do.
 */
import { darwinListening, darwinProcesses } from './find-darwin.js';
import { FindProcessError } from './find-error.js';
import { linuxListening, linuxProcess, linuxProcesses } from './find-linux.js';
import { matchesName, type ProcessEntry } from './process-name.js';

export { FindProcessError, type FindProcessErrorCode } from './find-error.js';

/** What to look for: a pid, a process name (`ollama`, `llama-server`, `vllm`), or a local TCP port. */
export type ProcessQuery = { pid: number } | { name: string } | { port: number };

/** A process that matched a {@link ProcessQuery}. */
export interface FoundProcess {
  pid: number;
  /** Its name: Linux `comm` (at most 15 bytes), macOS `p_comm`. */
  name: string;
  /** Path of its executable; null when this user may not read it (another user's process). */
  exe: string | null;
  /** Its command line; null when unreadable. */
  args: string[] | null;
  /** Owner's user id; null when unknown. */
  uid: number | null;
  /** What matched: `pid`, `name` (process name), `exe` (executable's name), `script` (a Python script or module named so), `port`. */
  matched_by: 'pid' | 'name' | 'exe' | 'script' | 'port';
}

/** Where a platform's process table comes from; `find-linux.ts` and `find-darwin.ts` fill it. */
interface ProcessTable {
  /** The process with this pid, or an error naming why it is not there. */
  process(pid: number): ProcessEntry | FindProcessError;
  /** Every process this user can see, and (one line) why others may be missing: hidden by the OS. */
  processes(): { entries: ProcessEntry[]; hidden: string | null };
  /** Pids of the processes listening on a TCP port; `denied` counts processes whose sockets could not be inspected. */
  listening(port: number): { listening: boolean; pids: number[]; denied: number };
}

function table(): ProcessTable {
  if (process.platform === 'linux')
    return { process: linuxProcess, processes: linuxProcesses, listening: linuxListening };
  if (process.platform === 'darwin')
    return {
      process: (pid) => darwinProcesses().entries.find((p) => p.pid === pid) ?? noPid(pid),
      processes: darwinProcesses,
      listening: darwinListening,
    };
  throw new FindProcessError(
    'ENOTSUP',
    `finding processes is not supported on ${process.platform} (Linux and macOS only)`,
  );
}

const noPid = (pid: number) => new FindProcessError('ENOPID', `no process with pid ${pid}`);

function found(p: ProcessEntry, matched_by: FoundProcess['matched_by']): FoundProcess {
  return { pid: p.pid, name: p.name, exe: p.exe, args: p.args, uid: p.uid, matched_by };
}

function checkQuery(query: unknown): ProcessQuery {
  if (query === null || typeof query !== 'object' || Array.isArray(query))
    throw new TypeError('findProcesses expects { pid } or { name } or { port }');
  const keys = Object.keys(query);
  if (keys.length !== 1 || !['pid', 'name', 'port'].includes(keys[0]!))
    throw new TypeError(
      `findProcesses expects exactly one of pid, name, port; got ${keys.join(', ') || 'none'}`,
    );
  const q = query as Record<string, unknown>;
  if ('pid' in q && (typeof q.pid !== 'number' || !Number.isInteger(q.pid) || q.pid < 1))
    throw new RangeError(`pid must be a positive integer, got ${String(q.pid)}`);
  if (
    'port' in q &&
    (typeof q.port !== 'number' || !Number.isInteger(q.port) || q.port < 1 || q.port > 65535)
  )
    throw new RangeError(`port must be an integer between 1 and 65535, got ${String(q.port)}`);
  if ('name' in q && (typeof q.name !== 'string' || q.name.length === 0 || q.name.includes('/')))
    throw new TypeError(`name must be a process name (no '/'), got ${JSON.stringify(q.name)}`);
  return query as ProcessQuery;
}

/**
 * The processes on this machine that match `query`, for `Sampler.addTarget`:
 * - `{ pid }`: that process (one entry), with its name;
 * - `{ name }`: every process whose name (`comm`) or executable's file name is `name`, or a Python
 *   process whose script or module is `name` (`python -m vllm.entrypoints.openai.api_server` is
 *   `vllm`); Ollama's server and its model runners all match `ollama`. This process is left out.
 * - `{ port }`: the process(es) listening on that TCP port (IPv4 or IPv6) in this machine's
 *   network namespace (a server inside a container with its own network is not seen).
 *
 * Reads the process table each call (Linux: ~1 ms per 100 processes; a port lookup also reads
 * every process's open files).
 *
 * @throws FindProcessError (one line): `ENOPID` no such pid, `ENONAME` no process of that name,
 * `ENOPORT` nothing listens on the port, `EACCES` it exists but this user may not see it (the
 * message says what to do), `ENOTSUP` not Linux or macOS. TypeError/RangeError for a bad query.
 * @example
 * const [ollama] = findProcesses({ port: 11434 });
 * sampler.addTarget(ollama.pid, { role: 'server' });
 */
export function findProcesses(query: ProcessQuery): FoundProcess[] {
  const q = checkQuery(query);
  const t = table();
  if ('pid' in q) {
    const p = t.process(q.pid);
    if (p instanceof FindProcessError) throw p;
    return [found(p, 'pid')];
  }
  if ('name' in q) {
    const { entries, hidden } = t.processes();
    const matches: FoundProcess[] = [];
    for (const p of entries) {
      const how = p.pid === process.pid ? null : matchesName(p, q.name);
      if (how) matches.push(found(p, how));
    }
    if (matches.length > 0) return matches;
    throw new FindProcessError(
      'ENONAME',
      `no process named ${JSON.stringify(q.name)} (compared with each process's name, executable and Python script or module)${hidden ? `; ${hidden}` : ''}`,
    );
  }
  const { listening, pids, denied } = t.listening(q.port);
  if (!listening)
    throw new FindProcessError('ENOPORT', `nothing listens on TCP port ${q.port} on this machine`);
  if (pids.length === 0) {
    throw new FindProcessError(
      'EACCES',
      `TCP port ${q.port} is listened on by a process this user may not inspect (${denied} processes of other users could not be read): run as that process's user or as root, or attach by pid`,
    );
  }
  const { entries } = t.processes();
  return pids.map((pid) => {
    const p = entries.find((e) => e.pid === pid);
    return p
      ? found(p, 'port')
      : { pid, name: '', exe: null, args: null, uid: null, matched_by: 'port' as const };
  });
}
