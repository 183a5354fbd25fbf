/**
 * Worker for the peak-capture scenario: makes an RSS spike on THIS thread when asked, so the
 * main thread's event loop stays free (the "not blocked" half of the spikes).
 */
import { parentPort } from 'node:worker_threads';
import { workloads } from '../lib/workloads.js';

const addon = workloads();
parentPort!.on('message', (m: { bytes: number; holdMs: number }) => {
  addon.spikeRss(m.bytes, m.holdMs);
  parentPort!.postMessage('done');
});
