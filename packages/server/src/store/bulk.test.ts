import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { tempDir } from '@llmmon/testkit';
import { describe, expect, it } from 'vitest';
import { bufferSource } from '../json/locate.js';
import { copyAsLines } from './bulk.js';

describe('copyAsLines', () => {
  const records = [
    { timestamp: 'a', metadata: { note: '},{"timestamp":' } },
    { timestamp: 'b', threads: [{ tid: 1 }, { tid: 2 }] },
    { timestamp: 'c' },
  ];
  const text = `{"operations":${JSON.stringify(records)}}`;
  const start = text.indexOf('[');
  const end = text.lastIndexOf(']');

  it.each([1, 2, 3, 7, 15, 16, 17, 64, 1 << 20])(
    'writes one record per line (pieces of %i bytes)',
    (step) => {
      const tmp = tempDir();
      try {
        const out = join(tmp.dir, 'lines.json');
        const lines = copyAsLines(bufferSource(Buffer.from(text)), start, end, out, step);
        expect(lines).toBe(3);
        const written = readFileSync(out, 'utf8');
        expect(written.length).toBe(end - start + 1);
        expect(
          written
            .trim()
            .split('\n')
            .map((l) => JSON.parse(l)),
        ).toEqual(records);
      } finally {
        tmp.remove();
      }
    },
  );

  it('declines an array that does not start with an object', () => {
    const tmp = tempDir();
    expect(copyAsLines(bufferSource(Buffer.from('[1,2]')), 0, 4, join(tmp.dir, 'x.json'))).toBeNull();
    tmp.remove();
  });
});
