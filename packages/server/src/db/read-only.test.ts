import { execFileSync } from 'node:child_process';
import { chmodSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { MetricsFileSchema } from '@llmmon/core/schema';
import { metricsFile, tempDir } from '@llmmon/testkit';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Store } from '../store/store.js';
import { mediaProblem } from './database.js';

let tmp: ReturnType<typeof tempDir>;
beforeEach(() => {
  tmp = tempDir();
});
afterEach(() => {
  chmodSync(tmp.dir, 0o700);
  tmp.remove();
});

/** The built package (a child process runs it as another user). */
const DIST = fileURLToPath(new URL('../../dist/index.js', import.meta.url));

/** Lists the runs and counts the operations of `file` with the store, as `uid` when given. */
function readAs(file: string, uid?: number): { runs: string[]; operations: unknown } {
  const script = `
    const { Store } = await import(${JSON.stringify(DIST)});
    const store = await Store.open(${JSON.stringify(file)});
    const { runs } = await store.listRuns({ limit: 10 });
    const q = await store.query('SELECT count(*) FROM operations', { maxRows: 1, timeoutMs: 10000 });
    await store.close();
    console.log(JSON.stringify({ runs: runs.map((r) => r.id), operations: q.rows[0][0] }));`;
  const out = execFileSync(process.execPath, ['--input-type=module', '-e', script], {
    encoding: 'utf8',
    ...(uid === undefined ? {} : { uid, gid: uid }),
  });
  return JSON.parse(out);
}

describe('a DuckDB file this process may not write', () => {
  it('is opened read-only and answers reads and queries', async () => {
    const file = join(tmp.dir, 'ro.duckdb');
    const store = await Store.open(file);
    await store.ingest(MetricsFileSchema.parse(metricsFile('r1', 5)));
    await store.close();
    chmodSync(file, 0o444);
    chmodSync(tmp.dir, 0o555);
    // Root writes anyway: read as an unprivileged user then (nobody), as a user would.
    const uid = process.getuid?.() === 0 ? 65534 : undefined;
    expect(readAs(file, uid)).toEqual({ runs: ['r1'], operations: 5 });
  });

  it('names read-only media and full disks in words', () => {
    const err = (code: string) => Object.assign(new Error(`${code}: x`), { code });
    expect(mediaProblem(err('EROFS'))).toBe('the file system is read-only (EROFS)');
    expect(mediaProblem(err('ENOSPC'))).toBe('the disk is full (ENOSPC)');
    expect(mediaProblem(new Error('IO Error: No space left on device'))).toMatch(/disk is full/);
  });
});

describe('answers for a full disk or read-only file', () => {
  it('are 507 and 503 naming the cause, not a bare 500', async () => {
    const { describeError } = await import('../http/errors.js');
    const full = describeError(new Error('IO Error: Could not write file "x.wal": No space left on device'));
    expect(full).toEqual({ status: 507, message: expect.stringMatching(/disk .* is full/) });
    const ro = describeError(
      new Error(
        'Invalid Input Error: Cannot execute statement of type INSERT on database "ro" which is attached in read-only mode!',
      ),
    );
    expect(ro?.status).toBe(503);
  });
});
