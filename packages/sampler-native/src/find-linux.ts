/**
 * The Linux process table, from procfs: `/proc/<pid>/{comm,exe,cmdline,status}` for each process,
 * `/proc/net/tcp{,6}` for listening sockets and `/proc/<pid>/fd/*` links (`socket:[inode]`) for
 * whose they are. What another user's process shows: its name, command line and owner (exe and
 * fds need the ptrace read permission: same user and a dumpable process, or root or
 * CAP_SYS_PTRACE); under `hidepid` its directory is hidden or refuses access.
 */
import { readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { FindProcessError } from './find-error.js';
import type { ProcessEntry } from './process-name.js';

const PROC = '/proc';

function errnoOf(e: unknown): string | undefined {
  return (e as NodeJS.ErrnoException | undefined)?.code;
}

function read(path: string): string | null {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return null;
  }
}

function entry(pid: number): ProcessEntry | null {
  const comm = read(`${PROC}/${pid}/comm`);
  if (comm === null) return null;
  let exe: string | null = null;
  try {
    exe = readlinkSync(`${PROC}/${pid}/exe`);
  } catch {
    // another user's process, or a kernel thread (no executable)
  }
  const cmdline = read(`${PROC}/${pid}/cmdline`);
  const args = cmdline ? cmdline.replace(/\0$/, '').split('\0') : null;
  const uid = /^Uid:\s+(\d+)/m.exec(read(`${PROC}/${pid}/status`) ?? '')?.[1];
  return { pid, name: comm.replace(/\n$/, ''), exe, args, uid: uid === undefined ? null : Number(uid) };
}

/** The process a thread id belongs to (`Tgid`), when `pid` is a thread's id and not a process's. */
function leaderOf(pid: number): number | null {
  const tgid = /^Tgid:\s+(\d+)/m.exec(read(`${PROC}/${pid}/status`) ?? '')?.[1];
  return tgid !== undefined && Number(tgid) !== pid ? Number(tgid) : null;
}

/** Whether pid exists though /proc does not show it: kill(pid, 0) answers EPERM for another user's process. */
function existsHidden(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return false; // ours, or root: /proc would have shown it; it exited in between
  } catch (e) {
    return errnoOf(e) === 'EPERM';
  }
}

export function linuxProcess(pid: number): ProcessEntry | FindProcessError {
  // /proc/<tid> answers for any thread, though only processes are listed.
  const leader = leaderOf(pid);
  if (leader !== null)
    return new FindProcessError('ENOPID', `pid ${pid} is a thread of process ${leader}: use ${leader}`);
  const p = entry(pid);
  if (p) return p;
  if (existsHidden(pid)) {
    return new FindProcessError(
      'EACCES',
      `pid ${pid} belongs to another user and /proc hides it (mounted with hidepid): run as that user or as root, or remount /proc without hidepid`,
    );
  }
  return new FindProcessError('ENOPID', `no process with pid ${pid}`);
}

/** `hidepid=` of the /proc this process sees, when set (other users' processes are then hidden). */
function hidepid(): string | null {
  const mounts = read('/proc/self/mountinfo') ?? '';
  const line = mounts.split('\n').find((l) => l.split(' ')[4] === PROC && / - proc /.test(l));
  const option = /hidepid=([^,\s]+)/.exec(line ?? '')?.[1];
  return option && option !== '0' && option !== 'off' ? option : null;
}

export function linuxProcesses(): { entries: ProcessEntry[]; hidden: string | null } {
  const entries: ProcessEntry[] = [];
  for (const name of readdirSync(PROC)) {
    if (!/^\d+$/.test(name)) continue;
    const p = entry(Number(name));
    if (p) entries.push(p);
  }
  const hide = hidepid();
  return {
    entries,
    hidden: hide
      ? `/proc is mounted with hidepid=${hide}: other users' processes are hidden from this user`
      : null,
  };
}

/**
 * Inodes of the sockets in `text` (a /proc/net/tcp or tcp6 table) that listen on `port`.
 * A row: `sl local_address rem_address st tx:rx tr:when retrnsmt uid timeout inode ...`, the
 * local address `HEXIP:HEXPORT`, state `0A` = TCP_LISTEN.
 */
export function listeningInodes(text: string, port: number): string[] {
  const inodes: string[] = [];
  for (const line of text.split('\n').slice(1)) {
    const f = line.trim().split(/\s+/);
    if (f.length < 10 || f[3] !== '0A') continue;
    const local = f[1]!;
    if (Number.parseInt(local.slice(local.lastIndexOf(':') + 1), 16) === port && f[9] !== '0')
      inodes.push(f[9]!);
  }
  return inodes;
}

export function linuxListening(port: number): { listening: boolean; pids: number[]; denied: number } {
  const inodes = new Set([
    ...listeningInodes(read(`${PROC}/net/tcp`) ?? '', port),
    ...listeningInodes(read(`${PROC}/net/tcp6`) ?? '', port),
  ]);
  if (inodes.size === 0) return { listening: false, pids: [], denied: 0 };
  const links = new Set([...inodes].map((i) => `socket:[${i}]`));
  const pids: number[] = [];
  let denied = 0;
  for (const name of readdirSync(PROC)) {
    if (!/^\d+$/.test(name)) continue;
    let fds: string[];
    try {
      fds = readdirSync(`${PROC}/${name}/fd`);
    } catch (e) {
      if (errnoOf(e) === 'EACCES' || errnoOf(e) === 'EPERM') denied++;
      continue;
    }
    for (const fd of fds) {
      let link: string;
      try {
        link = readlinkSync(`${PROC}/${name}/fd/${fd}`);
      } catch {
        continue; // closed meanwhile
      }
      if (links.has(link)) {
        pids.push(Number(name));
        break;
      }
    }
  }
  return { listening: true, pids, denied };
}
