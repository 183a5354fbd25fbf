import type { NativeSampler } from './binding.js';

/**
 * Running samplers of this JS environment (main thread or worker), stopped when it exits.
 *
 * Why: `process.exit()` skips Node-API cleanup hooks, so without this a sampling thread would
 * still run while the process tears down. The native side stops its threads itself on env
 * teardown (worker termination) and in finalizers; this covers the exit path it cannot see.
 * Holding running samplers here also keeps them from being garbage-collected mid-measurement.
 */
const running = new Set<NativeSampler>();
let hooked = false;

function stopAll(): void {
  for (const sampler of running) sampler.stop();
  running.clear();
}

export function trackRunning(sampler: NativeSampler): void {
  running.add(sampler);
  if (!hooked) {
    hooked = true;
    process.on('exit', stopAll);
  }
}

export function untrack(sampler: NativeSampler): void {
  running.delete(sampler);
}
