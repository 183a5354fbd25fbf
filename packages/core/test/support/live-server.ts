/**
 * A real HTTP server with the live endpoints of `@llmmon/server` (the batch bodies validated
 * with the same schemas), storing operations by (run_id, seq) and samples by (run_id, t). It can
 * be stopped and started again on the same port.
 */
import http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { LiveOperationsBatchSchema, LiveSamplesBatchSchema } from '../../src/schema/live.js';
import type { OperationRecord } from '../../src/schema/operation.js';
import type { Sample } from '../../src/schema/sample.js';

export class LiveServer {
  operations = new Map<string, OperationRecord>();
  samples = new Map<string, Sample>();
  alerts = 0;
  /** Run ids of every batch received. */
  runs = new Set<string>();
  authorizations = new Set<string | undefined>();
  requests = 0;
  port = 0;
  #server: http.Server | null = null;
  #sockets = new Set<Socket>();

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  async start(): Promise<void> {
    const server = http.createServer((req, res) => this.#handle(req, res));
    server.on('connection', (s) => {
      this.#sockets.add(s);
      s.on('close', () => this.#sockets.delete(s));
    });
    await new Promise<void>((resolve) => server.listen(this.port, '127.0.0.1', resolve));
    this.port = (server.address() as AddressInfo).port;
    this.#server = server;
  }

  async stop(): Promise<void> {
    const server = this.#server;
    if (!server) return;
    this.#server = null;
    for (const s of this.#sockets) s.destroy();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  #handle(req: http.IncomingMessage, res: http.ServerResponse): void {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      this.requests++;
      this.authorizations.add(req.headers.authorization);
      const match = /^\/api\/runs\/([^/]+)\/(operations|samples)$/.exec(req.url ?? '');
      if (req.method !== 'POST' || !match) return this.#reply(res, 404, { error: 'not found' });
      const runId = decodeURIComponent(match[1]!);
      try {
        if (match[2] === 'operations') {
          const batch = LiveOperationsBatchSchema.parse(JSON.parse(body));
          if (batch.run.id !== runId) return this.#reply(res, 400, { error: 'run.id differs from the URL' });
          for (const op of batch.operations) this.operations.set(`${op.run_id}/${op.seq}`, op);
          this.runs.add(batch.run.id);
          this.alerts += batch.alerts.length;
        } else {
          const batch = LiveSamplesBatchSchema.parse(JSON.parse(body));
          for (const s of batch.samples) this.samples.set(`${runId}/${s.t}`, s);
          this.runs.add(batch.run.id);
        }
        this.#reply(res, 200, { ok: true });
      } catch (error) {
        this.#reply(res, 400, { error: (error as Error).message.split('\n')[0] });
      }
    });
  }

  #reply(res: http.ServerResponse, status: number, body: unknown): void {
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(JSON.stringify(body));
  }
}
