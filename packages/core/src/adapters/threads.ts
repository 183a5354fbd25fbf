/**
 * How many threads llama.cpp should use here. ggml's worker threads spin at a barrier after
 * every matrix product; when there are more of them than idle cores, each barrier waits for a
 * descheduled thread. node-llama-cpp's default (4 threads) on a 2-core VM is 10–100× slower
 * than one thread (measured: 583 tok/s with 1 thread, 63 tok/s with 2, ~3 tok/s with 4, while
 * other work shared the machine).
 */
import { availableParallelism } from 'node:os';

/**
 * 1 on machines with up to 4 logical CPUs; otherwise half of them (hyper-threads share a core's
 * math units), at most 8.
 *
 * @example
 * defaultLlamaThreads(2); // 1
 * defaultLlamaThreads(16); // 8
 */
export function defaultLlamaThreads(cpus = availableParallelism()): number {
  if (cpus <= 4) return 1;
  return Math.min(8, Math.floor(cpus / 2));
}
