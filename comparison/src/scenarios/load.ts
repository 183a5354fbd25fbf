/**
 * Scenario 7, the load generator: is `llmmon load` the bottleneck of its own measurements? Both
 * it and `autocannon` (the usual Node HTTP load generator) load the same trivial streaming
 * server (`workers/stream-server.ts`, its own process: headers at once, then after a fixed time
 * to first token the whole answer in one write) at the same concurrency for the same time, in
 * the same run, in a shuffled order per round. Each tool runs as a user runs it, in its own
 * process (`llmmon load … --no-store`, `autocannon -j`).
 *
 * - Throughput: completed requests ÷ the tool's own measured time; the server also counts what it
 *   served. The ceiling of a closed loop is concurrency ÷ TTFT.
 * - CPU per request: the tool process's CPU time (this process's waited-for children, getrusage)
 *   less what a run of one request costs it (start-up, teardown) ÷ the requests the server
 *   served meanwhile (llmmon's warm-ups included): which client would run out of CPU first.
 * - TTFT error under load: `llmmon load`'s TTFT (p50, p99) − the server's own (body received →
 *   first token written, the server's timer lateness included, measured in the server process
 *   during the same level): what the client adds. autocannon measures whole responses only; its
 *   latency is set beside llmmon's E2EL.
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { mulberry32 } from '@llmmon/core/random';
import { quantileSorted } from '@llmmon/core/schema';
import { childrenCpuSeconds } from '../lib/clock.js';
import { shuffle } from '../lib/shuffle.js';
import { type Spread, spread } from '../lib/stats.js';

const require = createRequire(import.meta.url);

export interface LoadOptions {
  /** Concurrency levels (connections / requests in flight). */
  levels: number[];
  /** Seconds each tool loads the server per level. */
  seconds: number;
  rounds: number;
  /** The server's time to first token, ms, and content chunks per answer. */
  ttftMs: number;
  tokens: number;
  seed: number;
}

export const LOAD_DEFAULTS: LoadOptions = {
  levels: [1, 16, 64],
  seconds: 5,
  rounds: 2,
  ttftMs: 10,
  tokens: 16,
  seed: 5,
};

export interface LoadToolLevel {
  requests_per_second: Spread;
  /** Requests the server served while the tool ran ÷ the tool's requests (≈ 1: same count). */
  server_served_ratio: Spread;
  /** The tool process's CPU less its start-up (`LoadData.startup_cpu`) ÷ requests served. */
  cpu_us_per_request: Spread;
  /** Whole response: llmmon's E2EL, autocannon's latency. */
  latency_p50_ms: Spread;
  latency_p99_ms: Spread;
  errors: number;
}

export interface LoadLevel {
  concurrency: number;
  /** concurrency ÷ TTFT: what a client that adds nothing could reach. */
  ceiling_rps: number;
  llmmon: LoadToolLevel & {
    ttft_p50_ms: Spread;
    ttft_p99_ms: Spread;
    /** llmmon's TTFT − the server's own TTFT over the same requests (p50 and p99). */
    ttft_added_p50_ms: Spread;
    ttft_added_p99_ms: Spread;
  };
  autocannon: LoadToolLevel;
  /** The server's own TTFT while llmmon loaded it (body received → first token written). */
  server_ttft_p50_ms: Spread;
  server_ttft_p99_ms: Spread;
}

export interface LoadData {
  options: LoadOptions;
  /** CPU of a run of one request, ms: start-up and teardown, taken off every level's CPU. */
  startup_cpu: { llmmon_ms: number; autocannon_ms: number };
  levels: LoadLevel[];
}

interface Server {
  url: string;
  stats(): Promise<{ ttft_ms: number[]; served: number }>;
  stop(): Promise<void>;
}

async function startServer(ttftMs: number, tokens: number): Promise<Server> {
  const child = spawn(
    process.execPath,
    // dist/ and src/ are both two levels below the package: the compiled server from either.
    [
      fileURLToPath(new URL('../../dist/workers/stream-server.js', import.meta.url)),
      String(ttftMs),
      String(tokens),
    ],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  const first = await new Promise<string>((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (code) => reject(new Error(`stream server exited (${code}) before it listened`)));
    createInterface({ input: child.stdout! }).once('line', resolve);
  });
  const { port } = JSON.parse(first) as { port: number };
  const url = `http://127.0.0.1:${port}`;
  return {
    url,
    stats: async () => (await fetch(`${url}/stats`)).json() as Promise<{ ttft_ms: number[]; served: number }>,
    stop: () =>
      new Promise<void>((resolve) => {
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}

/** Percentile p (0–100) of unsorted values: core's type-7 quantile, as `lib/stats.ts` uses. */
function pct(values: readonly number[], p: number): number {
  return (
    quantileSorted(
      [...values].sort((a, b) => a - b),
      p / 100,
    ) ?? Number.NaN
  );
}

/** A safety net only: a starved machine can take minutes to start a tool and send one request. */
const RUN_TIMEOUT_S = 600;

/** Runs a command to completion; returns its stdout and the CPU seconds it used. */
function timed(command: string, args: string[], timeoutS: number): { stdout: string; cpu: number } {
  const cpu0 = childrenCpuSeconds();
  const r = spawnSync(command, args, { encoding: 'utf8', timeout: timeoutS * 1000, maxBuffer: 64 * 2 ** 20 });
  const cpu = childrenCpuSeconds() - cpu0;
  if (r.status !== 0) {
    throw new Error(
      `${path.basename(args[0] ?? command)} failed (${r.status ?? r.signal}): ${r.stderr?.slice(-2000)}`,
    );
  }
  return { stdout: r.stdout, cpu };
}

/** One tool's run of one level. Latency: whole responses (llmmon's E2EL, autocannon's latency). */
interface ToolRun {
  rps: number;
  requests: number;
  errors: number;
  latency_p50_ms: number;
  latency_p99_ms: number;
  cpu: number;
  /** Time to first token (llmmon load only: autocannon does not see chunks). */
  ttft_p50_ms?: number;
  ttft_p99_ms?: number;
}

/** `limit`: the tool's arguments that end the run (a duration, or a number of requests). */
function runLlmmon(
  url: string,
  c: number,
  limit: string[],
  warmup: number,
  o: LoadOptions,
  dir: string,
): ToolRun {
  const cli = path.join(path.dirname(require.resolve('@llmmon/cli/package.json')), 'dist', 'cli.js');
  const report = path.join(dir, `load-${c}.json`);
  const { cpu } = timed(
    process.execPath,
    [
      cli,
      'load',
      '--base-url',
      `${url}/v1`,
      '--model',
      'trivial',
      '-c',
      String(c),
      ...limit,
      '--warmup',
      String(warmup),
      '--output-tokens',
      String(o.tokens),
      '--out',
      dir,
      '--report',
      report,
      '--no-store',
    ],
    RUN_TIMEOUT_S + o.seconds,
  );
  const level = (
    JSON.parse(readFileSync(report, 'utf8')) as {
      levels: {
        stats: {
          completed: number;
          failed: number;
          requestThroughput: number | null;
          ttft: { p50: number | null; p99: number | null };
          e2el: { p50: number | null; p99: number | null };
        };
      }[];
    }
  ).levels[0]!.stats;
  const ms = (s: number | null) => (s == null ? Number.NaN : 1000 * s);
  return {
    rps: level.requestThroughput ?? Number.NaN,
    requests: level.completed + level.failed,
    errors: level.failed,
    ttft_p50_ms: ms(level.ttft.p50),
    ttft_p99_ms: ms(level.ttft.p99),
    latency_p50_ms: ms(level.e2el.p50),
    latency_p99_ms: ms(level.e2el.p99),
    cpu,
  };
}

function runAutocannon(url: string, c: number, limit: string[], o: LoadOptions): ToolRun {
  const bin = path.join(path.dirname(require.resolve('autocannon/package.json')), 'autocannon.js');
  const body = JSON.stringify({
    model: 'trivial',
    messages: [{ role: 'user', content: 'Hello' }],
    max_tokens: o.tokens,
    stream: true,
  });
  const { stdout, cpu } = timed(
    process.execPath,
    [
      bin,
      '-j',
      '-c',
      String(c),
      ...limit,
      '-m',
      'POST',
      '-H',
      'content-type=application/json',
      '-b',
      body,
      `${url}/v1/chat/completions`,
    ],
    RUN_TIMEOUT_S + o.seconds,
  );
  const r = JSON.parse(stdout) as {
    duration: number;
    '2xx': number;
    non2xx: number;
    errors: number;
    timeouts: number;
    latency: { p50: number; p99: number };
  };
  return {
    rps: r['2xx'] / r.duration,
    requests: r['2xx'] + r.non2xx,
    errors: r.non2xx + r.errors + r.timeouts,
    latency_p50_ms: r.latency.p50,
    latency_p99_ms: r.latency.p99,
    cpu,
  };
}

export async function runLoad(options: LoadOptions = LOAD_DEFAULTS): Promise<LoadData> {
  const random = mulberry32(options.seed);
  const server = await startServer(options.ttftMs, options.tokens);
  const dir = mkdtempSync(path.join(tmpdir(), 'llmmon-comparison-load-'));
  type Row = Record<string, number[]>;
  const rows = options.levels.map(() => ({ llmmon: {} as Row, autocannon: {} as Row, server: {} as Row }));
  let startupCpu = { llmmon_ms: Number.NaN, autocannon_ms: Number.NaN };
  const push = (r: Row, key: string, v: number) => {
    r[key] ??= [];
    r[key].push(v);
  };
  const seconds = ['-d', String(options.seconds)];
  try {
    // What starting and stopping each tool costs (one request, and for llmmon one warm-up):
    // taken off its CPU before dividing by the requests of a level.
    const startup = {
      llmmon: runLlmmon(server.url, 1, ['-n', '1'], 1, options, dir).cpu,
      autocannon: runAutocannon(server.url, 1, ['-a', '1'], options).cpu,
    };
    startupCpu = { llmmon_ms: 1000 * startup.llmmon, autocannon_ms: 1000 * startup.autocannon };
    for (let round = 0; round < options.rounds; round++) {
      for (const [i, c] of options.levels.entries()) {
        for (const tool of shuffle(['llmmon', 'autocannon'] as const, random)) {
          await server.stats(); // starts the server's count afresh
          const row = rows[i]!;
          const r =
            tool === 'llmmon'
              ? runLlmmon(server.url, c, seconds, Math.max(2, c), options, dir)
              : runAutocannon(server.url, c, seconds, options);
          const s = await server.stats();
          const t = row[tool];
          push(t, 'rps', r.rps);
          push(t, 'served', s.served / r.requests);
          // ÷ what the server served: warm-ups included, as the tool's CPU includes them.
          push(t, 'cpu', (1e6 * Math.max(0, r.cpu - startup[tool])) / s.served);
          push(t, 'lat50', r.latency_p50_ms);
          push(t, 'lat99', r.latency_p99_ms);
          push(t, 'errors', r.errors);
          if (r.ttft_p50_ms !== undefined && r.ttft_p99_ms !== undefined) {
            const sp50 = pct(s.ttft_ms, 50);
            const sp99 = pct(s.ttft_ms, 99);
            push(t, 'ttft50', r.ttft_p50_ms);
            push(t, 'ttft99', r.ttft_p99_ms);
            push(t, 'added50', r.ttft_p50_ms - sp50);
            push(t, 'added99', r.ttft_p99_ms - sp99);
            push(row.server, 'p50', sp50);
            push(row.server, 'p99', sp99);
          }
        }
      }
    }
  } finally {
    await server.stop();
    rmSync(dir, { recursive: true, force: true });
  }
  const tool = (r: Row): LoadToolLevel => ({
    requests_per_second: spread(r.rps ?? []),
    server_served_ratio: spread(r.served ?? []),
    cpu_us_per_request: spread(r.cpu ?? []),
    latency_p50_ms: spread(r.lat50 ?? []),
    latency_p99_ms: spread(r.lat99 ?? []),
    errors: (r.errors ?? []).reduce((a, b) => a + b, 0),
  });
  return {
    options,
    startup_cpu: startupCpu,
    levels: options.levels.map((c, i) => {
      const row = rows[i]!;
      return {
        concurrency: c,
        ceiling_rps: (1000 * c) / options.ttftMs,
        llmmon: {
          ...tool(row.llmmon),
          ttft_p50_ms: spread(row.llmmon.ttft50 ?? []),
          ttft_p99_ms: spread(row.llmmon.ttft99 ?? []),
          ttft_added_p50_ms: spread(row.llmmon.added50 ?? []),
          ttft_added_p99_ms: spread(row.llmmon.added99 ?? []),
        },
        autocannon: tool(row.autocannon),
        server_ttft_p50_ms: spread(row.server.p50 ?? []),
        server_ttft_p99_ms: spread(row.server.p99 ?? []),
      };
    }),
  };
}
