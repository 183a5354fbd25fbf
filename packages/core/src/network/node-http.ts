/**
 * node:http / node:https client requests, through Node's `http.client.*` diagnostics channels.
 * https://nodejs.org/api/diagnostics_channel.html#http
 *
 * `http.client.request.start` is published once the request has been handed to its socket in
 * full, so the bytes it sent are the socket's `bytesWritten` now minus its value at the previous
 * request on the same socket (0 on a fresh socket); bytes received are `bytesRead` from then to
 * the end of the response (its 'end', or the request's 'close'). Both count the HTTP message as
 * it crosses the socket: request line, headers, body, chunked framing. Only 'end' and 'close'
 * listeners are added: they change nothing in how the user's streams flow or fail.
 *
 * Limits: a keep-alive socket opened before llmmon subscribed has no previous mark, so the
 * bytes sent by the first request on it after that are not counted; a request queued behind an
 * agent's `maxSockets` is attributed to the context that freed its socket (Node ≥ 22.12
 * publishes `http.client.request.created` in the caller's context, and that is used when present).
 */

import diagnosticsChannel from 'node:diagnostics_channel';
import type { ClientRequest, IncomingMessage } from 'node:http';
import type { Socket } from 'node:net';
import type { Operation } from '../operation.js';
import { addBytes, addRequest, attributionTargets } from './attribution.js';

/** The socket's counters when its latest request started. */
const socketMarks = new WeakMap<Socket, { written: number; read: number }>();
/** Operations of a request, from `created` (Node ≥ 22.12). */
const createdFor = new WeakMap<ClientRequest, Operation[]>();
/** Completion of an attributed request. */
const finishers = new WeakMap<ClientRequest, () => void>();

function onCreated(message: unknown): void {
  const { request } = message as { request: ClientRequest };
  createdFor.set(request, attributionTargets());
}

function onStart(message: unknown): void {
  const { request } = message as { request: ClientRequest };
  const socket = request.socket;
  const ops = createdFor.get(request) ?? attributionTargets();
  if (!socket) {
    if (ops.length) addRequest(ops);
    return;
  }
  const previous = socketMarks.get(socket);
  const written = socket.bytesWritten;
  const read0 = socket.bytesRead;
  socketMarks.set(socket, { written, read: read0 });
  if (ops.length === 0) return;
  addRequest(ops);
  const base = previous ? previous.written : request.reusedSocket ? null : 0;
  const sent = base === null ? 0 : written - base;
  let done = false;
  const finish = () => {
    if (done) return;
    done = true;
    addBytes(ops, sent, socket.bytesRead - read0);
  };
  finishers.set(request, finish);
  request.once('close', finish);
}

function onResponse(message: unknown): void {
  const { request, response } = message as { request: ClientRequest; response: IncomingMessage };
  const finish = finishers.get(request);
  if (finish) response.once('end', finish);
}

const NODE_HTTP_SUBSCRIPTIONS: readonly [string, (message: unknown) => void][] = [
  ['http.client.request.created', onCreated],
  ['http.client.request.start', onStart],
  ['http.client.response.finish', onResponse],
];

export function subscribeNodeHttp(): () => void {
  for (const [name, fn] of NODE_HTTP_SUBSCRIPTIONS) diagnosticsChannel.subscribe(name, fn);
  return () => {
    for (const [name, fn] of NODE_HTTP_SUBSCRIPTIONS) diagnosticsChannel.unsubscribe(name, fn);
  };
}
