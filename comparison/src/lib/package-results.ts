/**
 * Results of the packages' own performance measurements (`pnpm perf` in each), reused instead of
 * measuring the same thing twice: `@llmmon/sampler-native` (sampler cost at 10/50/200 threads),
 * `@llmmon/core` (trackOperation overhead), `@llmmon/dashboard` (static render time and size) and
 * `@llmmon/server` (store ingest and query latency). The root `pnpm bench` runs them before this
 * suite (comparison/turbo.json: `dependsOn: ["^perf"]`), so the newest file is from the same
 * run. When a package has no result yet, its `perf` is run here.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { latestFile } from './results.js';

const require = createRequire(import.meta.url);

export interface PackageResult<T> {
  /** Package name, e.g. `@llmmon/sampler-native`. */
  pkg: string;
  /** Path of the result file, relative to the repository root. */
  file: string;
  /** When the file was written (ISO 8601). */
  written: string;
  data: T;
}

function packageDir(pkg: string): string {
  return path.dirname(require.resolve(`${pkg}/package.json`));
}

/**
 * The newest `perf/results/<prefix>*.json` of a workspace package; runs the package's `perf`
 * first when there is none (or when LLMMON_COMPARISON_RERUN_PACKAGES=1) unless `runIfMissing` is false.
 * @throws Error when the package's `perf` fails or writes nothing, or there is none to reuse
 */
export function packageResult<T>(pkg: string, prefix: string, runIfMissing = true): PackageResult<T> {
  const dir = packageDir(pkg);
  const results = path.join(dir, 'perf', 'results');
  const pattern = new RegExp(`^${prefix}.*\\.json$`);
  let file = latestFile(results, pattern);
  if (!file && !runIfMissing) throw new Error(`comparison: ${pkg} has no ${prefix}*.json in ${results} yet`);
  if (!file || process.env.LLMMON_COMPARISON_RERUN_PACKAGES === '1') {
    console.log(`comparison: running ${pkg}'s own measurement (its results are reused here)`);
    const r = spawnSync('pnpm', ['--filter', pkg, 'perf'], { stdio: 'inherit', cwd: dir });
    if (r.status !== 0) throw new Error(`comparison: \`pnpm --filter ${pkg} perf\` failed (${r.status})`);
    file = latestFile(results, pattern);
    if (!file) throw new Error(`comparison: ${pkg}'s perf wrote no ${prefix}*.json in ${results}`);
  }
  const root = path.resolve(dir, '..', '..');
  return {
    pkg,
    file: path.relative(root, file),
    written: statSync(file).mtime.toISOString(),
    data: JSON.parse(readFileSync(file, 'utf8')) as T,
  };
}
