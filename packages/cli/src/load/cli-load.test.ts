/**
 * `llmmon load` end to end with a real model: the built CLI serves the generated tiny GGUF model
 * (llama.cpp in a child process), runs two short concurrency levels against it over HTTP, prints
 * the table, writes the report and stores the run, whose requests SQL groups by level.
 * Needs the built dist (`pnpm build`; `pnpm test` does).
 */
import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DuckDBInstance } from '@duckdb/node-api';
import { tempDir } from '@llmmon/testkit';
import { afterAll, describe, expect, it } from 'vitest';

const CLI = fileURLToPath(new URL('../../dist/cli.js', import.meta.url));
const tmp = tempDir('llmmon-load-cli-');
afterAll(() => tmp.remove());

function llmmon(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('LLMMON_')));
  return new Promise((resolve) => {
    execFile(process.execPath, [CLI, ...args], { cwd: tmp.dir, env }, (error, stdout, stderr) =>
      resolve({ code: error ? Number((error as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    );
  });
}

describe('llmmon load (built CLI, real llama.cpp model)', () => {
  it('loads the served tiny model at two levels and stores the run', { timeout: 120_000 }, async () => {
    if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run pnpm build first`);
    const r = await llmmon([
      'load',
      '--serve',
      'tiny',
      '-c',
      '1,2',
      '-n',
      '4',
      '--warmup',
      '1',
      '--output-tokens',
      '12',
      '--slo',
      'e2el=30s',
      '--report',
      'report.json',
      '--db',
      'l.duckdb',
    ]);
    expect(r.stderr).toMatch(/serving tiny-f32/);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^c=1 +4 /m);
    expect(r.stdout).toMatch(/^c=2 +4 /m);
    const report = JSON.parse(readFileSync(join(tmp.dir, 'report.json'), 'utf8'));
    for (const level of report.levels) {
      expect(level.stats.completed).toBe(4);
      // The local server reports usage: 12 tokens each (its generated model never stops early).
      expect(level.stats.outputTokens).toBe(48);
      expect(level.stats.goodRequests).toBe(4);
      expect(level.cost.cpuSeconds).toBeGreaterThan(0);
      // The served child, attached: llama.cpp's work is there, not in the client.
      expect(level.cost.server.reason).toBeNull();
      expect(level.cost.server.cpuSeconds).toBeGreaterThan(0);
      expect(level.cost.server.peakMemoryMb).toBeGreaterThan(10);
    }
    const duck = await DuckDBInstance.create(join(tmp.dir, 'l.duckdb'));
    const c = await duck.connect();
    const rows = (
      await c.runAndReadAll(
        "SELECT metadata->>'$.load_level_label' AS level, count(*) AS n, sum(output_tokens) AS tokens " +
          "FROM operations WHERE operation = 'request' GROUP BY 1 ORDER BY 1",
      )
    ).getRowsJS();
    c.closeSync();
    duck.closeSync();
    expect(rows.map((row) => row.map(Number).map((x, i) => (i === 0 ? row[0] : x)))).toEqual([
      ['c=1', 4, 48],
      ['c=2', 4, 48],
    ]);
  });
});
