import { afterAll } from 'vitest';
import { LLMMonitor, type MonitorOptions } from '../../src/monitor.js';
import { tempDir } from './ground-truth.js';

/**
 * A maker of monitors for one test file: each writes to a fresh temp folder without a journal,
 * and all are closed after the file's tests.
 */
export function monitorsClosedAfterAll(): (options?: MonitorOptions) => LLMMonitor {
  const made: LLMMonitor[] = [];
  afterAll(async () => {
    for (const m of made) await m.close();
  });
  return (options = {}) => {
    const m = new LLMMonitor({ outputDir: tempDir(), journal: false, ...options });
    made.push(m);
    return m;
  };
}
