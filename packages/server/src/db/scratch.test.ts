import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tempDir } from '@llmmon/testkit';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openDatabase, removeOrphanScratch } from './database.js';

let tmp: ReturnType<typeof tempDir>;
beforeEach(() => {
  tmp = tempDir();
});
afterEach(() => tmp.remove());

describe('scratch folders left by killed processes', () => {
  it('removes those whose process is gone, keeps live ones and ones without a pid', () => {
    // A process that has exited: its pid names nobody now.
    const dead = spawnSync(process.execPath, ['-e', '0']).pid!;
    const live = spawn('sleep', ['30']);
    try {
      const folder = (name: string) => {
        const dir = join(tmp.dir, name);
        mkdirSync(dir);
        writeFileSync(join(dir, 'copy.json'), '[]');
        return dir;
      };
      const orphan = folder(`llmmon-db-${dead}-a1b2c3`);
      const alive = folder(`llmmon-db-${live.pid}-d4e5f6`);
      const mine = folder(`llmmon-db-${process.pid}-g7h8i9`);
      const old = folder('llmmon-db-j0k1l2');
      expect(removeOrphanScratch(tmp.dir)).toEqual([orphan]);
      expect(existsSync(orphan)).toBe(false);
      for (const dir of [alive, mine, old]) expect(existsSync(dir)).toBe(true);
    } finally {
      live.kill();
    }
  });

  it('names its own folder after its pid, so a later process can tell', async () => {
    const db = await openDatabase(join(tmp.dir, 'x.duckdb'));
    try {
      expect(db.scratchDir).toMatch(new RegExp(`/llmmon-db-${process.pid}-[^/]+$`));
    } finally {
      db.close();
    }
  });
});
