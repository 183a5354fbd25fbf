import http from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sleep, tempDir } from '../../test/support/ground-truth.js';
import { type RawServer, startRawServer } from '../../test/support/raw-http-server.js';
import { LLMMonitor } from '../monitor.js';

let server: RawServer;
const m = new LLMMonitor({ outputDir: tempDir(), journal: false, sampler: 'js' });
beforeAll(async () => {
  server = await startRawServer(5000);
});
afterAll(async () => {
  await m.close();
  await server.close();
});

const byOperation = (name: string) => m.operations.find((r) => r.operation === name)!;

async function fetchText(path: string, body: string): Promise<string> {
  const res = await fetch(server.url + path, { method: 'POST', body });
  return res.text();
}

function httpRequest(path: string, body: string, agent: http.Agent): Promise<string> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      server.url + path,
      { method: 'POST', agent, headers: { 'content-length': Buffer.byteLength(body) } },
      (res) => {
        let text = '';
        res.setEncoding('latin1');
        res.on('data', (c) => (text += c));
        res.on('end', () => resolve(text));
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

describe('network attribution', () => {
  it('counts a fetch: one request, its bytes as the server saw them', async () => {
    await m.trackOperation('m', 'fetch', 0, () => fetchText('/fetch-1', 'x'.repeat(1234)));
    const r = byOperation('fetch');
    expect(r.net_requests).toBe(1);
    expect(r.net_bytes_sent).toBe(server.received.get('/fetch-1'));
    expect(r.net_bytes_received).toBe(server.responseFor('/fetch-1').length);
  });

  it('counts node:http requests on a fresh and on a reused keep-alive socket', async () => {
    const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
    await m.trackOperation('m', 'http-two', 0, async () => {
      await httpRequest('/http-1', 'a'.repeat(100), agent);
      await httpRequest('/http-2', 'b'.repeat(300), agent);
    });
    await m.trackOperation('m', 'http-reused', 0, () => httpRequest('/http-3', 'c'.repeat(50), agent));
    agent.destroy();
    const two = byOperation('http-two');
    const reused = byOperation('http-reused');
    const sent = (...paths: string[]) => paths.reduce((a, p) => a + server.received.get(p)!, 0);
    const got = (...paths: string[]) => paths.reduce((a, p) => a + server.responseFor(p).length, 0);
    expect(two).toMatchObject({ net_requests: 2, net_bytes_sent: sent('/http-1', '/http-2') });
    expect(two.net_bytes_received).toBe(got('/http-1', '/http-2'));
    expect(reused).toMatchObject({ net_requests: 1, net_bytes_sent: sent('/http-3') });
    expect(reused.net_bytes_received).toBe(got('/http-3'));
  });

  it('attributes concurrent requests to the operation that made them, and to its parents', async () => {
    const agent = new http.Agent({ keepAlive: false });
    await m.trackOperation('m', 'parent', 0, async () => {
      await Promise.all([
        m.trackOperation('m', 'child-fetch', 0, async () => {
          await sleep(10);
          return fetchText('/c-fetch', 'f'.repeat(2000));
        }),
        m.trackOperation('m', 'child-http', 0, () => httpRequest('/c-http', 'h'.repeat(10), agent)),
        m.trackOperation('m', 'child-none', 0, () => sleep(50)),
      ]);
    });
    expect(byOperation('child-fetch')).toMatchObject({
      net_requests: 1,
      net_bytes_sent: server.received.get('/c-fetch'),
      net_bytes_received: server.responseFor('/c-fetch').length,
    });
    expect(byOperation('child-http')).toMatchObject({
      net_requests: 1,
      net_bytes_sent: server.received.get('/c-http'),
      net_bytes_received: server.responseFor('/c-http').length,
    });
    expect(byOperation('child-none')).toMatchObject({
      net_requests: 0,
      net_bytes_sent: 0,
      net_bytes_received: 0,
    });
    expect(byOperation('parent')).toMatchObject({
      net_requests: 2,
      net_bytes_sent: server.received.get('/c-fetch')! + server.received.get('/c-http')!,
    });
  });

  it('does not count requests made outside any operation', async () => {
    const before = m.operations.length;
    await fetchText('/outside', 'o');
    await m.trackOperation('m', 'after-outside', 0, () => sleep(1));
    expect(m.operations.length).toBe(before + 1);
    expect(byOperation('after-outside').net_requests).toBe(0);
  });
});
