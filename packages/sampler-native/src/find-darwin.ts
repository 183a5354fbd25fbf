/**
 * The macOS process table, from libproc through the addon (`src/native/process_list_darwin.cpp`):
 * `proc_listallpids`, `proc_pidinfo(PROC_PIDTBSDINFO)` (name, owner), `proc_pidpath`,
 * `sysctl(KERN_PROCARGS2)` (command line: same user or root), and for ports
 * `proc_pidinfo(PROC_PIDLISTFDS)` + `proc_pidfdinfo(PROC_PIDFDSOCKETINFO)` (same user or root).
 */
import { binding } from './binding.js';
import { FindProcessError } from './find-error.js';
import type { ProcessEntry } from './process-name.js';

function native() {
  const { processList, listeningPids } = binding;
  if (!processList || !listeningPids)
    throw new FindProcessError(
      'ENOTSUP',
      `this build of the native sampler cannot list processes on ${process.platform}`,
    );
  return { processList, listeningPids };
}

export function darwinProcesses(): { entries: ProcessEntry[]; hidden: string | null } {
  const { entries, denied } = native().processList();
  return {
    entries,
    hidden:
      denied > 0 ? `${denied} processes of other users could not be read (run as root to see them)` : null,
  };
}

export function darwinListening(port: number): { listening: boolean; pids: number[]; denied: number } {
  const { pids, denied } = native().listeningPids(port);
  // libproc shows sockets only through their owners: a port held by an unreadable process looks
  // free, so "nothing listens" is only sure when every process could be read.
  if (pids.length === 0 && denied > 0) return { listening: true, pids, denied };
  return { listening: pids.length > 0, pids, denied };
}
