/**
 * Whether an adapter's endpoint is on this machine: its server is then another process here,
 * which the monitor can attach to (by the port it listens on) and measure beside the client.
 */

/** Host names that always mean this machine. */
const LOCAL_NAMES = new Set(['localhost', '0.0.0.0', '::1', '::']);

/**
 * The TCP port of `url` when its host is this machine's loopback (`localhost`, `127.0.0.0/8`,
 * `::1`, `0.0.0.0`); null for any other host or a URL that does not parse. A URL without a port
 * has its scheme's (80, 443).
 * @example
 * loopbackPort('http://127.0.0.1:11434') // 11434
 * loopbackPort('https://api.openai.com/v1') // null
 */
export function loopbackPort(url: string): number | null {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return null;
  }
  const host = parsed.hostname.replace(/^\[|\]$/g, '').toLowerCase();
  const local = LOCAL_NAMES.has(host) || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host);
  if (!local) return null;
  if (parsed.port) return Number(parsed.port);
  return parsed.protocol === 'https:' ? 443 : parsed.protocol === 'http:' ? 80 : null;
}
