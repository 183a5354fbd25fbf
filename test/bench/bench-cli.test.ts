/**
 * `llmmon bench` end to end, through the built CLI as a user runs it, in a temporary folder:
 * a tiny generated model gives a valid metrics file, a dashboard, DuckDB rows whose counts match
 * the file, llama.cpp's own token counts, TTFT < duration; `--serve-openai` measures a real
 * socket; `--compare-last` finds the previous run; bad input is one line and stores nothing.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadMetrics, type MetricsFile } from '@llmmon/core';
import { llamaCpp } from '@llmmon/core/adapters/llama-cpp';
import { Store } from '@llmmon/server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const CLI = path.join(ROOT, 'packages/cli/dist/cli.js');
const PROMPTS = ['How fast is this model?', 'Count the tokens of this slightly longer prompt, please.'];
const MAX_TOKENS = 8;
const QUERY = { maxRows: 1000, timeoutMs: 10_000 };

let dir: string;
let out: string;
let db: string;

interface Result {
  code: number | null;
  stdout: string;
  stderr: string;
}

function llmmon(args: string[], timeoutMs = 120_000, env: NodeJS.ProcessEnv = {}): Promise<Result> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], {
      cwd: dir,
      env: { ...process.env, LLMMON_MODEL_CACHE: path.join(dir, 'cache'), NO_COLOR: '1', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => {
      stdout += d;
    });
    child.stderr.setEncoding('utf8').on('data', (d: string) => {
      stderr += d;
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

const bench = (...extra: string[]) =>
  llmmon(['bench', '--config', 'bench.json', '--out', out, '--db', db, ...extra]);

async function storedCounts(runId?: string) {
  const store = await Store.open(db);
  try {
    const r = await store.query(
      'SELECT (SELECT count(*) FROM runs), (SELECT count(*) FROM operations WHERE run_id = $1)',
      { ...QUERY, params: [runId ?? ''] },
    );
    const [runs, ops] = r.rows[0]!;
    return { runs: Number(runs), operations: Number(ops) };
  } finally {
    await store.close();
  }
}

/** Quantization per model as SQL on the stored JSON metadata sees it. */
async function storedQuantizations(runId: string) {
  const store = await Store.open(db);
  try {
    const r = await store.query(
      "SELECT DISTINCT model_name, metadata->>'quantization' FROM operations WHERE run_id = $1 AND operation = 'generate'",
      { ...QUERY, params: [runId] },
    );
    return r.rows;
  } finally {
    await store.close();
  }
}

const metricsFileOf = (r: Result) => /^metrics: +(.+\.json)$/m.exec(r.stdout)?.[1];

beforeAll(async () => {
  if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run \`pnpm build\` before the e2e tests`);
  dir = await mkdtemp(path.join(tmpdir(), 'llmmon-bench-e2e-'));
  out = path.join(dir, 'out');
  db = path.join(dir, 'llmmon.duckdb');
  await writeFile(
    path.join(dir, 'bench.json'),
    JSON.stringify({
      name: 'e2e',
      models: [{ kind: 'generated', preset: 'tiny' }],
      prompts: PROMPTS,
      maxTokens: MAX_TOKENS,
      warmupRuns: 1,
      repetitions: 2,
    }),
  );
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('llmmon bench', () => {
  let first: Result;
  let file: MetricsFile;

  it('runs a tiny model end to end: table, metrics file, dashboard link, DuckDB rows that match', async () => {
    first = await bench();
    expect(first.stderr).not.toMatch(/error/i);
    expect(first.code).toBe(0);
    expect(first.stdout).toMatch(
      /^model\s+load s\s+RSS growth MB\s+ops\s+errors\s+TTFT p50 s\s+tok\/s mean/m,
    );
    // load s, RSS growth MB, then 4 operations (2 prompts × 2 repetitions) and no errors
    expect(first.stdout).toMatch(/^tiny-f32\s+[\d.]+\s+-?[\d.]+\s+4\s+0\s/m);

    const metricsFile = metricsFileOf(first)!;
    expect(path.isAbsolute(metricsFile)).toBe(true);
    file = await loadMetrics(metricsFile); // validates against the schema
    // what differs from the defaults, then the config hash's first 8 characters
    expect(file.run.name).toMatch(
      /^bench e2e: models tiny, prompts 2 inline, max tokens \d+, warm-up 1, repetitions 2 · [0-9a-f]{8}$/,
    );
    const count = (op: string) => file.operations.filter((r) => r.operation === op).length;
    expect([count('load'), count('warmup'), count('generate')]).toEqual([1, 1, 2 * PROMPTS.length]);

    const link = /^dashboard: (file:\/\/\S+)$/m.exec(first.stdout)![1]!;
    const html = await readFile(fileURLToPath(link), 'utf8');
    expect(fileURLToPath(link)).toBe(metricsFile.replace(/\.json$/, '_dashboard.html'));
    expect(html).toMatch(/^<!doctype html>/i);
    expect(html).toContain(file.run.id);

    expect(await storedCounts(file.run.id)).toEqual({ runs: 1, operations: file.operations.length });
    expect(await storedQuantizations(file.run.id)).toEqual([['tiny-f32', 'f32']]);
    expect(first.stdout).toContain(`run ${file.run.id}`);
  });

  it('records the engine’s token counts, and TTFT below the duration', async () => {
    const cached = (await readdir(path.join(dir, 'cache'))).find((f) => f.startsWith('tiny-f32-'))!;
    // llama.cpp's tokenizer of the same file is the ground truth for prompt tokens.
    const model = llamaCpp({ modelPath: path.join(dir, 'cache', cached), monitor: null, contextSize: 64 });
    await model.load();
    try {
      for (const r of file.operations.filter((o) => o.operation === 'generate')) {
        const prompt = PROMPTS.find((p) => p.length === r.text_length)!;
        expect(r.input_tokens).toBe(model.llamaModel.tokenize(prompt).length + 1); // + BOS
        expect(r.output_tokens).toBe(MAX_TOKENS);
        // the tiny preset is written as f32: the server README's "peak memory by quantization" query reads this
        expect(r.metadata).toMatchObject({ engine_sampled_tokens: MAX_TOKENS, quantization: 'f32' });
        expect(r.time_to_first_token_seconds!).toBeGreaterThan(0);
        expect(r.time_to_first_token_seconds!).toBeLessThan(r.duration_seconds);
      }
    } finally {
      await model.dispose();
    }
  });

  it('--compare-last compares with the previous run of the same config', async () => {
    const second = await bench('--compare-last');
    expect(second.code).toBe(0);
    expect(second.stdout).toContain(`compared with the previous run of this config (${file.run.id})`);
    // One row per metric family: the mean before and now, the change, the test's verdict.
    expect(second.stdout).toMatch(
      /^tiny-f32\s+duration mean s\s+[\d.]+\s+[\d.]+\s+[-+−][\d.]+%\s+(slower|faster|no significant change) \(p = /m,
    );
    expect(second.stdout).toMatch(/^\s+TTFT mean s\s+[\d.]+/m);
    expect((await storedCounts()).runs).toBe(2);
  });

  it('--serve-openai benches the model through the OpenAI client over a real socket', async () => {
    const served = await bench('--serve-openai', '--repetitions', '1');
    expect(served.code).toBe(0);
    const f = await loadMetrics(metricsFileOf(served)!);
    const http = f.operations.filter((r) => r.model_name === 'tiny-f32@openai' && r.operation === 'generate');
    expect(http).toHaveLength(PROMPTS.length);
    for (const r of http) {
      expect(r.net_requests).toBe(1);
      expect(r.net_bytes_sent!).toBeGreaterThan(r.text_length); // the prompt is in the request body
      expect(r.net_bytes_received!).toBeGreaterThan(0);
      expect(r.output_tokens).toBe(MAX_TOKENS); // from the server's usage
    }
    // The in-process model made no requests.
    expect(f.operations.filter((r) => r.model_name === 'tiny-f32').every((r) => !r.net_requests)).toBe(true);
    // The served model's server is the child process on loopback: attached by its port, its
    // llama.cpp work counted on its side, and only while that model ran.
    const [attached] = f.run.attached!;
    expect(attached).toMatchObject({ by: 'port', role: 'server', source: 'adapter:openai', reason: null });
    for (const r of http) {
      const [server] = r.processes!;
      expect(server).toMatchObject({ pid: attached!.pid, status: 'ok' });
      expect(server!.cpu_time_seconds!).toBeGreaterThan(0);
      expect(server!.threads!.length).toBeGreaterThan(0);
      expect(r.server_cpu_time_seconds).toBe(server!.cpu_time_seconds);
      expect(r.server_peak_memory_mb!).toBeGreaterThan(0);
    }
    expect(f.operations.filter((r) => r.model_name === 'tiny-f32').every((r) => r.processes === null)).toBe(
      true,
    );
    expect(served.stdout).toMatch(/server CPU mean %\s+server RSS mean MB$/m);
    expect(served.stdout).toMatch(/^tiny-f32\s.*—\s+—$/m);
  });

  it('--attach measures a named process in every operation; a bad one is one line, nothing run', async () => {
    const bad = await bench('--attach', ':x');
    expect(bad.code).not.toBe(0);
    expect(bad.stderr.trim().split('\n')).toEqual([
      'llmmon: --attach: attach port must be an integer between 1 and 65535, got "x"',
    ]);
    const idle = spawn('sleep', ['600'], { stdio: 'ignore' });
    try {
      const r = await bench('--attach', `${idle.pid}@idle`, '--repetitions', '1');
      expect(r.code).toBe(0);
      const f = await loadMetrics(metricsFileOf(r)!);
      expect(f.run.attached).toEqual([
        expect.objectContaining({ pid: idle.pid, name: 'sleep', role: 'idle', source: 'option' }),
      ]);
      for (const op of f.operations) {
        expect(op.processes).toEqual([
          expect.objectContaining({ pid: idle.pid, role: 'idle', status: 'ok' }),
        ]);
        expect(op.processes![0]!.cpu_time_seconds!).toBeLessThan(0.05); // it sleeps
        expect(op.server_cpu_time_seconds).toBeNull(); // role idle: not a server
      }
    } finally {
      idle.kill();
    }
  });

  it('stores through a running llmmon serve that holds the DuckDB file', async () => {
    const held = path.join(dir, 'served.duckdb');
    const serve = spawn(process.execPath, [CLI, 'serve', '--db', held, '--port', '0'], {
      cwd: dir,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    try {
      const url = await new Promise<string>((resolve, reject) => {
        let text = '';
        serve.stdout.setEncoding('utf8').on('data', (d: string) => {
          text += d;
          const m = / at (http:\/\/\S+) /.exec(text);
          if (m) resolve(m[1]!);
        });
        serve.once('exit', (code) => reject(new Error(`llmmon serve exited (${code})`)));
      });
      const benchTo = (db: string, env: NodeJS.ProcessEnv = {}) =>
        llmmon(
          ['bench', '--config', 'bench.json', '--out', out, '--db', db, '--repetitions', '1'],
          120_000,
          env,
        );
      const r = await benchTo(held);
      expect(r.code).toBe(0);
      expect(r.stderr).toContain(`is held by llmmon serve at ${url}: storing the run through it`);
      const runId = /^stored: +run (\S+) in the server at /m.exec(r.stdout)![1]!;
      const res = await fetch(`${url}/api/runs/${encodeURIComponent(runId)}/operations`);
      expect(res.status).toBe(200);
      const body = (await res.json()) as { operations: unknown[] };
      const file = await loadMetrics(metricsFileOf(r)!);
      expect(body.operations).toHaveLength(file.operations.length);

      // With the monitor's LLMMON_SERVER_URL, the bench is sent live: the server has the run
      // while the bench still runs, and stores it whole at the end (stored equals sent).
      const fewestSeen = new Map<string, number>(); // run id → fewest operations a poll saw
      let running = true;
      const watch = (async () => {
        while (running) {
          const list = (await (await fetch(`${url}/api/runs?limit=50`)).json()) as {
            runs: { id: string; operations: number }[];
          };
          for (const run of list.runs)
            fewestSeen.set(run.id, Math.min(run.operations, fewestSeen.get(run.id) ?? Infinity));
          await new Promise((done) => setTimeout(done, 50));
        }
      })();
      const live = await benchTo(path.join(dir, 'unused.duckdb'), { LLMMON_SERVER_URL: url });
      running = false;
      await watch;
      expect(live.code).toBe(0);
      const liveId = /^stored: +run (\S+) in the server at /m.exec(live.stdout)![1]!;
      expect(live.stderr).toContain(`live view: ${url}/#/live?run=${liveId}`);
      const liveFile = await loadMetrics(metricsFileOf(live)!);
      expect(fewestSeen.get(liveId)).toBeLessThan(liveFile.operations.length); // seen part-way
      const stored = (await (
        await fetch(`${url}/api/runs/${encodeURIComponent(liveId)}/operations`)
      ).json()) as {
        operations: { seq: number }[];
      };
      expect(stored.operations.map((o) => o.seq).sort((a, b) => a - b)).toEqual(
        liveFile.operations.map((o) => o.seq),
      );
      expect(existsSync(path.join(dir, 'unused.duckdb'))).toBe(false);
    } finally {
      serve.kill('SIGTERM');
      await new Promise((resolve) => serve.once('close', resolve));
    }
  });

  it('a bad config is one line on stderr, a non-zero exit, and nothing stored', async () => {
    const before = await storedCounts();
    await writeFile(path.join(dir, 'bad.json'), JSON.stringify({ repetitions: 0 }));
    const r = await llmmon(['bench', '--config', 'bad.json', '--out', out, '--db', db]);
    expect(r.code).not.toBe(0);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/bad\.json: repetitions: /);
    expect(await storedCounts()).toEqual(before);
  });

  it('a missing model file is one line naming it, and nothing stored or written', async () => {
    const before = await storedCounts();
    const files = await readdir(out);
    const r = await llmmon(['bench', '--model', 'missing.gguf', '--out', out, '--db', db]);
    expect(r.code).not.toBe(0);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toContain(`model file not found: ${path.join(dir, 'missing.gguf')}`);
    expect(await storedCounts()).toEqual(before);
    expect(await readdir(out)).toEqual(files);
  });
});
