/**
 * Finds the byte range of the records array in a metrics file (`"operations": [...]`, or the
 * original monitor's bare array / `"metrics": [...]`) without parsing the records, so that a
 * file of any size can hand that range to DuckDB's JSON reader and parse only the small rest
 * (run header, samples, alerts) in JS. V8 cannot hold a JSON text over ~512 MB as one string,
 * and parsing 1 GB of records in JS costs seconds that DuckDB's reader does not.
 *
 * The header is read forward up to the array's `[`. The array's end is found from the other
 * side: members after it (samples, alerts) are skipped backward until the member whose value
 * starts at the array's `[`. A backward skip of a value longer than `backwardBudget` bytes is
 * assumed to be the records array itself; `exact: false` marks that guess, which the caller
 * verifies (DuckDB's reader refuses a range that is not exactly one JSON array) and otherwise
 * redoes with `exact: true` (a forward scan over the whole array).
 */
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';

/** Random access to bytes: a file or a buffer. */
export interface ByteSource {
  readonly size: number;
  /** Bytes [pos, pos + length) (shorter at the end). */
  read(pos: number, length: number): Buffer;
  /** Reads up to `length` bytes at `pos` into `target` at `offset`; returns how many. */
  readInto(target: Buffer, offset: number, length: number, pos: number): number;
  close(): void;
}

export function bufferSource(buffer: Buffer): ByteSource {
  return {
    size: buffer.length,
    read: (pos, length) => buffer.subarray(pos, pos + length),
    readInto: (target, offset, length, pos) =>
      buffer.copy(target, offset, pos, Math.min(pos + length, buffer.length)),
    close() {},
  };
}

export function fileSource(path: string): ByteSource {
  const fd = openSync(path, 'r');
  const size = fstatSync(fd).size;
  return {
    size,
    read(pos, length) {
      const buf = Buffer.allocUnsafe(Math.max(0, Math.min(length, size - pos)));
      let done = 0;
      while (done < buf.length) {
        const n = readSync(fd, buf, done, buf.length - done, pos + done);
        if (n === 0) break;
        done += n;
      }
      return buf.subarray(0, done);
    },
    readInto(target, offset, length, pos) {
      let done = 0;
      while (done < length) {
        const n = readSync(fd, target, offset + done, length - done, pos + done);
        if (n === 0) break;
        done += n;
      }
      return done;
    },
    close: () => closeSync(fd),
  };
}

/** Malformed JSON, with the byte offset where it was noticed. */
export class JsonSyntaxError extends Error {
  override name = 'JsonSyntaxError';
  constructor(
    message: string,
    readonly offset: number,
  ) {
    super(`${message} at byte ${offset}`);
  }
}

class BudgetExceeded extends Error {}

const BLOCK = 1 << 16;
const isWs = (c: number) => c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09;
const QUOTE = 0x22;
const BACKSLASH = 0x5c;

/** Byte cursor with a block cache, moving in either direction. */
class Cursor {
  private block: Buffer = Buffer.alloc(0);
  private blockStart = 0;
  constructor(
    private readonly src: ByteSource,
    public pos: number,
  ) {}

  at(pos: number): number {
    if (pos < 0 || pos >= this.src.size) return -1;
    if (pos < this.blockStart || pos >= this.blockStart + this.block.length) {
      // Center-ish the block on pos so that both directions hit the cache.
      this.blockStart = Math.max(0, pos - (BLOCK >> 1));
      this.block = this.src.read(this.blockStart, BLOCK);
    }
    return this.block[pos - this.blockStart]!;
  }

  get byte(): number {
    return this.at(this.pos);
  }

  /** Whether the byte at pos is `char` (a method, so that TS does not narrow `byte` across moves). */
  is(char: string): boolean {
    return this.at(this.pos) === char.charCodeAt(0);
  }

  skipWs(step: 1 | -1) {
    while (isWs(this.at(this.pos))) this.pos += step;
  }

  expect(char: string, step: 1 | -1) {
    this.skipWs(step);
    if (this.byte !== char.charCodeAt(0)) {
      throw new JsonSyntaxError(
        this.byte === -1 ? `unexpected end, expected '${char}'` : `expected '${char}'`,
        this.pos,
      );
    }
    this.pos += step;
  }

  /** Reads a string forward from its opening quote; returns its value. */
  readString(): string {
    const start = this.pos;
    this.expect('"', 1);
    for (;;) {
      const c = this.at(this.pos++);
      if (c === -1) throw new JsonSyntaxError('unterminated string', start);
      if (c === BACKSLASH) this.pos++;
      else if (c === QUOTE) break;
    }
    return JSON.parse(this.src.read(start, this.pos - start).toString('utf8')) as string;
  }

  /** Skips one value forward. */
  skipValue() {
    this.skipWs(1);
    const c = this.byte;
    if (c === QUOTE) {
      this.readString();
      return;
    }
    if (c === 0x7b || c === 0x5b) {
      let depth = 0;
      let inString = false;
      for (;;) {
        const b = this.at(this.pos++);
        if (b === -1) throw new JsonSyntaxError('unterminated object or array', this.pos - 1);
        if (inString) {
          if (b === BACKSLASH) this.pos++;
          else if (b === QUOTE) inString = false;
        } else if (b === QUOTE) inString = true;
        else if (b === 0x7b || b === 0x5b) depth++;
        else if (b === 0x7d || b === 0x5d) {
          if (--depth === 0) return;
        }
      }
    }
    const start = this.pos;
    while (/[-+.0-9a-zA-Z]/.test(String.fromCharCode(this.at(this.pos)))) this.pos++;
    if (this.pos === start) throw new JsonSyntaxError('expected a value', start);
  }

  /** Whether the quote at `pos` is escaped (an odd number of backslashes before it). */
  private escaped(pos: number): boolean {
    let n = 0;
    while (this.at(pos - 1 - n) === BACKSLASH) n++;
    return n % 2 === 1;
  }

  /** Moves back from a closing quote to before its opening quote; returns the opening quote's offset. */
  skipStringBack(): number {
    const end = this.pos;
    if (this.byte !== QUOTE) throw new JsonSyntaxError("expected '\"'", end);
    this.pos--;
    while (this.pos >= 0 && !(this.byte === QUOTE && !this.escaped(this.pos))) this.pos--;
    if (this.pos < 0) throw new JsonSyntaxError('unterminated string', end);
    return this.pos--;
  }

  /** Moves back over a string (see skipStringBack); returns its value. */
  readStringBack(): string {
    const end = this.pos;
    const start = this.skipStringBack();
    return JSON.parse(this.src.read(start, end - start + 1).toString('utf8')) as string;
  }

  /** Skips one value backward from its last byte; leaves pos before the value's first byte. */
  skipValueBack(budget: number): number {
    const end = this.pos;
    const c = this.byte;
    if (c === QUOTE) {
      this.skipStringBack();
      return this.pos + 1;
    }
    if (c === 0x7d || c === 0x5d) {
      let depth = 0;
      for (;;) {
        if (end - this.pos > budget) throw new BudgetExceeded();
        const b = this.byte;
        if (b === -1) throw new JsonSyntaxError('unbalanced brackets', end);
        if (b === QUOTE && !this.escaped(this.pos)) {
          this.skipStringBack();
          continue;
        }
        this.pos--;
        if (b === 0x7d || b === 0x5d) depth++;
        else if (b === 0x7b || b === 0x5b) {
          if (--depth === 0) return this.pos + 1;
        }
      }
    }
    while (this.pos >= 0 && /[-+.0-9a-zA-Z]/.test(String.fromCharCode(this.byte))) this.pos--;
    if (this.pos === end) throw new JsonSyntaxError('expected a value', end);
    return this.pos + 1;
  }
}

export interface RecordsLocation {
  /** Where the records array came from: a bare top-level array, or an object member. */
  kind: 'array' | 'member';
  /** The member's key (`operations` / `metrics`), null for a bare array. */
  key: string | null;
  /** Offsets of the array's `[` and `]`. */
  start: number;
  end: number;
  /** false when `end` is the backward-scan guess (see the module comment). */
  exact: boolean;
}

export interface LocateOptions {
  /** Member keys that hold the records, by preference. */
  keys?: readonly string[];
  /** Bytes a backward skip may cover before its value is taken for the records array. */
  backwardBudget?: number;
  /** Find the end by scanning the array forward (exact, slower). */
  exact?: boolean;
}

/**
 * Locates the records array. Returns null when there is none (not an array, and no such member
 * holding an array).
 * @throws JsonSyntaxError on malformed JSON in the parts it reads
 * @example
 * const src = fileSource('metrics.json');
 * const loc = locateRecords(src); // { kind: 'member', key: 'operations', start: 812, end: 993230990, exact: false }
 */
export function locateRecords(src: ByteSource, options: LocateOptions = {}): RecordsLocation | null {
  const keys = options.keys ?? ['operations', 'metrics'];
  const budget = options.backwardBudget ?? 8 << 20;
  const cur = new Cursor(src, 0);
  // A UTF-8 byte order mark is not JSON, but editors write one.
  if (cur.at(0) === 0xef && cur.at(1) === 0xbb && cur.at(2) === 0xbf) cur.pos = 3;
  cur.skipWs(1);
  if (cur.is('[')) {
    const start = cur.pos;
    const back = new Cursor(src, src.size - 1);
    back.skipWs(-1);
    if (!back.is(']')) throw new JsonSyntaxError("expected ']' at the end", back.pos);
    return { kind: 'array', key: null, start, end: back.pos, exact: true };
  }
  if (!cur.is('{')) return null;
  cur.pos++;
  // Forward over the members before the records array.
  let found: { key: string; start: number } | null = null;
  cur.skipWs(1);
  if (cur.is('}')) return null;
  for (;;) {
    cur.skipWs(1);
    const key = cur.readString();
    cur.expect(':', 1);
    cur.skipWs(1);
    if (keys.includes(key) && cur.is('[')) {
      found = { key, start: cur.pos };
      break;
    }
    cur.skipValue();
    cur.skipWs(1);
    if (cur.is(',')) {
      cur.pos++;
      continue;
    }
    if (cur.is('}')) return null;
    throw new JsonSyntaxError("expected ',' or '}'", cur.pos);
  }
  if (options.exact) {
    cur.skipValue();
    return { kind: 'member', key: found.key, start: found.start, end: cur.pos - 1, exact: true };
  }
  // Backward over the members after it.
  const back = new Cursor(src, src.size - 1);
  back.expect('}', -1);
  for (;;) {
    back.skipWs(-1);
    const valueEnd = back.pos;
    if (valueEnd <= found.start) throw new JsonSyntaxError('unbalanced brackets', found.start);
    let valueStart: number;
    try {
      valueStart = back.skipValueBack(budget);
    } catch (error) {
      if (error instanceof BudgetExceeded) {
        return { kind: 'member', key: found.key, start: found.start, end: valueEnd, exact: false };
      }
      throw error;
    }
    if (valueStart === found.start) {
      return { kind: 'member', key: found.key, start: found.start, end: valueEnd, exact: true };
    }
    back.expect(':', -1);
    back.skipWs(-1);
    back.readStringBack();
    back.skipWs(-1);
    if (!back.is(',')) throw new JsonSyntaxError("expected ','", back.pos);
    back.pos--;
  }
}

/**
 * The document without the records: everything before `start` and after `end` with `[]` in
 * between, parsed. Small for metrics files (run header, samples, alerts).
 */
export function parseRest(src: ByteSource, loc: RecordsLocation): unknown {
  const head = src.read(0, loc.start).toString('utf8');
  const tail = src.read(loc.end + 1, src.size - loc.end - 1).toString('utf8');
  return JSON.parse(`${head.replace(/^\uFEFF/, '')}[]${tail}`);
}
