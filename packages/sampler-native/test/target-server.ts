/**
 * The scripted model server of the attach tests (test/fixtures/target-server/target_server.c):
 * built here with the system C compiler under a unique name (so it can be found by name), run as
 * a child process, driven over HTTP. Linux only.
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

const SOURCE = fileURLToPath(new URL('./fixtures/target-server/target_server.c', import.meta.url));

/** Builds the server into `dir` under a new name of 14 characters (its comm is the whole name). */
export function buildTargetServer(dir: string): string {
  const out = path.join(dir, `llmmon-t${randomBytes(3).toString('hex')}`);
  execFileSync(process.env.CC ?? 'cc', ['-O1', '-pthread', '-o', out, SOURCE], { stdio: 'pipe' });
  return out;
}

export interface WorkAnswer {
  worker_tid: number;
  /** The worker thread's CPU over the whole job, by its own thread clock (ns). */
  cpu_ns: number;
  /** The process's RSS while the job's memory was held, and its VmHWM after (bytes). */
  rss_held: number;
  hwm: number;
}

export interface TargetServer {
  child: ChildProcess;
  pid: number;
  port: number;
  /** The worker thread ("llmmon-burn"). */
  tid: number;
  name: string;
  /** GET `path`; resolves with the JSON answer, rejects when the connection ends without one. */
  get<T>(path: string): Promise<T>;
  /** Resolves when the process has exited (its 'exit' event), with the time then (hrtime, s). */
  exited: Promise<number>;
  kill(): void;
}

const hrSeconds = () => Number(process.hrtime.bigint()) / 1e9;

/**
 * Starts `exe` (`wrap`: a command and arguments to run it under, e.g. setpriv) and waits for its
 * "port … pid … tid …" line.
 */
export async function startTargetServer(
  exe: string,
  args: string[] = [],
  wrap: string[] = [],
): Promise<TargetServer> {
  const [command, ...rest] = wrap.length > 0 ? [...wrap, exe, ...args] : [exe, ...args];
  const child = spawn(command!, rest, { stdio: ['ignore', 'pipe', 'inherit'] });
  const exited = new Promise<number>((resolve) => child.once('exit', () => resolve(hrSeconds())));
  const line = await new Promise<string>((resolve, reject) => {
    const lines = createInterface({ input: child.stdout! });
    lines.once('line', resolve);
    child.once('exit', (code) => reject(new Error(`${exe} exited (${code}) before it listened`)));
  });
  const m = /^port (\d+) pid (\d+) tid (\d+)$/.exec(line);
  if (!m) throw new Error(`${exe} said ${JSON.stringify(line)}`);
  const port = Number(m[1]);
  const get = <T>(p: string) =>
    new Promise<T>((resolve, reject) => {
      const req = httpRequest({ host: '127.0.0.1', port, path: p, agent: false }, (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (chunk) => {
          body += chunk;
        });
        res.on('end', () => resolve(JSON.parse(body) as T));
      });
      req.on('error', reject);
      req.end();
    });
  return {
    child,
    pid: Number(m[2]),
    port,
    tid: Number(m[3]),
    name: path.basename(exe),
    get,
    exited,
    kill: () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    },
  };
}

/** The scheduler's CPU count of a thread (first field of its schedstat), ns; null when gone. */
export function schedstatNs(pid: number, tid: number): number | null {
  try {
    return Number(readFileSync(`/proc/${pid}/task/${tid}/schedstat`, 'utf8').split(' ')[0]);
  } catch {
    return null;
  }
}

/**
 * The largest single step of a running thread's schedstat while it burns `cpuMs` (the server's
 * /work): how far behind its true CPU time the scheduler's count can be at any moment on this
 * machine now (one scheduler tick as a rule, more where ticks run late). The tolerance of the
 * attribution tests.
 */
export async function measureSchedstatLag(server: TargetServer, cpuMs = 300): Promise<number> {
  let maxStep = 0;
  let last = schedstatNs(server.pid, server.tid) ?? 0;
  let running = true;
  const job = server.get<WorkAnswer>(`/work?cpu_ms=${cpuMs}`).finally(() => {
    running = false;
  });
  while (running) {
    const now = schedstatNs(server.pid, server.tid) ?? last;
    maxStep = Math.max(maxStep, now - last);
    last = now;
    await new Promise((resolve) => setImmediate(resolve));
  }
  await job;
  return maxStep / 1e9;
}
