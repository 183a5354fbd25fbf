/**
 * Attaching other processes, against a known ground truth: a local "model server" in a child
 * process (test/support/burn-server.mjs) that burns a CPU time it measures itself and holds a
 * known amount of touched memory while it serves one HTTP request. The client operation must
 * attribute that CPU and memory to the child, not to itself.
 *
 * Budget: the sampler reads another process's CPU from the kernel's scheduler counts, which may
 * be behind by one scheduler update for a thread that is running at the instant they are read
 * (SCHEDSTAT_LAG); the child sleeps at both ends of the window, so each end may be off by that
 * and nothing more.
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { get } from 'node:http';
import { cpus } from 'node:os';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { MiB, SCHEDSTAT_LAG, tempDir } from '../test/support/ground-truth.js';
import { HAS_NATIVE } from '../test/support/native.js';
import { openAICompatible } from './adapters/openai.js';
import { attachFromEnv, parseAttachTarget } from './attach.js';
import { LLMMonitor } from './monitor.js';
import { JS_SAMPLER_TARGETS } from './record-processes.js';
import { OperationRecordSchema } from './schema/operation.js';

const SERVER = fileURLToPath(new URL('../test/support/burn-server.mjs', import.meta.url));
const linux = process.platform === 'linux';

interface Child {
  child: ChildProcess;
  pid: number;
  port: number;
  name: string;
  get<T>(path: string): Promise<T>;
  exited: Promise<void>;
}

const children: Child[] = [];
const monitors: LLMMonitor[] = [];
afterAll(async () => {
  for (const m of monitors) await m.close();
  for (const c of children) c.child.kill('SIGKILL');
});

const monitor = (options: ConstructorParameters<typeof LLMMonitor>[0]) => {
  const m = new LLMMonitor({ outputDir: tempDir(), journal: false, ...options });
  monitors.push(m);
  return m;
};

/** Starts the server under a name no other process has (`llmmon-` + 8 hex digits: 15 bytes). */
async function startServer(): Promise<Child> {
  const name = `llmmon-${randomBytes(4).toString('hex')}`;
  const child = spawn(process.execPath, [SERVER, name], { stdio: ['ignore', 'pipe', 'inherit'] });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const line = await new Promise<string>((resolve, reject) => {
    createInterface({ input: child.stdout! }).once('line', resolve);
    child.once('exit', (code) => reject(new Error(`burn server exited (${code}) before listening`)));
  });
  const { pid, port } = JSON.parse(line) as { pid: number; port: number };
  const getJson = <T>(path: string) =>
    new Promise<T>((resolve, reject) => {
      get({ host: '127.0.0.1', port, path, agent: false }, (res) => {
        let body = '';
        res.setEncoding('utf8').on('data', (d) => (body += d));
        res.on('end', () => resolve(JSON.parse(body) as T));
      }).on('error', reject);
    });
  const c = { child, pid, port, name, get: getJson, exited };
  children.push(c);
  return c;
}

interface Work {
  burned_seconds: number;
  rss_held: number;
  hwm: number;
}

describe('attach targets (parsing)', () => {
  it('reads pids, names and ports, with a role (default server)', () => {
    expect(parseAttachTarget(4242)).toMatchObject({ by: 'pid', value: '4242', role: 'server' });
    expect(parseAttachTarget('pid:17@runner')).toMatchObject({
      by: 'pid',
      query: { pid: 17 },
      role: 'runner',
    });
    expect(parseAttachTarget(':11434')).toMatchObject({ by: 'port', query: { port: 11434 } });
    expect(parseAttachTarget('ollama')).toMatchObject({ by: 'name', query: { name: 'ollama' } });
    expect(parseAttachTarget({ port: 8080, role: 'proxy' })).toMatchObject({ by: 'port', role: 'proxy' });
  });

  it('refuses bad input with one line naming the problem', () => {
    expect(() => parseAttachTarget(':70000')).toThrow(/attach port must be an integer between 1 and 65535/);
    expect(() => parseAttachTarget(0)).toThrow(/attach pid must be an integer/);
    expect(() => parseAttachTarget('/usr/bin/ollama')).toThrow(/attach name must be a process name/);
    expect(() => parseAttachTarget('ollama@bad role')).toThrow(/attach role must be/);
    expect(() => parseAttachTarget({ pid: 1, port: 2 } as never)).toThrow(/exactly one of pid, name, port/);
    expect(() => attachFromEnv({ LLMMON_ATTACH: 'port:11434,:x' })).toThrow(/^LLMMON_ATTACH: attach port/);
    expect(attachFromEnv({ LLMMON_ATTACH: ' :11434 , ollama@runner ' })?.map((r) => [r.by, r.role])).toEqual([
      ['port', 'server'],
      ['name', 'runner'],
    ]);
    expect(attachFromEnv({})).toBeUndefined();
  });
});

describe.runIf(linux && HAS_NATIVE)('attached processes measured by the native sampler', () => {
  it("attributes a server's CPU and memory to the server, within the scheduler's budget", async () => {
    const server = await startServer();
    const m = monitor({ sampler: 'native', attach: server.pid });
    expect(m.run.attached).toEqual([
      expect.objectContaining({
        pid: server.pid,
        name: server.name,
        role: 'server',
        by: 'pid',
        source: 'option',
      }),
    ]);
    const before = await server.get<{ cpu_seconds: number }>('/cpu');
    const outerStart = performance.now();
    const work = await m.trackOperation('remote', 'inference', 0, () =>
      server.get<Work>('/work?ms=300&mib=64'),
    );
    // The sampler's window (and so each process's wall time) lies inside this call, which also
    // holds the window's opening and closing reads: under load those can take milliseconds.
    const outer = (performance.now() - outerStart) / 1e3;
    const after = await server.get<{ cpu_seconds: number }>('/cpu');
    const r = m.operations[0]!;
    expect(() => OperationRecordSchema.parse(r)).not.toThrow();
    const p = r.processes![0]!;
    expect(p).toMatchObject({
      pid: server.pid,
      name: server.name,
      role: 'server',
      status: 'ok',
      reason: null,
    });
    // The window lies inside the two /cpu readings and holds the whole burn.
    expect(p.cpu_time_seconds!).toBeGreaterThanOrEqual(work.burned_seconds - 2 * SCHEDSTAT_LAG);
    expect(p.cpu_time_seconds!).toBeLessThanOrEqual(
      after.cpu_seconds - before.cpu_seconds + 2 * SCHEDSTAT_LAG,
    );
    // The burn ran on the server's main thread, whose name is the process's.
    expect(p.threads![0]!.name).toBe(server.name);
    expect(p.threads![0]!.cpu_seconds).toBeGreaterThanOrEqual(work.burned_seconds * 0.8);
    // Memory: the ticks saw the 64 MiB held; never above the kernel's high-water mark.
    expect(p.peak_memory_mb! * MiB).toBeGreaterThanOrEqual(work.rss_held * 0.95);
    expect(p.peak_memory_mb! * MiB).toBeLessThanOrEqual(work.hwm + 64 * 4096);
    expect(p.peak_memory_mb! - p.rss_start_mb!).toBeGreaterThanOrEqual(60);
    // The client only waited on a socket: the server's work is not the client's.
    expect(r.cpu_time_seconds!).toBeLessThan(p.cpu_time_seconds!);
    expect(r.peak_memory_mb! - r.rss_start_mb!).toBeLessThan(32);
    // The flat server_* fields sum the server-role processes (here: one).
    expect(r.server_cpu_time_seconds).toBe(p.cpu_time_seconds);
    expect(r.server_peak_memory_mb).toBe(p.peak_memory_mb);
    expect(r.server_cpu_percent).toBeCloseTo((p.cpu_time_seconds! / r.duration_seconds) * 100, 9);
    expect(r.server_status).toBe('ok');
    // Invariants: nothing exceeds the machine.
    expect(p.wall_seconds!).toBeLessThanOrEqual(outer);
    expect(p.cpu_time_seconds!).toBeLessThanOrEqual(p.wall_seconds! * cpus().length + 2 * SCHEDSTAT_LAG);
    expect(p.peak_cpu_percent!).toBeGreaterThanOrEqual(p.avg_cpu_percent!);
    expect(p.rss_start_mb!).toBeLessThanOrEqual(p.peak_memory_mb!);
    expect(p.rss_end_mb!).toBeLessThanOrEqual(p.peak_memory_mb!);
  });

  it('finds the server by its port and by its name; each process is attached once', async () => {
    const server = await startServer();
    const m = monitor({ sampler: 'native', attach: [] });
    expect(m.attach(`:${server.port}`)).toEqual([
      expect.objectContaining({ pid: server.pid, by: 'port', query: String(server.port), reason: null }),
    ]);
    expect(m.attach(server.name)).toEqual([]); // the same process: already attached
    const other = monitor({ sampler: 'native', attach: `${server.name}@runner` });
    expect(other.run.attached).toEqual([
      expect.objectContaining({ pid: server.pid, by: 'name', role: 'runner', reason: null }),
    ]);
    await other.trackOperation('remote', 'inference', 0, () => server.get<Work>('/work?ms=50'));
    const r = other.operations[0]!;
    expect(r.processes![0]!).toMatchObject({ pid: server.pid, role: 'runner', status: 'ok' });
    // Role runner: not a server, so the flat server_* fields stay null.
    expect(r.server_cpu_time_seconds).toBeNull();
    expect(r.server_status).toBeNull();
  });

  it('a port nobody listens on and a pid nobody has: null figures with the reason', async () => {
    const noPid = spawnSync('true').pid!; // ran and was reaped
    const m = monitor({ sampler: 'native', attach: [':1', noPid] });
    const [port, pid] = m.run.attached!;
    expect(port).toMatchObject({ pid: null, by: 'port', query: '1' });
    expect(port!.reason).toMatch(/1/);
    expect(pid).toMatchObject({ pid: noPid, by: 'pid' });
    expect(pid!.reason).toMatch(/not found|no such process|no process/i);
    await m.trackOperation('m', 'op', 0, () => {});
    const p = m.operations[0]!.processes!;
    expect(p.map((x) => [x.pid, x.status])).toEqual([[noPid, 'not_found']]);
    expect(p[0]!.cpu_time_seconds).toBeNull();
    expect(m.operations[0]!.server_status).toBe('not_found');
    expect(m.operations[0]!.server_reason).toMatch(new RegExp(`^${noPid}: `));
  });

  it('a server that exits inside the operation: figures up to its exit, status exited', async () => {
    const server = await startServer();
    const m = monitor({ sampler: 'native', attach: server.pid });
    await m.trackOperation('m', 'op', 0, async () => {
      await server.get<Work>('/work?ms=100');
      server.child.kill('SIGKILL');
      await server.exited;
      await new Promise((resolve) => setTimeout(resolve, 50));
    });
    const r = m.operations[0]!;
    const p = r.processes![0]!;
    expect(p.status).toBe('exited');
    expect(p.reason).not.toBeNull();
    expect(p.cpu_time_seconds!).toBeGreaterThanOrEqual(0.1 - 2 * SCHEDSTAT_LAG);
    expect(p.wall_seconds!).toBeLessThan(r.duration_seconds);
    expect(r.server_status).toBe('exited');
  });
});

describe.runIf(linux && HAS_NATIVE)('adapters attach their loopback server', () => {
  it("the OpenAI-compatible model measures its server's process while it is in use", async () => {
    const server = await startServer();
    const m = monitor({ sampler: 'native', attach: [] });
    const model = openAICompatible({
      baseURL: `http://127.0.0.1:${server.port}/v1`,
      model: 'burn',
      monitor: m,
    });
    await model.load();
    expect(m.run.attached).toEqual([
      expect.objectContaining({ pid: server.pid, by: 'port', role: 'server', source: 'adapter:openai' }),
    ]);
    const before = await server.get<{ cpu_seconds: number }>('/cpu');
    for await (const _ of model.generate('hi', { maxTokens: 4 })) {
      // drained
    }
    const after = await server.get<{ cpu_seconds: number }>('/cpu');
    const r = m.operations.at(-1)!;
    expect(r.operation).toBe('generate');
    // The completion burned 200 ms of the server's CPU; the window lies inside the two readings.
    expect(r.server_cpu_time_seconds!).toBeGreaterThanOrEqual(0.2 - 2 * SCHEDSTAT_LAG);
    expect(r.server_cpu_time_seconds!).toBeLessThanOrEqual(
      after.cpu_seconds - before.cpu_seconds + 2 * SCHEDSTAT_LAG,
    );
    // Disposed: the operations after it (other models) no longer report its server.
    await model.dispose();
    await m.trackOperation('other', 'inference', 0, () => {});
    expect(m.operations.at(-1)!.processes).toBeNull();
    expect(m.run.attached).toHaveLength(1);
  });

  it('attach: false, or an endpoint on another machine, attaches nothing', async () => {
    const server = await startServer();
    const m = monitor({ sampler: 'native', attach: [] });
    const baseURL = `http://127.0.0.1:${server.port}/v1`;
    await openAICompatible({ baseURL, model: 'burn', monitor: m, attach: false }).load();
    expect(m.run.attached).toBeNull();
  });
});

describe('attached processes with the JS sampler', () => {
  it('are listed in the header and each record, not measured, with the reason', async () => {
    const server = await startServer();
    const m = monitor({ sampler: 'js', attach: server.pid });
    expect(m.run.attached![0]!).toMatchObject({ pid: server.pid, reason: JS_SAMPLER_TARGETS });
    await m.trackOperation('m', 'op', 0, () => {});
    const p = m.operations[0]!.processes![0]!;
    expect(p).toMatchObject({ pid: server.pid, status: 'not_measured', reason: JS_SAMPLER_TARGETS });
    expect(p.cpu_time_seconds).toBeNull();
    expect(m.operations[0]!.server_cpu_time_seconds).toBeNull();
  });
});
