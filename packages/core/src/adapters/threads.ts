/**
 * How many threads llama.cpp should use here. ggml's worker threads spin at a barrier after
 * every matrix product; when there are more of them than idle cores, each barrier waits for a
 * descheduled thread. node-llama-cpp's default (4 threads) on a busy 2-core VM is hundreds of
 * times slower than one thread (measured there: 603 tok/s with 1 thread, 7.6 with 2, 0.8 with 4;
 * docs/llmmon-bench.md, "Why threads: 1").
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
