import { afterAll, describe, expect, it } from 'vitest';
import { sleep, tempDir } from '../test/support/ground-truth.js';
import { currentOperation } from './context.js';
import { LLMMonitor } from './monitor.js';

const m = new LLMMonitor({ outputDir: tempDir(), journal: false, sampler: 'js' });
afterAll(() => m.close());

/** Chunks after known delays: the first after `first` ms, then one every `gap` ms. */
async function* timed<T>(chunks: T[], first: number, gap: number): AsyncGenerator<T> {
  for (let i = 0; i < chunks.length; i++) {
    await sleep(i === 0 ? first : gap);
    yield chunks[i]!;
  }
}

const last = () => m.operations.at(-1)!;
const now = () => Number(process.hrtime.bigint()) / 1e9;

describe('trackStream', () => {
  it('passes chunks through and records TTFT, ITL and tokens/s', async () => {
    // Ground truth: the delays the source sleeps (lower bounds: timers never fire early), and the
    // clock read by the source as it yields and by the consumer around the loop (under load,
    // timers fire late, and these readings say by how much).
    // The tracker starts its clock before it first pulls from the source, reads it again when it
    // passes each chunk on (after the source yields it, before the consumer gets it), and stops
    // once the source is done: these orderings bound its figures whatever the load.
    const yielded: number[] = [];
    let pulled = 0;
    async function* source() {
      pulled = now();
      for (const [i, chunk] of ['a', 'b', 'c', 'd', 'e'].entries()) {
        await sleep(i === 0 ? 120 : 40);
        yielded.push(now());
        yield chunk;
      }
    }
    const out: string[] = [];
    const seen: number[] = [];
    const t0 = now();
    for await (const c of m.trackStream('m', 'generate', 4, source())) {
      seen.push(now());
      out.push(c);
    }
    const t1 = now();
    expect(out).toEqual(['a', 'b', 'c', 'd', 'e']);
    const r = last();
    expect(r).toMatchObject({ operation: 'generate', output_tokens: 5, status: 'ok' });
    const ttft = r.time_to_first_token_seconds!;
    const decode = r.duration_seconds - ttft;
    const us = 1e-6; // two monotonic clocks read in different places
    expect(ttft).toBeGreaterThanOrEqual(0.119);
    expect(decode).toBeGreaterThanOrEqual(4 * 0.04 - 0.004);
    expect(ttft).toBeGreaterThanOrEqual(yielded[0]! - pulled - us);
    expect(ttft).toBeLessThanOrEqual(seen[0]! - t0 + us);
    expect(decode).toBeGreaterThanOrEqual(yielded[4]! - seen[0]! - us);
    expect(decode).toBeLessThanOrEqual(t1 - yielded[0]! + us);
    expect(r.inter_token_latency_seconds).toBeCloseTo(decode / 4, 9);
    expect(r.tokens_per_sec).toBeCloseTo(5 / decode, 9);
  });

  it('counts tokens with countTokens; a chunk with none is not the first token', async () => {
    const chunks = [{ n: 0 }, { n: 2 }, { n: 3 }];
    for await (const _ of m.trackStream('m', 'generate', 0, timed(chunks, 100, 50), {
      countTokens: (c) => c.n,
    })) {
      // consume
    }
    const r = last();
    expect(r.output_tokens).toBe(5);
    // the 0-token chunk came at 100 ms; the first token at 150 ms
    expect(r.time_to_first_token_seconds!).toBeGreaterThanOrEqual(0.149);
  });

  it('runs the stream body inside the operation, so exact counts from inside win', async () => {
    async function* engine() {
      const op = currentOperation();
      op?.setMetadata({ engine: 'test' });
      for (let i = 0; i < 3; i++) {
        await sleep(10);
        yield `tok${i}`;
        expect(currentOperation()).toBe(op);
      }
      op?.setTokens({ input: 11, output: 30 }); // the engine's own count (3 chunks of 10 tokens)
    }
    for await (const _ of m.trackStream('m', 'generate', 0, engine)) {
      expect(currentOperation()).toBeUndefined(); // the consumer's code is not inside it
    }
    expect(last()).toMatchObject({ input_tokens: 11, output_tokens: 30, metadata: { engine: 'test' } });
  });

  it('records an error from the source and rethrows it unchanged', async () => {
    const error = new Error('stream broke');
    async function* broken() {
      yield 'x';
      throw error;
    }
    const seen: string[] = [];
    await expect(async () => {
      for await (const c of m.trackStream('m', 'generate', 0, broken())) seen.push(c);
    }).rejects.toBe(error);
    expect(seen).toEqual(['x']);
    expect(last()).toMatchObject({ status: 'error', error: 'Error: stream broke', output_tokens: 1 });
  });

  it('closes the source when the consumer stops early, and records what was read', async () => {
    let closed = false;
    async function* endless() {
      try {
        for (let i = 0; ; i++) {
          await sleep(5);
          yield i;
        }
      } finally {
        closed = true;
      }
    }
    for await (const i of m.trackStream('m', 'generate', 0, endless())) if (i === 2) break;
    expect(closed).toBe(true);
    expect(last()).toMatchObject({ status: 'ok', output_tokens: 3 });
  });

  it('starts the operation at the first next(), not when trackStream is called', async () => {
    const stream = m.trackStream('m', 'lazy', 0, timed(['a'], 10, 0));
    await sleep(150);
    const t0 = now();
    for await (const _ of stream) {
      // consume
    }
    const t1 = now();
    expect(last().operation).toBe('lazy');
    expect(last().duration_seconds).toBeLessThanOrEqual(t1 - t0);
    expect(Date.parse(last().timestamp)).toBeGreaterThanOrEqual(Date.now() - (t1 - t0) * 1000 - 5);
  });
});
