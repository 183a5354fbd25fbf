/**
 * The bearer token: what a token must be, and which requests need it.
 *
 * - Writes (`POST`, `DELETE`, `/api/query` among them) always need it when the server has one.
 * - Reads need it too unless `publicRead`: a server bound beyond loopback answers anyone who
 *   reaches the port, and runs, exports, `/metrics` and the live stream are data.
 * - A token is at least `MIN_TOKEN_LENGTH` characters with no white space or control character
 *   (a blank or padded token could never be sent back equal, a short one can be guessed).
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { MiddlewareHandler } from 'hono';
import { ApiHttpError } from './errors.js';

/** Fewest characters of a token (`openssl rand -hex 16` gives 32). */
export const MIN_TOKEN_LENGTH = 16;

/**
 * Why `token` cannot be used, or null when it can.
 * @example tokenProblem('abc') // 'LLMMON_TOKEN: at least 16 characters (got 3); e.g. openssl rand -hex 16'
 */
export function tokenProblem(token: string): string | null {
  if (token.trim() === '') return 'LLMMON_TOKEN: blank (set a random value, e.g. openssl rand -hex 16)';
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what it refuses
  if (/[\s\u0000-\u001f\u007f]/.test(token)) return 'LLMMON_TOKEN: no white space or control characters';
  if (token.length < MIN_TOKEN_LENGTH) {
    return `LLMMON_TOKEN: at least ${MIN_TOKEN_LENGTH} characters (got ${token.length}); e.g. openssl rand -hex 16`;
  }
  return null;
}

const sha256 = (s: string) => createHash('sha256').update(s).digest();
const READS = new Set(['GET', 'HEAD', 'OPTIONS']);

/** 401 unless the request carries `token` (compared in constant time); reads pass when `publicRead`. */
export function requireToken(token: string, publicRead: boolean): MiddlewareHandler {
  const expected = sha256(token);
  return async (c, next) => {
    if (publicRead && READS.has(c.req.method)) return next();
    const header = c.req.header('authorization') ?? '';
    const given = /^Bearer\s+(.+)$/i.exec(header)?.[1]?.trim() ?? '';
    if (!given || !timingSafeEqual(sha256(given), expected)) {
      c.header('WWW-Authenticate', 'Bearer realm="llmmon"');
      throw new ApiHttpError(401, 'unauthorized: this server needs Authorization: Bearer <LLMMON_TOKEN>');
    }
    return next();
  };
}
