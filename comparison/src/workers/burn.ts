/**
 * Worker for the CPU-attribution scenario: burns a known CPU time on THIS thread when asked
 * (by its own CPU clock, so the amount is known whatever the load), while the main thread's
 * event loop stays free for the JS-timer tools.
 *
 * Signalling goes through a shared Int32Array, not messages: after the burn the worker bumps
 * DONE and goes straight back to sleep in `Atomics.wait` (a futex), so by the time the main
 * thread reacts it is blocked and has no tail of message handling running into the window's
 * end, and the kernel's count of its CPU time (the truth) is up to date.
 */

import { parentPort, workerData } from 'node:worker_threads';
import { threadId } from '@llmmon/sampler-native';
import { workloads } from '../lib/workloads.js';
import { BURN_DONE, BURN_GO, BURN_MS, BURN_STOP } from './burn-protocol.js';

const addon = workloads();
const control = new Int32Array(workerData as SharedArrayBuffer);
parentPort!.postMessage({ tid: threadId() });
let seen = 0;
for (;;) {
  Atomics.wait(control, BURN_GO, seen);
  seen = Atomics.load(control, BURN_GO);
  if (seen === BURN_STOP) break;
  addon.burnCpu(Atomics.load(control, BURN_MS));
  Atomics.add(control, BURN_DONE, 1);
  Atomics.notify(control, BURN_DONE);
}
