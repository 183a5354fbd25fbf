/**
 * Child processes run plain `node`, so they import core's built `dist/`. `pnpm test` builds
 * first; when a test file runs alone, this rebuilds dist if any source file is newer.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const packageDir = fileURLToPath(new URL('../..', import.meta.url));
const distIndex = path.join(packageDir, 'dist', 'index.js');

function newestSource(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) newest = Math.max(newest, newestSource(full));
    else if (entry.name.endsWith('.ts') && !entry.name.endsWith('.test.ts'))
      newest = Math.max(newest, statSync(full).mtimeMs);
  }
  return newest;
}

/** The URL of core's built entry point, built now if missing or older than the sources. */
export function coreDistUrl(): string {
  const stale =
    !existsSync(distIndex) || statSync(distIndex).mtimeMs < newestSource(path.join(packageDir, 'src'));
  if (stale) {
    const tsc = createRequire(path.join(packageDir, 'package.json')).resolve('typescript/bin/tsc');
    try {
      execFileSync(process.execPath, [tsc, '-p', 'tsconfig.build.json'], { cwd: packageDir, stdio: 'pipe' });
    } catch (error) {
      // Type errors still emit JavaScript; only a missing entry point is fatal here.
      if (!existsSync(distIndex)) throw error;
    }
  }
  return pathToFileURL(distIndex).href;
}
