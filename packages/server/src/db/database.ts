/**
 * Opening the DuckDB file: one instance per file per process (`DuckDBInstance.fromCache`), set up
 * once as a sandbox so that user SQL (`/api/query`) can run on it:
 *
 * - `allowed_directories` = one private scratch folder (exports and bulk ingest go through it),
 *   THEN `enable_external_access=false` (order matters: after it, the list cannot grow), no
 *   extension install/autoload, then `lock_configuration=true` so no statement can undo it.
 * - `TimeZone` = this process's zone, so naive timestamps mean local time as in `Date.parse`.
 *
 * Settings are per instance, so the server's own work runs under the same rules; it never needs
 * files outside its scratch folder.
 *
 * With a lake (`{ lake: DIR }`), DIR is allowed too and an in-memory catalog `lake` is attached
 * before the lock, for the views over its Parquet files (store/lake-source.ts). DuckDB allows a
 * folder for reading and writing alike; the store only reads there, and user SQL can write
 * nowhere (store/query.ts: one SELECT, no file functions).
 */
import {
  accessSync,
  constants,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  realpathSync,
  rmSync,
  statSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { type DuckDBConnection, DuckDBInstance } from '@duckdb/node-api';
import { DEFAULT_DB_PATH } from './default-path.js';
import { literal } from './tables.js';
import { localTimeZone } from './timestamps.js';

/** The file is held by another process (DuckDB allows one read-write process per file). */
export class DatabaseLockedError extends Error {
  override name = 'DatabaseLockedError';
  constructor(
    readonly path: string,
    readonly pid: number | null,
  ) {
    super(
      `${path} is in use by another process${pid ? ` (PID ${pid}, probably \`llmmon serve\`)` : ''}: ` +
        'stop it, or go through it with --server URL (e.g. --server http://127.0.0.1:8737)',
    );
  }
}

export interface Database {
  readonly path: string;
  readonly instance: DuckDBInstance;
  /** Private folder inside the sandbox's allowed directories; removed on close. */
  readonly scratchDir: string;
  /** Opened read-only: the file (or its folder) cannot be written by this process. */
  readonly readOnly: boolean;
  /** The lake folder the sandbox allows (absolute, real path), or null. */
  readonly lake: string | null;
  connect(): Promise<DuckDBConnection>;
  close(): void;
}

interface Shared {
  instance: DuckDBInstance;
  scratchDir: string;
  readOnly: boolean;
  lake: string | null;
  refs: number;
}

export interface OpenOptions {
  /** A lake folder (lake/layout.ts) to read beside the file; it must exist. */
  lake?: string;
}

const open = new Map<string, Promise<Shared>>();

/** Scratch folders of this process, removed at exit too (a process that never closed its store). */
const scratchDirs = new Set<string>();
let exitHook = false;
function trackScratch(dir: string) {
  scratchDirs.add(dir);
  if (exitHook) return;
  exitHook = true;
  process.once('exit', () => {
    for (const d of scratchDirs) rmSync(d, { recursive: true, force: true });
  });
}

/**
 * Opens (creating if needed) the DuckDB file at `path`. Several opens of one file in a process
 * share one instance; the last `close()` releases it (and the file lock).
 * @throws DatabaseLockedError when another process holds the file
 */
export async function openDatabase(
  path: string = DEFAULT_DB_PATH,
  options: OpenOptions = {},
): Promise<Database> {
  const abs = resolve(path);
  const lake = options.lake === undefined ? null : lakeFolder(options.lake);
  let shared = open.get(abs);
  if (!shared) {
    shared = createShared(abs, lake);
    open.set(abs, shared);
    shared.catch(() => open.delete(abs));
  }
  const s = await shared;
  if (lake !== null && s.lake !== lake) {
    throw new Error(`${abs} is already open in this process without the lake ${lake}: close it first`);
  }
  s.refs++;
  const connections = new Set<DuckDBConnection>();
  let closed = false;
  return {
    path: abs,
    instance: s.instance,
    scratchDir: s.scratchDir,
    readOnly: s.readOnly,
    lake: s.lake,
    async connect() {
      if (closed) throw new Error('database is closed');
      const c = await s.instance.connect();
      connections.add(c);
      return c;
    },
    close() {
      if (closed) return;
      closed = true;
      for (const c of connections) c.closeSync();
      connections.clear();
      if (--s.refs === 0) {
        open.delete(abs);
        s.instance.closeSync();
        rmSync(s.scratchDir, { recursive: true, force: true });
        scratchDirs.delete(s.scratchDir);
      }
    },
  };
}

/**
 * Where scratch folders go: /dev/shm (memory) on Linux when it is there and writable, because
 * bulk ingest copies up to gigabytes through it and a disk-backed /tmp costs twice the CPU;
 * else the system temp folder.
 */
export function scratchBase(): string {
  if (process.platform === 'linux') {
    try {
      accessSync('/dev/shm', constants.W_OK);
      return '/dev/shm';
    } catch {
      // not available: fall through
    }
  }
  return tmpdir();
}

const SCRATCH_PREFIX = 'llmmon-db-';

/** WAL size at which DuckDB checkpoints inside a commit (see openDatabase). */
export const CHECKPOINT_THRESHOLD = '256MB';

/** Whether this process may write `file` and create files beside it (DuckDB's write-ahead log). */
function writable(file: string): boolean {
  try {
    accessSync(file, constants.W_OK);
    accessSync(dirname(file), constants.W_OK);
    return true;
  } catch {
    return false;
  }
}

/** A file-system error in words a user acts on (read-only media, a full disk), else its message. */
export function mediaProblem(error: unknown): string {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'EROFS') return 'the file system is read-only (EROFS)';
  if (code === 'ENOSPC') return 'the disk is full (ENOSPC)';
  if (code === 'EACCES' || code === 'EPERM') return `no permission (${code})`;
  const message = error instanceof Error ? error.message : String(error);
  if (/No space left on device/i.test(message)) return 'the disk is full (No space left on device)';
  if (/Read-only file system/i.test(message)) return 'the file system is read-only';
  return message.split('\n')[0]!;
}

/** Whether process `pid` is alive (signal 0 checks without sending; EPERM: alive, not ours). */
function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Removes scratch folders (`llmmon-db-<pid>-…`) whose process is gone: one killed with SIGKILL
 * never ran its exit hook, and on /dev/shm its files (a copy of an ingested file: hundreds of MB)
 * hold memory until the machine restarts. Folders of live processes, and ones without a pid,
 * are left alone. Returns the folders removed.
 */
export function removeOrphanScratch(base = scratchBase()): string[] {
  const removed: string[] = [];
  let names: string[];
  try {
    names = readdirSync(base);
  } catch {
    return removed;
  }
  for (const name of names) {
    const pid = new RegExp(`^${SCRATCH_PREFIX}(\\d+)-`).exec(name)?.[1];
    if (!pid || Number(pid) === process.pid || alive(Number(pid))) continue;
    const dir = join(base, name);
    try {
      rmSync(dir, { recursive: true, force: true });
      removed.push(dir);
    } catch {
      // another user's folder, or gone meanwhile: not ours to clean
    }
  }
  return removed;
}

/** The real path of an existing lake folder. @throws Error naming the problem */
function lakeFolder(dir: string): string {
  let real: string;
  try {
    real = realpathSync(dir);
  } catch {
    throw new Error(`no lake at ${dir}: write one with llmmon export --lake ${dir}`);
  }
  if (!statSync(real).isDirectory()) throw new Error(`the lake ${dir} is not a folder`);
  return real;
}

async function createShared(abs: string, lake: string | null): Promise<Shared> {
  const readOnly = existsSync(abs) && !writable(abs);
  if (!readOnly) {
    try {
      mkdirSync(dirname(abs), { recursive: true });
    } catch (error) {
      throw new Error(`cannot create the folder of ${abs}: ${mediaProblem(error)}`);
    }
  }
  let instance: DuckDBInstance;
  try {
    instance = await DuckDBInstance.fromCache(abs, readOnly ? { access_mode: 'READ_ONLY' } : {});
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    if (/Conflicting lock|Could not set lock/i.test(message)) {
      const pid = /PID (\d+)/.exec(message)?.[1];
      throw new DatabaseLockedError(abs, pid ? Number(pid) : null);
    }
    throw new Error(`cannot open ${abs}: ${message.split('\n')[0]}`);
  }
  removeOrphanScratch();
  let scratchDir = mkdtempSync(join(scratchBase(), `${SCRATCH_PREFIX}${process.pid}-`));
  const c = await instance.connect();
  try {
    for (const sql of [
      `SET GLOBAL TimeZone = ${literal(localTimeZone())}`,
      `SET allowed_directories = [${[scratchDir, ...(lake ? [lake] : [])].map((d) => literal(`${d}/`)).join(', ')}]`,
      ...(lake ? ["ATTACH ':memory:' AS lake"] : []),
      // DuckDB checkpoints inside the COMMIT that takes the WAL past this size, and the commits
      // behind it wait: at its default (16 MB) a sustained live ingest stalled every ~20,000
      // operations, for 0.1-1 s each, longer as the table grew. The store checkpoints when
      // writes pause instead (Connections); this bounds the WAL under sustained writes.
      `SET checkpoint_threshold = '${CHECKPOINT_THRESHOLD}'`,
      'SET enable_external_access = false',
      'SET autoinstall_known_extensions = false',
      'SET autoload_known_extensions = false',
      'SET lock_configuration = true',
    ]) {
      await c.run(sql);
    }
  } catch (error) {
    // Already configured: DuckDB's cache still holds the instance from an earlier open in this
    // process; keep using the scratch folder it allows.
    if (!/configuration has been locked/.test(String(error))) throw error;
    if (lake) throw new Error(`${abs} was opened before in this process without the lake ${lake}`);
    rmSync(scratchDir, { recursive: true, force: true });
    const reader = await c.runAndReadAll("SELECT current_setting('allowed_directories')::VARCHAR[]");
    const dirs = (reader.getRowsJS()[0]?.[0] ?? []) as string[];
    const previous = dirs.find((d) => d.includes(SCRATCH_PREFIX));
    if (!previous) throw error;
    scratchDir = previous.replace(/\/$/, '');
    mkdirSync(scratchDir, { recursive: true });
  } finally {
    c.closeSync();
  }
  trackScratch(scratchDir);
  return { instance, scratchDir, readOnly, lake, refs: 0 };
}
