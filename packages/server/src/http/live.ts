/**
 * `GET /api/live`: server-sent events of what the store takes in. The hub listens to the store's
 * `ingest`/`delete` events and writes to every connected client (optionally one run's events).
 */
import type { LiveEventMap, LiveEventName } from '@llmmon/core/schema';
import type { Context } from 'hono';
import { type SSEStreamingApi, streamSSE } from 'hono/streaming';
import type { IngestEvent, Store } from '../store/store.js';

interface Client {
  run: string | undefined;
  stream: SSEStreamingApi;
  /** Resolves when the client should be let go (server shutdown). */
  release: () => void;
}

const PING_MS = 15_000;

export class LiveHub {
  private readonly clients = new Set<Client>();
  private readonly onIngest = (e: IngestEvent) => void this.ingested(e);
  private readonly onDelete = (e: { run_id: string }) => this.send('run_deleted', e, e.run_id);

  constructor(private readonly store: Store) {
    store.on('ingest', this.onIngest);
    store.on('delete', this.onDelete);
  }

  get size(): number {
    return this.clients.size;
  }

  private async ingested(e: IngestEvent) {
    if (this.clients.size === 0) return;
    try {
      const run = await this.store.runSummary(e.run_id);
      this.send('run', { run }, e.run_id);
    } catch {
      // The run was deleted meanwhile: nothing to announce.
    }
    if (!e.live) return;
    if (e.operations.length)
      this.send('operations', { run_id: e.run_id, operations: e.operations }, e.run_id);
    if (e.samples.length) this.send('samples', { run_id: e.run_id, samples: e.samples }, e.run_id);
    if (e.alerts.length) this.send('alerts', { run_id: e.run_id, alerts: e.alerts }, e.run_id);
  }

  send<E extends LiveEventName>(event: E, data: LiveEventMap[E], runId: string) {
    const text = JSON.stringify(data);
    for (const client of this.clients) {
      if (client.run && client.run !== runId) continue;
      client.stream.writeSSE({ event, data: text }).catch(() => client.release());
    }
  }

  /** Answers one SSE request; lives until the client goes or the hub closes. */
  handle(c: Context, run: string | undefined) {
    return streamSSE(c, async (stream) => {
      let release!: () => void;
      const released = new Promise<void>((resolve) => {
        release = resolve;
      });
      const client: Client = { run, stream, release };
      this.clients.add(client);
      stream.onAbort(() => release());
      await stream.write(': connected\n\n');
      const ping = setInterval(() => {
        stream.write(': ping\n\n').catch(() => release());
      }, PING_MS);
      try {
        await released;
      } finally {
        clearInterval(ping);
        this.clients.delete(client);
      }
    });
  }

  /** Ends every stream (shutdown) and stops listening to the store. */
  close() {
    this.store.off('ingest', this.onIngest);
    this.store.off('delete', this.onDelete);
    for (const client of this.clients) client.release();
  }
}
