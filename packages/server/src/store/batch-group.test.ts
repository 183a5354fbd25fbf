import { join } from 'node:path';
import { OperationRecordSchema, RunSchema } from '@llmmon/core/schema';
import { operation, runHeader, tempDir } from '@llmmon/testkit';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ARRIVAL_WAIT_MS, type BatchGroups } from './batch-group.js';
import { Store } from './store.js';

let tmp: ReturnType<typeof tempDir>;
let store: Store;
beforeEach(async () => {
  tmp = tempDir();
  store = await Store.open(join(tmp.dir, 'group.duckdb'));
});
afterEach(async () => {
  await store.close();
  tmp.remove();
});

const stored = async (runId: string) =>
  (
    await store.query('SELECT count(*), count(DISTINCT seq) FROM operations WHERE run_id = $1', {
      maxRows: 1,
      timeoutMs: 10_000,
      params: [runId],
    })
  ).rows[0];

describe('batches that arrive together (group commit)', () => {
  it('store what each would alone, in arrival order: first wins, one creates the run', async () => {
    // Ten batches at once, each overlapping the next by five seqs; and a second run among them.
    const results = await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        store.ingest(
          {
            run: RunSchema.parse(runHeader(i === 4 ? 'other' : 'r1')),
            operations: Array.from({ length: 10 }, (_, k) =>
              OperationRecordSchema.parse(operation(i === 4 ? 'other' : 'r1', i * 5 + k)),
            ),
          },
          { live: true },
        ),
      ),
    );
    const r1 = results.filter((_, i) => i !== 4);
    expect(r1.filter((r) => r.created)).toHaveLength(1);
    expect(r1[0]!.created).toBe(true);
    // Arrival order: the first batch adds all ten, each later one the five the previous lacked.
    expect(r1.map((r) => r.operations.inserted)).toEqual([10, 5, 5, 5, 10, 5, 5, 5, 5]);
    for (const r of r1) expect(r.operations.inserted + r.operations.duplicates).toBe(10);
    expect(await stored('r1')).toEqual([55, 55]);
    expect(results[4]!.created).toBe(true);
    expect(await stored('other')).toEqual([10, 10]);
  });

  it('keep the end time that storing each batch in turn would leave', async () => {
    const at = (minute: number | null) =>
      RunSchema.parse(
        runHeader('r1', { ended_at: minute === null ? null : `2024-05-01T12:${minute}:00.000Z` }),
      );
    const batch = (i: number, minute: number | null) =>
      store.ingest(
        { run: at(minute), operations: [OperationRecordSchema.parse(operation('r1', i))] },
        { live: true },
      );
    // Stored alone in turn, these leave 12:30 (a null end time never clears a known one).
    await Promise.all([batch(0, 10), batch(1, 20), batch(2, 30), batch(3, null)]);
    expect((await store.runHeader('r1')).ended_at).toBe('2024-05-01T12:30:00.000Z');
    await Promise.all([batch(4, null), batch(5, 40), batch(6, null)]);
    expect((await store.runHeader('r1')).ended_at).toBe('2024-05-01T12:40:00.000Z');
    expect(await stored('r1')).toEqual([7, 7]);
  });

  describe('a batch announced while it is still being read', () => {
    const groups = () => (store as unknown as { writes: { groups: BatchGroups } }).writes.groups;
    const batch = (i: number) => ({
      run: RunSchema.parse(runHeader('r1')),
      operations: [OperationRecordSchema.parse(operation('r1', i))],
    });

    it('joins the transaction that a batch before it starts', async () => {
      const handedOver = store.arriving();
      const first = store.ingest(batch(0), { live: true });
      // The writer is free and starts at once; unannounced, the second would need a second commit.
      await new Promise((resolve) => setImmediate(resolve));
      const second = store.ingest(batch(1), { live: true });
      handedOver();
      await Promise.all([first, second]);
      expect(groups().transactions).toBe(1);
      expect(await stored('r1')).toEqual([2, 2]);
    });

    it('holds the writer no longer than ARRIVAL_WAIT_MS when it never comes', async () => {
      const handedOver = store.arriving();
      const t0 = performance.now();
      await store.ingest(batch(0), { live: true });
      // The commit itself takes time too: the bound is the wait plus the same batch stored again
      // (a duplicate: same statements, no new row) without any announcement.
      const waited = performance.now() - t0;
      handedOver();
      const t1 = performance.now();
      await store.ingest(batch(0), { live: true });
      const alone = performance.now() - t1;
      expect(waited).toBeLessThan(ARRIVAL_WAIT_MS + 10 * Math.max(alone, 20));
      expect(groups().transactions).toBe(2);
    });
  });
});
