/**
 * Worker for the peak-capture scenario: makes RSS spikes on THIS thread when asked, so the
 * main thread's event loop stays free (the "not blocked" half of the spikes).
 */
import { parentPort, workerData } from 'node:worker_threads';
import { rssSpiker } from '../lib/workloads.js';

const { bytes, chunks } = workerData as { bytes: number; chunks: number };
const spiker = rssSpiker(bytes, chunks);
parentPort!.on('message', (m: { holdMs: number }) => {
  parentPort!.postMessage(spiker.spike(m.holdMs));
});
parentPort!.postMessage('ready');
