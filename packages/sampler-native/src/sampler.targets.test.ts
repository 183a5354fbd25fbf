/**
 * Attached processes (targets) against a known ground truth: a scripted server in a child process
 * (test/fixtures/target-server) whose worker thread, named "llmmon-burn", burns a CPU time its own
 * thread clock measures and touches a known amount of memory while it serves an HTTP request.
 *
 * Tolerance of the CPU figures: a target's thread counts come from schedstat, which the kernel
 * brings up to date only at scheduler ticks and context switches, so at any instant a running
 * thread's count may be behind by one update. `lag` is the largest step of the worker's count
 * measured while it burns, here and now (one tick, 4 ms at HZ=250, as a rule; more when the
 * machine is loaded and ticks run late). Each end of a window may be off by it; the worker sleeps
 * at both ends of these windows, and a sleeping thread's count is exact, so the tests allow one
 * `lag` per end and no constant.
 */
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { cpus } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tempDir } from '../test/gpu-stand-ins.js';
import { MiB, requireDist } from '../test/helpers.js';
import {
  buildTargetServer,
  measureSchedstatLag,
  startTargetServer,
  type TargetServer,
  type WorkAnswer,
} from '../test/target-server.js';
import { FindProcessError, findProcesses, Sampler, timelineRows } from './index.js';
import type { TargetWindowStats, TimelineRow } from './types.js';

const linux = process.platform === 'linux';
const hrSeconds = () => Number(process.hrtime.bigint()) / 1e9;

function byTid(t: TargetWindowStats, tid: number) {
  return t.threads?.find((x) => x.tid === tid);
}

/** A TCP port nothing listens on now (bound, then released). */
async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** A pid no process has now: a child that ran and was reaped. */
function freePid(): number {
  const child = spawnSync('true');
  return child.pid!;
}

/** CPU seconds a target's timeline entries cover: each known cpu_percent times its interval. */
function timelineCpuSeconds(rows: TimelineRow[], pid: number): number {
  let seconds = 0;
  let lastKnown: number | null = null;
  for (const row of rows) {
    const t = row.targets.find((x) => x.pid === pid);
    if (!t || t.cpu_percent === null) continue;
    if (lastKnown !== null) seconds += (t.cpu_percent / 100) * (t.t - lastKnown);
    lastKnown = t.t;
  }
  return seconds;
}

describe.runIf(linux)('attached processes (Linux, a scripted server in a child process)', () => {
  const tmp = tempDir('llmmon-attach-');
  let exe: string;
  let server: TargetServer;
  let lag: number;

  beforeAll(async () => {
    exe = buildTargetServer(tmp.dir);
    server = await startTargetServer(exe);
    lag = await measureSchedstatLag(server);
    console.info(`schedstat lag measured: ${(lag * 1000).toFixed(1)} ms`);
  });
  afterAll(() => {
    server?.kill();
    tmp.cleanup();
  });

  it('attributes the CPU its worker thread burned and the memory it touched to the server, by pid', async () => {
    const [found] = findProcesses({ pid: server.pid });
    expect(found).toMatchObject({ pid: server.pid, name: server.name, matched_by: 'pid', exe });
    const sampler = new Sampler({ targets: [{ pid: server.pid, role: 'server' }] }).start();
    // The timeline from a reading of the server's CPU before the window to one after it.
    const rows: TimelineRow[] = [];
    const drainUntilRead = async (after: number) => {
      const known = (r: TimelineRow) => r.targets.some((x) => x.cpu_percent !== null && x.t > after);
      while (!rows.some(known)) {
        await new Promise((resolve) => setTimeout(resolve, 5));
        rows.push(...timelineRows(sampler.timeline()));
      }
    };
    await drainUntilRead(0);
    const id = sampler.openWindow();
    const work = await server.get<WorkAnswer>('/work?cpu_ms=300&mb=64&hold_ms=150');
    const stats = sampler.closeWindow(id);
    await drainUntilRead(hrSeconds());
    sampler.stop();

    expect(stats.targets).toHaveLength(1);
    const t = stats.targets[0]!;
    expect(t).toMatchObject({
      pid: server.pid,
      name: server.name,
      role: 'server',
      status: 'ok',
      reason: null,
    });
    const truth = work.cpu_ns / 1e9; // the worker's own thread clock over the job
    expect(truth).toBeGreaterThanOrEqual(0.3);
    const worker = byTid(t, server.tid);
    expect(worker?.name).toBe('llmmon-burn');
    expect(worker!.cpu_seconds).toBeGreaterThanOrEqual(truth - lag);
    expect(worker!.cpu_seconds).toBeLessThanOrEqual(truth + lag);
    // The process: the worker plus the main thread's accept/read/write (microseconds).
    expect(t.cpu_seconds!).toBeGreaterThanOrEqual(worker!.cpu_seconds);
    expect(t.cpu_seconds!).toBeLessThanOrEqual(truth + 2 * lag);
    expect(t.threads!.reduce((s, x) => s + x.cpu_seconds, 0)).toBeCloseTo(t.cpu_seconds!, 6);
    expect(t.avg_cpu_percent).toBeCloseTo((100 * t.cpu_seconds!) / t.wall_seconds, 6);
    // One busy thread: 100 ms slices stay within one core, give or take one update at each end.
    expect(t.peak_cpu_percent!).toBeGreaterThanOrEqual(t.avg_cpu_percent!);
    expect(t.peak_cpu_percent!).toBeLessThanOrEqual(100 + (100 * 2 * lag) / 0.1);
    expect(t.wall_seconds).toBeCloseTo(stats.wall_seconds, 2);
    // Memory: 64 MiB was a new all-time peak of the server, so the kernel's high-water mark makes
    // the window's peak exact, to within what the kernel's own RSS counters allow: they are per-CPU
    // counters (anon, file, shmem) read without summing, each off by up to max(32, 2 x CPUs) pages
    // per CPU, so statm's ticks and VmHWM may differ by that much. The client touched none of it.
    const pages = 3 * Math.max(32, 2 * cpus().length) * cpus().length;
    expect(t.rss_peak_bytes!).toBeGreaterThanOrEqual(work.hwm);
    const pageSize = Number(execFileSync('getconf', ['PAGESIZE'], { encoding: 'utf8' }));
    expect(t.rss_peak_bytes!).toBeLessThanOrEqual(work.hwm + pages * pageSize);
    expect(t.rss_peak_bytes! - t.rss_start_bytes!).toBeGreaterThanOrEqual(64 * MiB);
    expect(t.rss_end_bytes!).toBeLessThan(t.rss_peak_bytes! - 60 * MiB);
    expect(stats.rss_peak_bytes - stats.rss_start_bytes).toBeLessThan(32 * MiB);
    expect(t.sample_count).toBeGreaterThan(0);

    // The timeline: the server's samples integrate to its CPU time, its ticks saw the memory held,
    // and its threads' entries carry its pid and names.
    const served = timelineCpuSeconds(rows, server.pid);
    expect(served).toBeGreaterThanOrEqual(truth - 2 * lag);
    expect(served).toBeLessThanOrEqual(truth + 2 * lag);
    const peaks = rows.flatMap((r) => r.targets.map((x) => x.rss_peak_bytes ?? 0));
    expect(Math.max(...peaks)).toBeGreaterThanOrEqual(work.rss_held * 0.95);
    const entries = rows.flatMap((r) => r.threads.filter((x) => x.pid === server.pid));
    expect(entries.some((x) => x.tid === server.tid && x.name === 'llmmon-burn')).toBe(true);
    expect(rows.every((r) => r.threads.every((x) => x.pid === process.pid || x.pid === server.pid))).toBe(
      true,
    );
    console.info(
      `server window: worker ${worker!.cpu_seconds.toFixed(4)} s (its clock ${truth.toFixed(4)} s), process ${t.cpu_seconds!.toFixed(4)} s, peak RSS ${(t.rss_peak_bytes! / MiB).toFixed(1)} MiB, timeline ${served.toFixed(4)} s`,
    );
  });

  it('finds the server by its name and by the port it listens on', async () => {
    expect(findProcesses({ name: server.name })).toEqual([
      expect.objectContaining({ pid: server.pid, name: server.name, matched_by: 'name' }),
    ]);
    expect(findProcesses({ port: server.port })).toEqual([
      expect.objectContaining({ pid: server.pid, name: server.name, matched_by: 'port' }),
    ]);
    // Attached through what the port lookup found, a second request lands in the window.
    const sampler = new Sampler().start();
    const [byPort] = findProcesses({ port: server.port });
    expect(sampler.addTarget(byPort!.pid, { role: 'server' })).toEqual({
      pid: server.pid,
      name: server.name,
      role: 'server',
      status: 'ok',
      reason: null,
    });
    const id = sampler.openWindow();
    const work = await server.get<WorkAnswer>('/work?cpu_ms=100');
    const t = sampler.closeWindow(id).targets[0]!;
    sampler.stop();
    expect(byTid(t, server.tid)!.cpu_seconds).toBeGreaterThanOrEqual(work.cpu_ns / 1e9 - lag);
    expect(byTid(t, server.tid)!.cpu_seconds).toBeLessThanOrEqual(work.cpu_ns / 1e9 + lag);
  });

  it('a name longer than the kernel keeps (15 bytes) still finds the process', async () => {
    const long = path.join(tmp.dir, `${server.name}-long-name`);
    execFileSync('cp', [exe, long]);
    const other = await startTargetServer(long);
    try {
      const found = findProcesses({ name: path.basename(long) });
      expect(found.map((p) => p.pid)).toEqual([other.pid]);
      expect(found[0]!.name).toBe(path.basename(long).slice(0, 15));
    } finally {
      other.kill();
    }
  });

  it('finds a Python process by the module it runs (python -m vllm...)', async () => {
    const python = ['/usr/bin/python3', '/usr/local/bin/python3'].find(
      (p) => spawnSync(p, ['-V']).status === 0,
    );
    if (!python) {
      console.warn('skipped: no python3 interpreter at /usr/bin or /usr/local/bin');
      return;
    }
    const root = path.join(tmp.dir, 'py');
    mkdirSync(path.join(root, 'vllm', 'entrypoints', 'openai'), { recursive: true });
    for (const pkg of ['vllm', 'vllm/entrypoints', 'vllm/entrypoints/openai'])
      writeFileSync(path.join(root, pkg, '__init__.py'), '');
    writeFileSync(path.join(root, 'vllm/entrypoints/openai/api_server.py'), 'import time\ntime.sleep(60)\n');
    const child = spawn(python, ['-u', '-m', 'vllm.entrypoints.openai.api_server'], {
      cwd: root,
      stdio: 'ignore',
    });
    try {
      let found: ReturnType<typeof findProcesses> = [];
      const until = Date.now() + 5000;
      while (Date.now() < until && !found.some((p) => p.pid === child.pid)) {
        await new Promise((resolve) => setTimeout(resolve, 20));
        try {
          found = findProcesses({ name: 'vllm' });
        } catch {
          // not started yet
        }
      }
      expect(found).toContainEqual(expect.objectContaining({ pid: child.pid, matched_by: 'script' }));
    } finally {
      child.kill('SIGKILL');
    }
  });

  it('a server that exits inside the window ends its figures at its exit, with the reason', async () => {
    const dying = await startTargetServer(exe);
    const sampler = new Sampler({ targets: [dying.pid] }).start();
    const opened = hrSeconds();
    const id = sampler.openWindow();
    await expect(dying.get('/exit?cpu_ms=200')).rejects.toThrow(); // the connection ends unanswered
    const exitedAt = await dying.exited;
    await new Promise((resolve) => setTimeout(resolve, 30));
    const stats = sampler.closeWindow(id);
    const info = sampler.targets[0]!;
    // Attaching the pid again looks at it afresh: no process has it now.
    expect(sampler.addTarget(dying.pid)).toMatchObject({
      status: 'not_found',
      reason: `no process with pid ${dying.pid}`,
    });
    sampler.stop();

    const t = stats.targets[0]!;
    expect(info.status).toBe('exited');
    expect(t.status).toBe('exited');
    expect(t.reason).toMatch(/exited inside the window.*figures end at the last reading/);
    // Figures up to its last reading: it burned 200 ms by its own clock, minus at most what it ran
    // between that reading and its exit (bounded by the time from the reading to the exit event)
    // and one scheduler update.
    const readingToExit = exitedAt - (opened + t.wall_seconds);
    expect(t.wall_seconds).toBeLessThan(stats.wall_seconds);
    expect(t.cpu_seconds!).toBeGreaterThanOrEqual(0.2 - Math.max(0, readingToExit) - lag);
    expect(t.cpu_seconds!).toBeLessThanOrEqual(0.2 + 2 * lag);
    expect(t.rss_end_bytes).toBeGreaterThan(0);
    expect(t.threads!.length).toBeGreaterThan(0);
    // A window opened after the exit says so and has no figures.
    const after = new Sampler({ targets: [dying.pid] });
    const late = after.closeWindow(after.openWindow()).targets[0]!;
    expect(late).toMatchObject({
      status: expect.stringMatching(/exited|not_found/),
      cpu_seconds: null,
      rss_peak_bytes: null,
    });
    expect(late.reason).toBeTruthy();
  });

  it('a pid that does not exist: a one-line error from findProcesses, a reason (never 0) in windows', () => {
    const pid = freePid();
    expect(() => findProcesses({ pid })).toThrow(
      new FindProcessError('ENOPID', `no process with pid ${pid}`),
    );
    const sampler = new Sampler();
    expect(sampler.addTarget(pid)).toEqual({
      pid,
      name: null,
      role: null,
      status: 'not_found',
      reason: `no process with pid ${pid}`,
    });
    const t = sampler.closeWindow(sampler.openWindow()).targets[0]!;
    expect(t).toMatchObject({
      pid,
      status: 'not_found',
      reason: `no process with pid ${pid}`,
      cpu_seconds: null,
      avg_cpu_percent: null,
      peak_cpu_percent: null,
      rss_start_bytes: null,
      rss_end_bytes: null,
      rss_peak_bytes: null,
      threads: null,
    });
  });

  it("a thread's id is not a process: it says whose thread it is", () => {
    const message = `pid ${server.tid} is a thread of process ${server.pid}`;
    expect(() => findProcesses({ pid: server.tid })).toThrow(`${message}: use ${server.pid}`);
    const sampler = new Sampler();
    expect(sampler.addTarget(server.tid)).toMatchObject({
      status: 'not_found',
      reason: `${message}: attach ${server.pid}`,
    });
    expect(sampler.closeWindow(sampler.openWindow()).targets[0]).toMatchObject({
      status: 'not_found',
      cpu_seconds: null,
    });
  });

  it('nothing listening on a port, no process of a name: one-line errors', async () => {
    const port = await freePort();
    expect(() => findProcesses({ port })).toThrow(`nothing listens on TCP port ${port} on this machine`);
    const name = `llmmon-none-${process.pid}`;
    expect(() => findProcesses({ name })).toThrow(/^no process named "llmmon-none-\d+" \(compared with/);
    expect(() => findProcesses({ port: 70000 })).toThrow(RangeError);
    expect(() => findProcesses({ pid: 1, name: 'x' } as never)).toThrow(/exactly one of pid, name, port/);
  });

  it("removeTarget ends a target's figures in the windows open then", async () => {
    const sampler = new Sampler({ targets: [server.pid] }).start();
    const id = sampler.openWindow();
    await server.get('/work?cpu_ms=50');
    expect(sampler.removeTarget(server.pid)).toBe(true);
    expect(sampler.removeTarget(server.pid)).toBe(false);
    await server.get('/work?cpu_ms=50');
    const t = sampler.closeWindow(id).targets[0]!;
    const next = sampler.closeWindow(sampler.openWindow());
    sampler.stop();
    expect(t.status).toBe('detached');
    expect(t.reason).toMatch(/^detached \(removeTarget\)/);
    expect(t.cpu_seconds!).toBeGreaterThanOrEqual(0.05 - lag);
    expect(t.cpu_seconds!).toBeLessThan(0.1 - lag); // the second request is not in it
    expect(next.targets).toEqual([]);
  });

  it('rejects bad targets with errors that name the problem', () => {
    const sampler = new Sampler();
    expect(() => sampler.addTarget(process.pid)).toThrow(/is this process/);
    expect(() => sampler.addTarget(0)).toThrow(RangeError);
    expect(() => sampler.addTarget(1.5)).toThrow(RangeError);
    expect(() => sampler.addTarget('12' as never)).toThrow(TypeError);
    expect(() => new Sampler({ targets: [{ pid: 1, rank: 2 } as never] })).toThrow(
      /targets\[0\]: unknown key "rank"/,
    );
    expect(() => sampler.addTarget(1, { role: 3 as never })).toThrow(/role must be a string/);
  });
});

describe.runIf(linux)('attached processes of another user (Linux)', () => {
  const root = process.getuid?.() === 0;
  const hasSetpriv = spawnSync('setpriv', ['--version']).status === 0;
  const tmp = tempDir('llmmon-attach-user-');
  let server: TargetServer;
  beforeAll(async () => {
    if (!root || !hasSetpriv) return;
    server = await startTargetServer(buildTargetServer(tmp.dir)); // owned by root
  });
  afterAll(() => {
    server?.kill();
    tmp.cleanup();
  });

  interface Seen {
    uid: number;
    info: { status: string; reason: string | null };
    stats: TargetWindowStats;
    byPid: unknown;
    byPort: { code?: string; message?: string };
  }

  /** The attach fixture run as `nobody`, optionally under a private /proc mounted with hidepid. */
  function runAsNobody(hidepid: boolean): Seen | string {
    const fixture = fileURLToPath(new URL('../test/fixtures/attach-as.mjs', import.meta.url));
    const asNobody = [
      'setpriv',
      '--reuid=nobody',
      '--regid=nogroup',
      '--clear-groups',
      process.execPath,
      fixture,
    ];
    const args = [requireDist(), String(server.pid), String(server.port)];
    const command = hidepid
      ? [
          'unshare',
          '-m',
          '--propagation',
          'private',
          'sh',
          '-c',
          'mount -t proc -o hidepid=invisible proc /proc && exec "$@"',
          'sh',
          ...asNobody,
          ...args,
        ]
      : [...asNobody, ...args];
    const r = spawnSync(command[0]!, command.slice(1), { encoding: 'utf8', timeout: 20_000 });
    if (r.status !== 0)
      return `${command.join(' ')}: exit ${r.status}: ${r.stderr.trim().split('\n').slice(-2).join(' ')}`;
    return JSON.parse(r.stdout.trim().split('\n').pop()!) as Seen;
  }

  it('as another user: Linux shows its threads and memory, but not its sockets', async (ctx) => {
    if (!root || !hasSetpriv) ctx.skip(`needs root and setpriv to run the sampler as nobody (root: ${root})`);
    const seen = runAsNobody(false);
    if (typeof seen === 'string') throw new Error(seen);
    expect(seen.uid).not.toBe(0);
    // schedstat, statm, status and comm are readable by every user without hidepid.
    expect(seen.stats).toMatchObject({ pid: server.pid, status: 'ok', name: server.name });
    expect(seen.stats.threads).not.toBeNull();
    expect(seen.stats.rss_end_bytes).toBeGreaterThan(0);
    // Which process holds a socket needs its fds, which need the ptrace read permission.
    expect(seen.byPort.code).toBe('EACCES');
    expect(seen.byPort.message).toMatch(
      new RegExp(
        `^TCP port ${server.port} is listened on by a process this user may not inspect .*run as that process's user or as root`,
      ),
    );
  });

  it('as another user under hidepid: null threads and memory with a permission reason', async (ctx) => {
    if (!root || !hasSetpriv) ctx.skip(`needs root and setpriv to run the sampler as nobody (root: ${root})`);
    const seen = runAsNobody(true);
    if (typeof seen === 'string') ctx.skip(`cannot mount a private /proc with hidepid here: ${seen}`);
    const s = (seen as Seen).stats;
    expect((seen as Seen).info.status).toBe('permission_denied');
    expect(s.status).toBe('permission_denied');
    expect(s.reason).toMatch(/hidden from this user \(procfs mounted with hidepid=invisible\)/);
    expect(s.threads).toBeNull();
    expect(s.rss_start_bytes).toBeNull();
    expect(s.rss_peak_bytes).toBeNull();
    // The process CPU clock answers for any process of the pid namespace, hidden or not.
    expect(typeof s.cpu_seconds).toBe('number');
    expect((seen as Seen).byPid).toMatchObject({
      code: 'EACCES',
      message: expect.stringMatching(/hides it \(mounted with hidepid\)/),
    });
  });
});
