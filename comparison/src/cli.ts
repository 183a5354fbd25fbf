#!/usr/bin/env node
/**
 * The comparison suite's command line (`pnpm --filter @llmmon/comparison comparison[:<name>]`).
 *
 *   node dist/cli.js all            every scenario, then rewrite docs/benchmarks.md and the
 *                                   README's headline table from this run
 *   node dist/cli.js peak cpu …     some scenarios: their tables and result files
 *                                   (comparison/results/); the docs stay those of the last full run
 *   node dist/cli.js report         rewrite docs/benchmarks.md and the headline from the newest full run
 *   node dist/cli.js list           the scenarios
 *
 * LLMMON_COMPARISON_QUICK=1 shrinks every scenario to a smoke run (seconds; figures meaningless).
 * LLMMON_BENCH_STARTED (epoch seconds, set by the root `pnpm bench`) lets the report give the
 * whole `pnpm bench`'s wall time.
 */
import path from 'node:path';
import { startResult, writeResult } from './lib/results.js';
import { type SuiteRun, writeReport } from './report/generate.js';
import { SECTIONS_BY_NAME } from './report/sections.js';
import { SCENARIOS } from './scenarios/index.js';

const quick = process.env.LLMMON_COMPARISON_QUICK === '1';

async function main(args: string[]): Promise<number> {
  if (args.length === 0 || args[0] === 'list') {
    console.log(`scenarios: ${SCENARIOS.map((s) => s.name).join(', ')}; or all, report`);
    return 0;
  }
  const unknown = args.filter((a) => a !== 'all' && a !== 'report' && !SCENARIOS.some((s) => s.name === a));
  if (unknown.length) {
    console.error(
      `comparison: unknown scenario ${unknown.map((u) => JSON.stringify(u)).join(', ')} (node dist/cli.js list)`,
    );
    return 2;
  }
  const all = args.includes('all');
  const chosen = SCENARIOS.filter((s) => all || args.includes(s.name));
  const suite = startResult('suite', 'pnpm --filter @llmmon/comparison comparison');
  const started = Date.now();
  let failed = 0;
  const files: Record<string, string> = {};
  for (const scenario of chosen) {
    console.log(`\n== ${scenario.title}${quick ? ' [quick: figures meaningless]' : ''}`);
    const envelope = startResult(
      scenario.name,
      `pnpm --filter @llmmon/comparison comparison:${scenario.name}`,
    );
    try {
      const result = envelope.finish(await scenario.run(quick));
      const file = writeResult(result);
      files[scenario.name] = path.basename(file);
      console.log(`\n${SECTIONS_BY_NAME[scenario.name](result.data)}\n\nresults: ${file}`);
    } catch (error) {
      failed++;
      console.error(
        `comparison: ${scenario.name} failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`,
      );
    }
  }
  if (all && !quick) {
    const since = Number(process.env.LLMMON_BENCH_STARTED);
    const run: SuiteRun = {
      suite_seconds: (Date.now() - started) / 1000,
      pnpm_bench_seconds: Number.isFinite(since) && since > 0 ? Date.now() / 1000 - since : null,
      scenarios: chosen.map((s) => s.name),
      results: files,
    };
    writeResult(suite.finish(run));
    console.log(`\nreport: ${writeReport().join(', ')}`);
  } else if (chosen.length > 0 && !quick) {
    console.log(
      '\ndocs/benchmarks.md and the README headline come from a full run: `comparison` (all) or `comparison:report`',
    );
  }
  if (args.includes('report') && chosen.length === 0) console.log(`report: ${writeReport().join(', ')}`);
  return failed ? 1 : 0;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error instanceof Error ? error.message : String(error));
    process.exit(1);
  },
);
