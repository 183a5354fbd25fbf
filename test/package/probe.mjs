// Runs inside the installed project (pack-install.test.ts copies it there): tracks one
// operation with @llmmon/core as a user would, and reports what a test needs to check it
// against the kernel's own numbers. Linux only (/proc).
//
//   node probe.mjs <output dir>   prints one JSON line
import { readFileSync } from 'node:fs';
import { LLMMonitor } from '@llmmon/core';

/** This thread's CPU time in seconds: the scheduler's own sum (first field of schedstat, ns). */
const threadCpu = () => Number(readFileSync('/proc/thread-self/schedstat', 'utf8').split(' ')[0]) / 1e9;

const monitor = new LLMMonitor({ outputDir: process.argv[2] });
let inner = 0;
const outerStart = threadCpu();
await monitor.trackOperation('probe-model', 'burn', 1, async () => {
  // Burn until this thread has used 0.2 s of CPU, however busy the machine (10 s at most).
  const start = threadCpu();
  const deadline = Date.now() + 10_000;
  let x = 0;
  while (threadCpu() - start < 0.2 && Date.now() < deadline) {
    for (let i = 0; i < 100_000; i++) x += Math.sqrt(x + i);
  }
  inner = threadCpu() - start;
  return x;
});
const outer = threadCpu() - outerStart;
const metrics = await monitor.saveMetrics();
await monitor.close();

// Every native module this process mapped, as the kernel lists them.
const mapped = new Set();
for (const line of readFileSync('/proc/self/maps', 'utf8').split('\n')) {
  const path = line.split(/\s+/).slice(5).join(' ');
  if (path.endsWith('.node')) mapped.add(path);
}
console.log(
  JSON.stringify({
    metrics,
    pid: process.pid,
    inner_cpu_seconds: inner,
    outer_cpu_seconds: outer,
    mapped: [...mapped],
    core: import.meta.resolve('@llmmon/core'),
  }),
);
