/**
 * `llmmon compare` on two real load runs against the scripted server (the second one's server
 * three times slower between tokens), stored in DuckDB and compared by the built CLI
 * (`dist/cli.js`): levels are matched by label and every figure and change is the stored one.
 */
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { loadMetrics, type OperationRecord } from '@llmmon/core';
import { rec, tempDir } from '@llmmon/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LoadOutcome, runLoadCommand } from '../load/load.js';
import { scriptedLoadOptions, startScriptedServer } from '../load/scripted-server.js';
import { compareLevels, compareLevelsText, type LevelComparison } from './compare-levels.js';

const CLI = fileURLToPath(new URL('../../dist/cli.js', import.meta.url));
const tmp = tempDir('llmmon-compare-levels-');
const db = () => join(tmp.dir, 'runs.duckdb');

/** A stored load run of the levels against a server `itlMs` between tokens. */
async function loadRun(itlMs: number, concurrency: number[]): Promise<LoadOutcome> {
  const server = await startScriptedServer({ ttftMs: 20, itlMs, inputTokens: 10, slots: 4 });
  try {
    return await runLoadCommand(
      scriptedLoadOptions(server.baseURL, tmp.dir, {
        plan: {
          kind: 'list',
          levels: concurrency.map((c) => ({ mode: 'concurrency' as const, concurrency: c })),
        },
        limits: { durationSeconds: null, requests: 6, warmup: 1 },
        name: `itl ${itlMs}`,
        db: db(),
        noStore: false,
      }),
    );
  } finally {
    await server.close();
  }
}

const llmmon = (args: string[]) =>
  promisify(execFile)(process.execPath, [CLI, ...args], { cwd: tmp.dir, maxBuffer: 64 << 20 });

let fast: LoadOutcome;
let slow: LoadOutcome;
beforeAll(async () => {
  fast = await loadRun(5, [1, 2]);
  slow = await loadRun(15, [1, 2, 4]);
}, 120_000);
afterAll(() => tmp.remove());

describe('llmmon compare on load runs', () => {
  it('matches the levels by label and gives each stored figure with its change', async () => {
    const { stdout } = await llmmon(['compare', fast.runId, slow.runId, '--db', db(), '--format', 'json']);
    const levels = JSON.parse(stdout).load_levels as LevelComparison[];
    expect(levels.map((l) => [l.level, l.runs])).toEqual([
      ['c=1', [fast.runId, slow.runId]],
      ['c=2', [fast.runId, slow.runId]],
      ['c=4', [slow.runId]],
    ]);
    for (const [i, c] of levels.entries()) {
      const a = fast.levels[i]?.stats ?? null;
      const b = slow.levels[i]!.stats;
      expect(c.values.request_throughput).toEqual({
        [fast.runId]: a?.requestThroughput ?? null,
        [slow.runId]: b.requestThroughput,
      });
      expect(c.values.tpot_p99_ms![slow.runId]).toBe(b.tpot.p99! * 1000);
      if (!a) {
        expect(c.delta.tpot_p50_ms![slow.runId]).toBeNull();
        continue;
      }
      expect(c.delta.output_token_throughput![slow.runId]).toBe(
        (b.outputTokenThroughput! - a.outputTokenThroughput!) / a.outputTokenThroughput!,
      );
      // 15 ms against 5 ms between tokens: TPOT three times as long (+200%); the bound allows
      // the faster run's tokens 5 ms of delay each from a loaded machine.
      expect(c.delta.tpot_p50_ms![slow.runId]).toBeGreaterThan(15 / (5 + 5) - 1);
    }
  });

  it('prints a table per level after the per-model comparison', async () => {
    const { stdout } = await llmmon(['compare', fast.runId, slow.runId, '--db', db()]);
    const levels = stdout.slice(stdout.indexOf('Load levels, matched by level'));
    expect(levels).toMatch(new RegExp(`^level c=1\\s+${fast.runId} \\(baseline\\)\\s+${slow.runId}$`, 'm'));
    expect(levels).toMatch(/^TPOT p50 ms\s+[\d.]+\s+[\d.]+ \(\+\d+%\)$/m);
    expect(levels).toMatch(/^requests\/s\s+no such level\s+[\d.]+$/m);
  });

  it('leaves runs without levels as they were', async () => {
    const plain = [rec({ operation: 'inference' })];
    expect(
      compareLevels([
        { id: 'a', records: plain },
        { id: 'b', records: plain },
      ]),
    ).toEqual([]);
    const stored = await loadMetrics(fast.metricsFile);
    const only = compareLevels([
      { id: 'a', records: plain },
      { id: 'b', records: stored.operations as OperationRecord[] },
    ]);
    expect(only.map((l) => l.runs)).toEqual([['b'], ['b']]);
    expect(compareLevelsText(only, ['a', 'b'])).toMatch(/^requests\/s\s+no such level\s+[\d.]+$/m);
  });
});
