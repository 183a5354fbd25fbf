/**
 * fetch / undici requests, through undici's diagnostics channels (Node's built-in fetch
 * publishes them too). https://undici.nodejs.org/#/docs/api/DiagnosticsChannel
 *
 * Bytes are the socket's counters between `sendHeaders` (just before this request's first byte
 * is written) and completion (`trailers`, after its last response byte is read) or error: request
 * line, headers and body as written; status line, headers and body as read (chunked framing
 * included). undici sends one request at a time per connection (pipelining 1), so the deltas
 * belong to this request alone.
 */
import diagnosticsChannel from 'node:diagnostics_channel';
import type { Socket } from 'node:net';
import type { Operation } from '../operation.js';
import { addBytes, addRequest, attributionTargets } from './attribution.js';

interface InFlight {
  ops: Operation[];
  socket?: Socket;
  written0?: number;
  read0?: number;
}

const inFlight = new WeakMap<object, InFlight>();

function onCreate(message: unknown): void {
  const { request } = message as { request: object };
  const ops = attributionTargets();
  if (ops.length === 0) return;
  addRequest(ops);
  inFlight.set(request, { ops });
}

function onSendHeaders(message: unknown): void {
  const { request, socket } = message as { request: object; socket: Socket };
  const entry = inFlight.get(request);
  if (!entry) return;
  entry.socket = socket;
  entry.written0 = socket.bytesWritten;
  entry.read0 = socket.bytesRead;
}

function onDone(message: unknown): void {
  const { request } = message as { request: object };
  const entry = inFlight.get(request);
  if (!entry) return;
  inFlight.delete(request);
  const { socket, written0, read0 } = entry;
  if (!socket || written0 === undefined || read0 === undefined) return;
  addBytes(entry.ops, socket.bytesWritten - written0, socket.bytesRead - read0);
}

const UNDICI_SUBSCRIPTIONS: readonly [string, (message: unknown) => void][] = [
  ['undici:request:create', onCreate],
  ['undici:client:sendHeaders', onSendHeaders],
  ['undici:request:trailers', onDone],
  ['undici:request:error', onDone],
];

export function subscribeUndici(): () => void {
  for (const [name, fn] of UNDICI_SUBSCRIPTIONS) diagnosticsChannel.subscribe(name, fn);
  return () => {
    for (const [name, fn] of UNDICI_SUBSCRIPTIONS) diagnosticsChannel.unsubscribe(name, fn);
  };
}
