import { join } from 'node:path';
import { tempDir } from '@llmmon/testkit';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Connections } from './connections.js';

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
