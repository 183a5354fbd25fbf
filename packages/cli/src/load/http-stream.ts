/**
 * The transport of `llmmon load`: one JSON POST per request over `node:http`/`node:https`, its
 * streamed answer read as it arrives. One keep-alive agent per protocol, with as many sockets as
 * requests may be in flight, so a run reuses its connections and never queues inside the client.
 * This is the lean path: no fetch, no WHATWG streams, no SDK objects, so the client's own CPU per
 * request stays far below what a server spends on it.
 */
import http, { type IncomingMessage } from 'node:http';
import https from 'node:https';

/** The server answered with a status other than 2xx (`message`: the status and the body's start). */
export class HttpStatusError extends Error {
  constructor(
    readonly status: number,
    body: string,
  ) {
    super(`${status} ${body}`.trim());
    this.name = 'HttpStatusError';
  }
}

/** How much of a failed response's body its error message keeps. */
const ERROR_BODY_CHARS = 500;

async function readErrorBody(response: IncomingMessage): Promise<string> {
  let text = '';
  response.setEncoding('utf8');
  for await (const part of response) {
    if (text.length < ERROR_BODY_CHARS) text += part;
  }
  return text.slice(0, ERROR_BODY_CHARS);
}

export interface Posted {
  /** Resolves with the 2xx response (its body not yet read); rejects with `HttpStatusError` else. */
  response: Promise<IncomingMessage>;
  /** Ends the request and its connection; reading the body then fails with `reason`. */
  destroy(reason: Error): void;
}

export interface Poster {
  post(url: URL, headers: Record<string, string>, body: string): Posted;
  /** Closes the kept-alive connections. */
  close(): void;
}

/**
 * A poster with `maxSockets` connections per host at most.
 * @example const poster = httpPoster(16); const { response } = poster.post(new URL('http://127.0.0.1:8000/v1/completions'), {}, '{}');
 */
export function httpPoster(maxSockets: number): Poster {
  const options = { keepAlive: true, maxSockets, maxFreeSockets: maxSockets };
  const agents = { 'http:': new http.Agent(options), 'https:': new https.Agent(options) };
  return {
    post(url, headers, body) {
      const secure = url.protocol === 'https:';
      if (!secure && url.protocol !== 'http:')
        throw new Error(`unsupported URL protocol ${url.protocol} in ${url}`);
      const request = (secure ? https : http).request(url, {
        method: 'POST',
        agent: agents[url.protocol as 'http:' | 'https:'],
        headers: {
          ...headers,
          'content-type': 'application/json',
          'content-length': Buffer.byteLength(body),
        },
      });
      const response = new Promise<IncomingMessage>((resolve, reject) => {
        request.on('error', reject);
        request.once('response', (res) => {
          const status = res.statusCode ?? 0;
          if (status >= 200 && status < 300) resolve(res);
          else readErrorBody(res).then((text) => reject(new HttpStatusError(status, text)), reject);
        });
      });
      request.end(body);
      return { response, destroy: (reason) => request.destroy(reason) };
    },
    close() {
      agents['http:'].destroy();
      agents['https:'].destroy();
    },
  };
}
