/**
 * The plain JS sampler everyone writes first: `setInterval` + `process.cpuUsage()` +
 * `process.memoryUsage.rss()`. It runs on the event loop, so it sees nothing while synchronous
 * code blocks it. (`@llmmon/core`'s JS fallback sampler works this way too.)
 */
import { IntervalPoller, type Reading } from './in-process.js';

export class JsTimerPoller extends IntervalPoller {
  constructor(intervalMs: number) {
    super('js-timer', `JS setInterval @ ${intervalMs} ms`, intervalMs);
  }

  protected read(): Reading {
    const u = process.cpuUsage();
    const rss = process.memoryUsage.rss();
    return { rss_bytes: rss, cpu_seconds: (u.user + u.system) / 1e6, cpu_percent: null, threads: null };
  }
}
