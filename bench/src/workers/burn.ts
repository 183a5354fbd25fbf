/**
 * Worker for the CPU-attribution scenario: burns a known CPU time on THIS thread when asked
 * (by its own CPU clock, so the amount is known whatever the load), while the main thread's
 * event loop stays free for the JS-timer tools. Posts its kernel tid first.
 */

import { parentPort } from 'node:worker_threads';
import { threadId } from '@llmmon/sampler-native';
import { workloads } from '../lib/workloads.js';

const addon = workloads();
parentPort!.postMessage({ tid: threadId() });
parentPort!.on('message', (m: { cpuMs: number }) => {
  const seconds = addon.burnCpu(m.cpuMs);
  parentPort!.postMessage({ done: seconds });
});
