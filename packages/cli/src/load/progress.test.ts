/**
 * `llmmon load`'s progress bars: drawn on a terminal, absent everywhere else. Both runs are real
 * loads against the scripted server; the terminal is a stream that says it is one (what
 * cli-progress reads), the pipe a plain stream.
 */
import { Writable } from 'node:stream';
import { tempDir } from '@llmmon/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runLoadCommand } from './load.js';
import { type ScriptedServer, scriptedLoadOptions, startScriptedServer } from './scripted-server.js';

const tmp = tempDir('llmmon-load-progress-');
let server: ScriptedServer;
beforeAll(async () => {
  server = await startScriptedServer({ ttftMs: 5, itlMs: 2, inputTokens: 10 });
});
afterAll(async () => {
  await server.close();
  await tmp.remove();
});

/** A stream that keeps what is written; `tty` makes it claim to be a terminal 100 columns wide. */
function capture(tty: boolean) {
  const chunks: string[] = [];
  const stream = new Writable({
    write(chunk, _encoding, done) {
      chunks.push(String(chunk));
      done();
    },
  });
  if (tty) Object.assign(stream, { isTTY: true, columns: 100 });
  return { stream, text: () => chunks.join('') };
}

async function run(tty: boolean) {
  const stdout = capture(false);
  const stderr = capture(tty);
  await runLoadCommand(
    scriptedLoadOptions(server.baseURL, tmp.dir, {
      plan: { kind: 'list', levels: [1, 2].map((c) => ({ mode: 'concurrency' as const, concurrency: c })) },
      limits: { durationSeconds: null, requests: 6, warmup: 1 },
      stdout: stdout.stream,
      stderr: stderr.stream,
    }),
  );
  return { stdout: stdout.text(), stderr: stderr.text() };
}

describe('load progress', () => {
  it('writes no bar and no escape code when stderr is not a terminal', async () => {
    const { stdout, stderr } = await run(false);
    // Nothing but the status lines: one as each level starts and one as it ends.
    expect(stderr.split('\n').filter(Boolean)).toEqual([
      'level 1 c=1: running',
      expect.stringMatching(/^level 1 c=1: 6 ok, 0 failed, [\d.]+ req\/s$/),
      'level 2 c=2: running',
      expect.stringMatching(/^level 2 c=2: 6 ok, 0 failed, [\d.]+ req\/s$/),
    ]);
    for (const text of [stdout, stderr]) {
      expect(text).not.toContain('\x1b');
      expect(text).not.toMatch(/[█░]|requests \|/);
    }
    expect(stdout).toMatch(/^\nlevel\s+ok\s+req\/s/);
  });

  it('draws a bar per level on a terminal, counting every request of it', async () => {
    const { stdout, stderr } = await run(true);
    // 1 warm-up + 6 measured requests per level.
    expect(stderr).toMatch(/ c=1 \|[█░]+\| 7\/7 requests \| 0 errors/);
    expect(stderr).toMatch(/ c=2 \|[█░]+\| 7\/7 requests \| 0 errors/);
    expect(stderr).toContain('level 2 c=2: running');
    // The table stays on stdout, free of the bars.
    expect(stdout).not.toContain('\x1b');
  });
});
