import { createServer } from 'node:net';
import { describe, expect, it } from 'vitest';
import { ENDPOINT_KINDS, loadClient } from './client.js';

/** A loopback port nobody listens on (taken, then freed). */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

describe('loadClient', () => {
  for (const kind of ENDPOINT_KINDS) {
    it(`${kind}: a refused connection is a "connection" error, not a crash`, async () => {
      const port = await closedPort();
      const client = await loadClient({
        kind,
        baseURL: kind === 'ollama' ? `http://127.0.0.1:${port}` : `http://127.0.0.1:${port}/v1`,
        model: 'm',
        timeoutMs: 5000,
        temperature: 0,
        fixedOutput: false,
      });
      const sent = await client.send({ text: 'hi', maxTokens: 4 });
      expect(sent.error?.kind, sent.error?.message).toBe('connection');
      expect([sent.chunkTimes, sent.outputTokens, sent.tokensFrom]).toEqual([[], null, null]);
    });
  }
});
