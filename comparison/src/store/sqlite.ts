/**
 * The better-sqlite3 comparator: the same tables as llmmon's DuckDB store (columns and types
 * from the server's table definitions, which come from core's schema; `runs` keyed by id,
 * `operations` without an index, as in DuckDB), the settings a SQLite user picks for speed
 * (WAL, synchronous=NORMAL), inserts through one prepared statement in one transaction per run.
 *
 * better-sqlite3 has no prebuilt binary reachable here and its install script is off in the
 * workspace (pnpm-workspace.yaml): `loadSqlite()` compiles it on first use with node-gyp against
 * this Node's own headers (1.5–4 minutes, once).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, realpathSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import type { FieldSpec } from '@llmmon/core/schema';
import { OPERATIONS, TABLES, type Table } from '@llmmon/server';
import type BetterSqlite3 from 'better-sqlite3';

import { SQLITE_P95_OFFSET_GROUP } from './queries.js';

export { SQLITE_P95_WINDOW } from './queries.js';

const require = createRequire(import.meta.url);
type Database = BetterSqlite3.Database;

/** node-gyp as shipped with npm beside this Node (npm's `node-gyp`), or pnpm's. */
function nodeGypScript(): string {
  const prefix = path.dirname(path.dirname(process.execPath));
  const candidates = [
    path.join(prefix, 'lib', 'node_modules', 'npm', 'node_modules', 'node-gyp', 'bin', 'node-gyp.js'),
    path.join(
      prefix,
      'lib',
      'node_modules',
      'pnpm',
      'dist',
      'node_modules',
      'node-gyp',
      'bin',
      'node-gyp.js',
    ),
  ];
  const found = candidates.find(existsSync);
  if (!found)
    throw new Error(
      `comparison: node-gyp not found (looked in ${candidates.join(', ')}) to build better-sqlite3`,
    );
  return found;
}

/** Loads better-sqlite3, compiling its addon first when it was never built. */
export function loadSqlite(): typeof BetterSqlite3 {
  const dir = path.dirname(realpathSync(require.resolve('better-sqlite3/package.json')));
  if (!existsSync(path.join(dir, 'build', 'Release', 'better_sqlite3.node'))) {
    const nodedir = path.dirname(path.dirname(process.execPath));
    if (!existsSync(path.join(nodedir, 'include', 'node', 'node_api.h'))) {
      throw new Error(
        `comparison: better-sqlite3 is not built and this Node has no headers in ${nodedir}/include/node ` +
          '(node-gyp would download them, which this machine cannot): install Node from the official tarball',
      );
    }
    console.log('comparison: compiling better-sqlite3 (once; 1.5-4 minutes)');
    const r = spawnSync(process.execPath, [nodeGypScript(), 'rebuild', '--release', `--nodedir=${nodedir}`], {
      cwd: dir,
      stdio: ['ignore', 'ignore', 'inherit'],
    });
    if (r.status !== 0)
      throw new Error(`comparison: building better-sqlite3 failed (node-gyp exit ${r.status})`);
  }
  return require('better-sqlite3') as typeof BetterSqlite3;
}

/** SQLite storage class of a field: integers and booleans INTEGER, floats REAL, the rest TEXT. */
export function sqliteType(spec: FieldSpec): 'INTEGER' | 'REAL' | 'TEXT' {
  if (spec.type === 'integer' || spec.type === 'boolean') return 'INTEGER';
  if (spec.type === 'float') return 'REAL';
  return 'TEXT';
}

const ident = (name: string) => `"${name.replaceAll('"', '""')}"`;

export function createTableSql(table: Table): string {
  const cols = table.columns.map(
    (c) => `${ident(c.name)} ${sqliteType(c.spec)}${c.notNull ? ' NOT NULL' : ''}`,
  );
  if (table.name === 'runs') cols.push(`PRIMARY KEY (${table.key.map(ident).join(', ')})`);
  return `CREATE TABLE ${ident(table.name)} (${cols.join(', ')})`;
}

/** Opens a new SQLite file with llmmon's tables. */
export function openSqlite(file: string): Database {
  const Sqlite = loadSqlite();
  const db = new Sqlite(file);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  for (const table of TABLES) db.exec(createTableSql(table));
  return db;
}

/** A value as SQLite stores it: booleans 0/1, structured values as JSON text. */
function sqliteValue(value: unknown): unknown {
  if (value === null || value === undefined) return null;
  if (typeof value === 'boolean') return value ? 1 : 0;
  if (typeof value === 'object') return JSON.stringify(value);
  return value;
}

/** Inserts a run's operations (and its run row) in one transaction. */
export function sqliteIngest(
  db: Database,
  run: { id: string; name: string | null; started_at: string },
  records: readonly Record<string, unknown>[],
): void {
  const names = OPERATIONS.columns.map((c) => c.name);
  const insert = db.prepare(
    `INSERT INTO operations (${names.map(ident).join(', ')}) VALUES (${names.map(() => '?').join(', ')})`,
  );
  const insertRun = db.prepare(
    'INSERT INTO runs (id, name, started_at, host, sampler, ingested_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)',
  );
  const values = new Array(names.length);
  db.transaction(() => {
    const at = new Date().toISOString();
    insertRun.run(run.id, run.name, run.started_at, '{}', '{}', at, at);
    for (const r of records) {
      for (let i = 0; i < names.length; i++) values[i] = sqliteValue(r[names[i]!]);
      insert.run(values);
    }
  })();
}

/**
 * Copies runs (their run row and operations) under new ids, in one transaction, one statement
 * per table (a join with the id mapping, so each source row is read once).
 */
export function sqliteCopyRuns(db: Database, copies: readonly { id: string; from: string }[]): void {
  const select = (table: Table, key: string) =>
    table.columns.map((c) => (c.name === key ? 'm.id' : `t.${ident(c.name)}`)).join(', ');
  const cols = (table: Table) => table.columns.map((c) => ident(c.name)).join(', ');
  const runs = TABLES.find((t) => t.name === 'runs')!;
  db.transaction(() => {
    db.exec('CREATE TEMP TABLE copy_map (id TEXT NOT NULL, src TEXT NOT NULL)');
    const add = db.prepare('INSERT INTO copy_map (id, src) VALUES (?, ?)');
    for (const { id, from } of copies) add.run(id, from);
    db.exec(
      `INSERT INTO runs (${cols(runs)}) SELECT ${select(runs, 'id')} FROM runs t JOIN copy_map m ON t.id = m.src`,
    );
    db.exec(
      `INSERT INTO operations (${cols(OPERATIONS)}) SELECT ${select(OPERATIONS, 'run_id')} FROM operations t JOIN copy_map m ON t.run_id = m.src`,
    );
    db.exec('DROP TABLE copy_map');
  })();
}

/**
 * The same p95 the other way a SQLite user writes it: per (run, model) group, ORDER BY
 * duration_seconds LIMIT 2 OFFSET ⌊(n−1)·0.95⌋, then interpolate in JS. Fast only with an index
 * on (run_id, model_name, duration_seconds).
 */
export function sqliteP95Offset(db: Database): { run_id: string; model_name: string; p95: number }[] {
  const groups = db
    .prepare(
      'SELECT run_id, model_name, COUNT(*) AS n FROM operations GROUP BY run_id, model_name ORDER BY 1, 2',
    )
    .all() as { run_id: string; model_name: string; n: number }[];
  const pick = db.prepare(SQLITE_P95_OFFSET_GROUP);
  return groups.map((g) => {
    const pos = (g.n - 1) * 0.95;
    const lo = Math.floor(pos);
    const rows = pick.all(g.run_id, g.model_name, lo) as { d: number }[];
    const a = rows[0]!.d;
    const b = rows[1]?.d ?? a;
    return { run_id: g.run_id, model_name: g.model_name, p95: a + (b - a) * (pos - lo) };
  });
}
