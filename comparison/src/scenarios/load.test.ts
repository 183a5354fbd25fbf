import { describe, expect, it } from 'vitest';
import { runLoad } from './load.js';

// Against the trivial server's known time to first token (10 ms): one short level of each tool.
describe('load generator scenario', () => {
  it('measures both tools against the same server, within what the server allows', async () => {
    const d = await runLoad({ levels: [2], seconds: 1, rounds: 1, ttftMs: 10, tokens: 4, seed: 1 });
    const [level] = d.levels;
    expect(level!.concurrency).toBe(2);
    expect(level!.ceiling_rps).toBe(200);
    for (const tool of [level!.llmmon, level!.autocannon]) {
      expect(tool.errors).toBe(0);
      // Never faster than concurrency ÷ TTFT (+5 % for the tools' own clocks).
      expect(tool.requests_per_second.median).toBeGreaterThan(0);
      expect(tool.requests_per_second.median!).toBeLessThanOrEqual(1.05 * level!.ceiling_rps);
      // Every request it counted, the server answered (warm-ups and in-flight ones at the end
      // are the server's extra).
      expect(tool.server_served_ratio.median!).toBeGreaterThanOrEqual(0.99);
      expect(tool.latency_p50_ms.median!).toBeGreaterThanOrEqual(10);
    }
    // The server waits its TTFT from the body's arrival; the client sees at least that. (The
    // server's percentiles also hold llmmon's warm-ups, so the two are compared to the floor.)
    expect(level!.server_ttft_p50_ms.median!).toBeGreaterThanOrEqual(10);
    expect(level!.llmmon.ttft_p50_ms.median!).toBeGreaterThanOrEqual(10);
    expect(Number.isFinite(level!.llmmon.ttft_added_p50_ms.median)).toBe(true);
    // ~20 s alone; start-ups of three processes and two tool runs on a loaded 2-core machine.
  }, 900_000);
});
