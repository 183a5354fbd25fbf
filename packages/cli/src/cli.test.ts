/**
 * The `llmmon` command line end to end, in child processes running the built `dist/cli.js`
 * (`pnpm --filter @llmmon/cli... build` first; `pnpm test` does).
 */
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DuckDBInstance } from '@duckdb/node-api';
import { LLMMonitor } from '@llmmon/core';
import { normalizeMetrics } from '@llmmon/core/schema';
import { metricsFile, originalRecords, runHeader, tempDir } from '@llmmon/testkit';
import { parse as parseCsv } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const CLI = fileURLToPath(new URL('../dist/cli.js', import.meta.url));

interface Result {
  code: number;
  stdout: string;
  stderr: string;
}

/** The environment without LLMMON_* settings of whoever runs the tests. */
function cleanEnv(): NodeJS.ProcessEnv {
  return Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('LLMMON_')));
}

function llmmon(args: string[], env: Record<string, string> = {}): Promise<Result> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [CLI, ...args],
      { cwd: tmp.dir, env: { ...cleanEnv(), ...env }, maxBuffer: 64 << 20 },
      (error, stdout, stderr) => {
        const code = error ? ((error as { code?: number }).code ?? 1) : 0;
        resolve({ code: typeof code === 'number' ? code : 1, stdout, stderr });
      },
    );
  });
}

/** A file of `n` operations of model m, every duration shifted by `shift`. */
function writeRun(
  id: string,
  shift: number,
  started = '2024-05-01T12:00:00.000Z',
  tags: Record<string, unknown> = {},
) {
  const file = metricsFile(id, 40, (seq) => ({
    model_name: 'm',
    duration_seconds: 0.5 + shift + (seq % 10) / 200,
  }));
  file.run = runHeader(id, { started_at: started, tags: { bench: 'nightly', ...tags } });
  const path = join(tmp.dir, `${id}.json`);
  writeFileSync(path, JSON.stringify(file));
  return path;
}

let tmp: ReturnType<typeof tempDir>;

beforeAll(() => {
  if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run pnpm --filter @llmmon/cli... build first`);
  tmp = tempDir('llmmon-cli-test-');
  writeRun('base', 0, undefined, { concurrency: 1 });
  writeRun('slower', 0.1, '2024-05-02T12:00:00.000Z', { concurrency: 2 });
  writeFileSync(join(tmp.dir, 'old.json'), JSON.stringify(originalRecords(6)));
});
afterAll(() => tmp.remove());

describe('llmmon', () => {
  it.each(['serve', 'ingest', 'export', 'compare', 'query', 'runs', 'dashboard'])(
    '%s --help',
    async (cmd) => {
      const r = await llmmon([cmd, '--help']);
      expect(r.code).toBe(0);
      expect(r.stdout).toContain(`Usage: llmmon ${cmd}`);
    },
  );

  // A command loads its libraries when it runs: `llmmon bench` would count DuckDB's memory in
  // every peak RSS it reports, and `llmmon --help` would take ~0.3 s longer.
  it.runIf(process.platform === 'linux')(
    'registers the commands without loading a native addon',
    async () => {
      const index = new URL('../dist/program.js', import.meta.url).href;
      const script =
        `const { buildProgram } = await import(${JSON.stringify(index)}); buildProgram();` +
        "const { readFileSync } = await import('node:fs');" +
        "const addons = readFileSync('/proc/self/maps', 'utf8').split('\\n').filter((l) => l.endsWith('.node'));" +
        'console.log(JSON.stringify([...new Set(addons.map((l) => l.split(/\\s+/).pop()))]));';
      const addons = await new Promise<string>((resolve, reject) =>
        execFile(process.execPath, ['--input-type=module', '-e', script], (error, stdout) =>
          error ? reject(error) : resolve(stdout),
        ),
      );
      expect(JSON.parse(addons)).toEqual([]);
    },
  );

  it('says what is wrong in one line and exits non-zero', async () => {
    for (const args of [
      ['ingest', 'missing.json'],
      ['nope'],
      ['export', '--run', 'x'],
      ['query', 'DROP TABLE runs'],
    ]) {
      const r = await llmmon(args);
      expect(r.code, args.join(' ')).not.toBe(0);
      const lines = r.stderr
        .trim()
        .split('\n')
        .filter((l) => !l.startsWith('(add --help'));
      expect(lines, args.join(' ')).toHaveLength(1);
      expect(r.stderr).not.toMatch(/ {4}at /);
    }
    expect((await llmmon(['ingest', 'missing.json'])).stderr).toBe('llmmon: missing.json: no such file\n');
  });

  it('reads no database that is not there: one line, exit 1, nothing created', async () => {
    const where = ['--db', 'nowhere/missing.duckdb'];
    for (const args of [
      ['runs', ...where],
      ['compare', 'a', 'b', ...where],
      ['query', 'SELECT 1', ...where],
      ['export', '--run', 'x', '--format', 'parquet', ...where],
      ['export', '--run', 'x', '--format', 'json', '--out', 'x.json', ...where],
    ]) {
      const r = await llmmon(args);
      expect(r.code, args.join(' ')).toBe(1);
      expect(r.stderr, args.join(' ')).toBe(
        'llmmon: no database at nowhere/missing.duckdb: store a run there first with llmmon ingest FILE or llmmon bench\n',
      );
      expect(r.stdout).toBe('');
    }
    const runs = await llmmon(['runs']);
    expect(runs.stderr).toBe(
      'llmmon: no database at data/llmmon.duckdb: store a run there first with llmmon ingest FILE or llmmon bench\n',
    );
    for (const created of ['nowhere', 'data', 'x.parquet', 'x.json'])
      expect(existsSync(join(tmp.dir, created)), created).toBe(false);
  });

  it('ingests a monitor journal (the crash-recovery file), cut last line and all', async () => {
    const m = new LLMMonitor({ outputDir: join(tmp.dir, 'journal'), sampler: 'js', logAlerts: false });
    for (let i = 0; i < 3; i++) await m.trackOperation('m', 'generate', 10, () => i);
    const journal = m.journalPath!;
    await m.close();
    // A crash in the middle of a write leaves half a line.
    writeFileSync(journal, `${readFileSync(journal, 'utf8')}{"run_id":"half`);
    const r = await llmmon(['ingest', journal, '--db', 'journal.duckdb']);
    expect(r.stderr).toBe('');
    expect(r.stdout).toMatch(new RegExp(`run ${m.runId} \\(new\\): 3 operations stored`));
  });

  it('ingests, lists, compares, queries and exports a local DuckDB file', async () => {
    const db = ['--db', 'local.duckdb'];
    const ingest = await llmmon(['ingest', 'base.json', 'slower.json', 'old.json', ...db]);
    expect(ingest.stderr).toBe('');
    expect(ingest.stdout.split('\n')[0]).toBe(
      'base.json: run base (new): 40 operations stored, 5 samples, 1 alert',
    );
    const again = await llmmon(['ingest', 'base.json', ...db]);
    expect(again.stdout).toContain('0 operations stored (40 already stored)');

    const runs = JSON.parse((await llmmon(['runs', '--format', 'json', ...db])).stdout);
    // Runs are stored; --limit 0 shows none of them (not "no runs stored").
    expect((await llmmon(['runs', '--limit', '0', ...db])).stdout).toMatch(
      /\(0 of 3 runs; --limit for more\)\n$/,
    );
    expect(runs.runs.map((r: { id: string }) => r.id).sort()).toEqual(
      ['base', normalizeMetrics(originalRecords(6)).run.id, 'slower'].sort(),
    );

    const cmp = await llmmon(['compare', 'base', 'slower', ...db]);
    expect(cmp.code).toBe(0);
    expect(cmp.stdout).toMatch(/duration mean s\s+0\.5225\s+0\.6225 \(\+19%\)/);
    // What tells the runs apart comes first.
    expect(cmp.stdout).toMatch(/^What differs:\nsetting\s+base\s+slower\n[- ]+\nconcurrency\s+1\s+2\n/);
    // The verdicts come first: one per family, with the test's p-value.
    expect(cmp.stdout).toMatch(/^m\s+slower\s+slower p = [\de.-]+ !/m);
    expect((await llmmon(['compare', 'base', 'slower', '--fail-on-regression', ...db])).code).toBe(3);
    expect((await llmmon(['compare', 'base', 'nope', ...db])).stderr).toBe('llmmon: run "nope" not found\n');

    const q = await llmmon([
      'query',
      'SELECT run_id, count(*) AS n FROM operations GROUP BY 1 ORDER BY 1',
      '--format',
      'csv',
      ...db,
    ]);
    expect(parseCsv(q.stdout, { columns: true })).toContainEqual({ run_id: 'base', n: '40' });
    const refused = await llmmon(['query', 'DROP TABLE runs', ...db]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/^llmmon: sql: only SELECT queries are allowed .*\n$/);

    const csv = await llmmon(['export', '--run', 'base', '--format', 'csv', ...db]);
    const rows = parseCsv(csv.stdout, { columns: true }) as { duration_seconds: string }[];
    expect(rows.map((r) => Number(r.duration_seconds))).toEqual(
      normalizeMetrics(JSON.parse(readFileSync(join(tmp.dir, 'base.json'), 'utf8'))).operations.map(
        (o) => o.duration_seconds,
      ),
    );

    expect(
      (await llmmon(['export', '--run', 'base', '--format', 'parquet', '--out', 'base.parquet', ...db])).code,
    ).toBe(0);
    const duck = await DuckDBInstance.create(':memory:');
    const c = await duck.connect();
    const n = await c.runAndReadAll(`SELECT count(*) FROM read_parquet('${join(tmp.dir, 'base.parquet')}')`);
    expect(Number(n.getRowsJS()[0]![0])).toBe(40);
    c.closeSync();
    duck.closeSync();

    expect(
      (await llmmon(['export', '--run', 'base', '--format', 'json', '--out', 'back.json', ...db])).code,
    ).toBe(0);
    const back = await llmmon(['ingest', 'back.json', '--db', 'other.duckdb']);
    expect(back.stdout).toContain('run base (new): 40 operations stored, 5 samples, 1 alert');

    // Every run into a Parquet lake, once.
    const lake = await llmmon(['export', '--lake', 'lake', ...db]);
    expect(lake.stderr).toBe(`llmmon: 3 run(s) written to ${join(tmp.dir, 'lake')}, 0 unchanged\n`);
    expect((await llmmon(['export', '--lake', 'lake', ...db])).stderr).toMatch(
      /: 0 run\(s\) written .*, 3 unchanged\n$/,
    );
    expect((await llmmon(['export', '--lake', 'lake', '--run', 'base', ...db])).stderr).toBe(
      'llmmon: --lake writes every run: leave out --run and --format\n',
    );
    // The lake read beside another file: its runs, and the lake's as lake.* tables.
    const sql =
      'SELECT count(*)::INTEGER AS n, sum(operations)::INTEGER AS ops FROM (SELECT id, (SELECT count(*) FROM lake.operations o WHERE o.run_id = r.id) AS operations FROM lake.runs r)';
    const read = await llmmon(['query', '--lake', 'lake', '--db', 'other.duckdb', '--format', 'json', sql]);
    expect(read.stderr).toBe('');
    const source = await llmmon([
      'query',
      ...db,
      '--format',
      'json',
      'SELECT count(*)::INTEGER AS ops FROM operations',
    ]);
    expect(JSON.parse(read.stdout)).toEqual([{ n: 3, ops: JSON.parse(source.stdout)[0].ops }]);
    expect((await llmmon(['query', '--lake', 'nowhere', '--db', 'other.duckdb', 'SELECT 1'])).stderr).toBe(
      'llmmon: no lake at nowhere: write one with llmmon export --lake nowhere\n',
    );
  });

  it('writes a static dashboard and prints its file:// URL', async () => {
    const r = await llmmon(['dashboard', 'base.json']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const url = r.stdout.trim();
    expect(url).toMatch(/^file:\/\/.*base_dashboard\.html$/);
    expect(existsSync(fileURLToPath(url))).toBe(true);
  });
});

describe('llmmon serve', () => {
  let child: ChildProcess;
  let url: string;

  beforeAll(async () => {
    child = spawn(process.execPath, [CLI, 'serve', '--db', 'served.duckdb', '--port', '0'], {
      cwd: tmp.dir,
      env: cleanEnv(),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    url = await new Promise<string>((resolve, reject) => {
      let text = '';
      child.stdout!.on('data', (d) => {
        text += d;
        const m = / at (http:\/\/\S+) /.exec(text);
        if (m) resolve(m[1]!);
      });
      child.stderr!.on('data', (d) => reject(new Error(String(d))));
      child.once('exit', (code) => reject(new Error(`serve exited ${code}`)));
    });
  });
  afterAll(() => {
    if (child.exitCode === null) child.kill('SIGKILL');
  });

  it('refuses --host 0.0.0.0 without a token', async () => {
    const r = await llmmon(['serve', '--host', '0.0.0.0', '--db', 'x.duckdb']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^llmmon: --host 0\.0\.0\.0 exposes the server .*LLMMON_TOKEN/);
  });

  it('refuses a blank or short LLMMON_TOKEN', async () => {
    for (const [token, why] of [
      ['', /blank/],
      ['abc', /at least 16 characters/],
    ] as const) {
      const r = await llmmon(['serve', '--db', 'x.duckdb', '--port', '0'], { LLMMON_TOKEN: token });
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(why);
    }
  });

  it('points to --server when the file is held, and works through it', async () => {
    const held = await llmmon(['runs', '--db', 'served.duckdb']);
    expect(held.code).toBe(1);
    expect(held.stderr).toContain(`--server ${url}`);
    expect(held.stderr.trim().split('\n')).toHaveLength(1);

    expect((await llmmon(['ingest', 'base.json', 'old.json', '--server', url])).stdout).toContain(
      'run base (new)',
    );
    expect((await llmmon(['ingest', 'slower.json', '--server', url])).code).toBe(0);
    const q = await llmmon([
      'query',
      'SELECT count(*) AS n FROM operations',
      '--format',
      'json',
      '--server',
      url,
    ]);
    expect(JSON.parse(q.stdout)).toEqual([{ n: 86 }]);
    const csv = await llmmon(['export', '--run', 'base', '--format', 'csv', '--server', url]);
    expect(parseCsv(csv.stdout, { columns: true })).toHaveLength(40);
    const cmp = await llmmon(['compare', 'base', 'slower', '--server', url]);
    expect(cmp.stdout).toMatch(/slower p = [\de.-]+ !/);
    expect((await llmmon(['runs', '--server', url])).stdout).toMatch(/^run\s+name/);
  });

  it('stops cleanly on SIGTERM and releases the file', async () => {
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
    const runs = await llmmon(['runs', '--db', 'served.duckdb', '--format', 'json']);
    expect(runs.code).toBe(0);
    expect(JSON.parse(runs.stdout).total).toBe(3);
    expect(existsSync(join(tmp.dir, 'served.duckdb.server.json'))).toBe(false);
  });
});
