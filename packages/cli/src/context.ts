/**
 * What the commands share: where the data is (a local DuckDB file, or a running server), the
 * options that say so, errors as one line, and a small client for `--server`. Registering the
 * commands loads this module, so it loads no DuckDB (that is `local-store.ts`, on use).
 */
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import type { ApiError } from '@llmmon/core/schema';
import { DEFAULT_DB_PATH } from '@llmmon/server/defaults';
import { type Command, Option } from 'commander';

/** An error whose message is the whole story: printed as one line, exit status 1. */
export class CliError extends Error {
  override name = 'CliError';
}

export interface WhereOptions {
  db?: string;
  server?: string;
}

/** `--db FILE` and `--server URL` on a command that can work on either. */
export function whereOptions(command: Command): Command {
  return command
    .addOption(
      new Option('--db <file>', 'DuckDB file to use directly').env('LLMMON_DB').default(DEFAULT_DB_PATH),
    )
    .addOption(
      new Option('--server <url>', 'go through a running llmmon server instead (uses LLMMON_TOKEN)').env(
        'LLMMON_SERVER',
      ),
    )
    .hook('preAction', (cmd) => {
      if (cmd.getOptionValueSource('db') === 'cli' && cmd.getOptionValueSource('server') === 'cli') {
        throw new CliError('give either --db or --server, not both');
      }
    });
}

/** Where `llmmon serve` notes its URL beside the DuckDB file, so others can point to it. */
export const serverNotePath = (db: string) => `${db}.server.json`;

export function writeServerNote(db: string, url: string) {
  writeFileSync(serverNotePath(db), `${JSON.stringify({ url, pid: process.pid })}\n`);
}

export function removeServerNote(db: string) {
  rmSync(serverNotePath(db), { force: true });
}

/**
 * The URL `llmmon serve` noted beside `db`, when that server is the process `pid` that holds the
 * file (`null`: any holder).
 */
export function servingUrl(db: string, pid: number | null): string | null {
  try {
    const note = JSON.parse(readFileSync(serverNotePath(db), 'utf8')) as { url?: string; pid?: number };
    return note.url && (pid === null || note.pid === pid) ? note.url : null;
  } catch {
    return null;
  }
}

/** A thin client of the HTTP API (`--server URL`). */
export class ApiClient {
  readonly base: string;
  constructor(
    url: string,
    private readonly token = process.env.LLMMON_TOKEN,
  ) {
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch {
      throw new CliError(`--server: not a URL: ${url}`);
    }
    this.base = parsed.href.replace(/\/$/, '');
  }

  async request(path: string, init: RequestInit = {}): Promise<Response> {
    const headers = new Headers(init.headers);
    if (this.token) headers.set('authorization', `Bearer ${this.token}`);
    let res: Response;
    try {
      res = await fetch(`${this.base}${path}`, { ...init, headers });
    } catch (error) {
      const cause = (error as { cause?: { code?: string } }).cause?.code ?? (error as Error).message;
      throw new CliError(`cannot reach the llmmon server at ${this.base} (${cause})`);
    }
    if (!res.ok) {
      const text = await res.text();
      let message = text.trim().split('\n')[0] ?? '';
      try {
        message = (JSON.parse(text) as ApiError).error ?? message;
      } catch {
        // not JSON: keep the text
      }
      throw new CliError(`server answered ${res.status}: ${message || res.statusText}`);
    }
    return res;
  }

  async json<T>(path: string, init?: RequestInit): Promise<T> {
    return (await (await this.request(path, init)).json()) as T;
  }

  async post<T>(path: string, body: unknown): Promise<T> {
    return this.json<T>(path, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
  }
}

/** Writes to stdout and waits until it is flushed (so that a following exit loses nothing). */
export function out(text: string): Promise<void> {
  return new Promise((resolve, reject) => {
    process.stdout.write(text, (err) => (err ? reject(err) : resolve()));
  });
}

/** Parses a whole-number option, 0 included (`--port 0`: any free port; `--warmup 0`: none). */
export function positiveInt(name: string) {
  return (value: string) => {
    const n = Number(value);
    if (!Number.isInteger(n) || n < 0) throw new CliError(`${name}: expected a whole number, got ${value}`);
    return n;
  };
}

/** Comma-separated list option (`--exclude-operations warmup,load`; empty = none). */
export const list = (value: string) =>
  value
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
