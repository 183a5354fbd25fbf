/**
 * The server's cost per level against a process that burns a known CPU time: a child that, on
 * cue, spins for 300 ms of its own CPU clock and reports what `process.cpuUsage()` counted.
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { watchServer } from './server-cost.js';

const BURN = `
process.stdin.once('data', () => {
  const before = process.cpuUsage();
  const t = performance.now();
  while (performance.now() - t < 300) {}
  const used = process.cpuUsage(before);
  process.stdout.write(JSON.stringify((used.user + used.system) / 1e6) + '\\n');
});
process.stdin.on('end', () => process.exit(0));
`;

describe('watchServer', () => {
  it('measures an attached process’s CPU time over a window', async () => {
    const child = spawn(process.execPath, ['-e', BURN], { stdio: ['pipe', 'pipe', 'inherit'] });
    try {
      await new Promise((resolve) => setTimeout(resolve, 300)); // node has started
      const watch = await watchServer(child.pid!);
      if ('reason' in watch) throw new Error(watch.reason);
      const window = watch.open();
      child.stdin.write('go\n');
      const [line] = (await once(child.stdout.setEncoding('utf8'), 'data')) as [string];
      const burned = Number(line);
      const cost = watch.close(window);
      watch.stop();
      expect(cost.reason).toBeNull();
      expect(cost.pid).toBe(child.pid);
      expect(cost.peakMemoryMb!).toBeGreaterThan(10);
      // Another process's CPU counts lag by up to one scheduler tick (10 ms) per thread that ran;
      // on top of the burn the child's idle threads may run a little (GC, I/O): 10 ms each too.
      const threads = readdirSync(`/proc/${child.pid}/task`).length;
      expect(cost.cpuSeconds!).toBeGreaterThan(burned - 0.01 * threads);
      expect(cost.cpuSeconds!).toBeLessThan(burned + 0.02 * threads);
    } finally {
      child.stdin.end();
      await once(child, 'exit');
    }
  });

  it('says why when the process cannot be read, never 0', async () => {
    // A pid that was a process a moment ago and is gone now.
    const gone = spawn(process.execPath, ['-e', '0']);
    await once(gone, 'exit');
    const watch = await watchServer(gone.pid!);
    if ('reason' in watch) {
      expect(watch.reason).toMatch(/^cannot attach: /);
      return;
    }
    const cost = watch.close(watch.open());
    watch.stop();
    expect(cost.cpuSeconds).toBeNull();
    expect(cost.reason).toBeTruthy();
  });
});
