import type { NativeSampler } from './binding.js';

/**
 * Running samplers of this JS environment (main thread or worker), stopped when it exits, and
 * when their `Sampler` is garbage-collected.
 *
 * Why: `process.exit()` skips Node-API cleanup hooks, so without this a sampling thread would
 * still run while the process tears down. The native side stops its threads itself on env
 * teardown (worker termination) and in finalizers; this covers the exit path it cannot see.
 * Holding running native samplers here keeps them from being collected mid-measurement, so the
 * native finalizer cannot run for them: the `Sampler` that owns one is watched instead (a
 * `FinalizationRegistry`), and once nobody can reach it its thread is stopped. Without that, a
 * Sampler dropped without `stop()` sampled forever (a thousand of them starved the process).
 */
const running = new Set<NativeSampler>();
let hooked = false;

function stopAll(): void {
  for (const sampler of running) sampler.stop();
  running.clear();
}

const dropped = new FinalizationRegistry<NativeSampler>((sampler) => {
  sampler.stop();
  running.delete(sampler);
});

/** `sampler` runs for `owner` (the JS object users hold; it must not be reachable from `sampler`). */
export function trackRunning(owner: object, sampler: NativeSampler): void {
  if (running.has(sampler)) return;
  running.add(sampler);
  dropped.register(owner, sampler, owner);
  if (!hooked) {
    hooked = true;
    process.on('exit', stopAll);
  }
}

export function untrack(owner: object, sampler: NativeSampler): void {
  running.delete(sampler);
  dropped.unregister(owner);
}
