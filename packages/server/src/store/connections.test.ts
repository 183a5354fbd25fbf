import { statSync } from 'node:fs';
import { join } from 'node:path';
import { tempDir } from '@llmmon/testkit';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Connections, IDLE_CHECKPOINT_MS, IDLE_CHECKPOINT_WAL_BYTES } from './connections.js';

let tmp: ReturnType<typeof tempDir>;
let connections: Connections;

beforeEach(async () => {
  tmp = tempDir();
  connections = await Connections.open(join(tmp.dir, 'test.duckdb'));
});
afterEach(async () => {
  await connections.close();
  tmp.remove();
});

const SLOW = 'SELECT count(*) FROM range(200000000)';

describe('Connections.close', () => {
  it('waits for the reads under way (closing a connection mid-query never returns)', async () => {
    const slow = connections.read(async (c) => (await c.runAndReadAll(SLOW)).getRowsJS());
    await new Promise((r) => setTimeout(r, 20));
    await connections.close();
    expect(await slow).toEqual([[200000000n]]);
    await expect(connections.read(async () => 1)).rejects.toThrow('store is closed');
    await expect(connections.exclusive(async () => 1)).rejects.toThrow('store is closed');
    await expect(connections.hold()).rejects.toThrow('store is closed');
  });

  it('waits until a held connection is released, and for the background work queued meanwhile', async () => {
    const held = await connections.hold();
    const order: string[] = [];
    const closing = connections.close().then(() => order.push('closed'));
    await new Promise((r) => setTimeout(r, 50));
    expect(order).toEqual([]);
    // Still usable while the store waits: a stream reads on, and its work may queue more.
    expect((await held.connection.runAndReadAll('SELECT 42')).getRowsJS()).toEqual([[42]]);
    connections.later(async () => {
      order.push('background');
    });
    held.release();
    held.release(); // twice is harmless
    await closing;
    expect(order).toEqual(['background', 'closed']);
  });
});

describe('Connections: idle checkpoint', () => {
  const wal = () => {
    try {
      return statSync(`${connections.path}.wal`).size;
    } catch {
      return 0;
    }
  };

  it('folds the WAL into the file once writes pause, not during them', async () => {
    await connections.exclusive((c) => c.run('CREATE TABLE t (s VARCHAR)'));
    // Small writes (a live ingest's): each one adds its rows to the WAL.
    for (let i = 0; i < 40; i++) {
      await connections.exclusive((c) =>
        c.run(`INSERT INTO t SELECT md5(range::VARCHAR || $1) || repeat('x', 400) FROM range(1000)`, [
          String(i),
        ]),
      );
    }
    const full = wal();
    expect(full).toBeGreaterThanOrEqual(IDLE_CHECKPOINT_WAL_BYTES); // DuckDB's own threshold is higher
    // The pause starts the checkpoint (polled: a loaded machine runs timers late).
    const deadline = performance.now() + 30_000;
    while (wal() >= full / 100 && performance.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    expect(wal()).toBeLessThan(full / 100);
    const n = await connections.read(async (c) =>
      (await c.runAndReadAll('SELECT count(*) FROM t')).getRowsJS(),
    );
    expect(n).toEqual([[40000n]]);
  });

  it('leaves a small WAL alone', async () => {
    await connections.exclusive((c) => c.run('CREATE TABLE t AS SELECT range AS i FROM range(10)'));
    const small = wal();
    expect(small).toBeGreaterThan(0);
    await new Promise((r) => setTimeout(r, IDLE_CHECKPOINT_MS * 4));
    expect(wal()).toBe(small);
  });
});
