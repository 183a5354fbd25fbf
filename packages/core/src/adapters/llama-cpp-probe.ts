/**
 * Loads a GGUF file in a child process first. llama.cpp aborts the whole process (SIGABRT, exit
 * 134, nothing to catch) on some malformed files — e.g. a llama model without
 * `feed_forward_length` or without byte tokens — so a file from outside is tried where an abort
 * costs only the child, and the parent gets llama.cpp's reason as one line.
 */
import { spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { readGgufPreamble } from './gguf-preamble.js';

export interface ProbeResult {
  ok: boolean;
  /** One line: why the file cannot be used (when not ok). */
  error?: string;
  /** Wall time of the probe. */
  seconds: number;
}

// Runs in the child: load, make a small context, decode one token (some checks happen only then).
// It must be a file, not \`node -e\`: node-llama-cpp forks helpers that inherit execArgv.
const CHILD = `
const [moduleUrl, file] = process.argv.slice(-2);
const { getLlama, LlamaLogLevel } = await import(moduleUrl);
const llama = await getLlama({ gpu: false, build: 'never', progressLogs: false, logLevel: LlamaLogLevel.warn,
  logger: (_level, message) => process.stderr.write(message.trim() + '\\n') });
try {
  const model = await llama.loadModel({ modelPath: file });
  const context = await model.createContext({ contextSize: 64, threads: 1 });
  for await (const _ of context.getSequence().evaluate(model.tokenize('probe'), { temperature: 0 })) break;
  process.stdout.write(JSON.stringify({ ok: true }));
} catch (error) {
  process.stdout.write(JSON.stringify({ ok: false, error: String(error?.message ?? error) }));
}
process.exit(0);
`;

/** The last informative line llama.cpp wrote before failing. */
function lastReason(stderr: string): string | undefined {
  const lines = stderr
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l && !/^(\[New LWP|#\d+ |warning: |ptrace|Could not attach|No stack)/.test(l));
  const line = lines.findLast((l) => /error|assert|fail|invalid|missing|abort/i.test(l)) ?? lines.at(-1);
  // Source paths are those of the machine that built llama.cpp: keep the file name only.
  return line?.replace(/\S*\/([^/\s]+\.(?:cpp|c|h)):/g, '$1:');
}

/**
 * Tries `file` in a child node process: load, context, one decode step.
 *
 * @example
 * const probe = await probeGgufFile('their-model.gguf');
 * if (!probe.ok) throw new Error(probe.error); // e.g. "…: llama.cpp aborted (SIGABRT): … key not found in model: llama.feed_forward_length"
 */
export async function probeGgufFile(file: string, { timeoutMs = 60_000 } = {}): Promise<ProbeResult> {
  const started = performance.now();
  const absolute = path.resolve(file);
  // Plainly broken files are caught here: node-llama-cpp's reader can spin on garbage counts.
  try {
    await readGgufPreamble(absolute);
  } catch (error) {
    const message = (error as Error).message;
    return { ok: false, error: `${absolute}: ${message}`, seconds: (performance.now() - started) / 1000 };
  }
  const moduleUrl = pathToFileURL(createRequire(import.meta.url).resolve('node-llama-cpp')).href;
  const scriptDir = await mkdtemp(path.join(tmpdir(), 'llmmon-probe-'));
  const script = path.join(scriptDir, 'probe.mjs');
  await writeFile(script, CHILD);
  // cwd: the scratch folder, so that a core dump of an aborting llama.cpp is removed with it.
  const child = spawn(process.execPath, [script, moduleUrl, absolute], {
    cwd: scriptDir,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (d: string) => {
    stdout += d;
  });
  child.stderr.setEncoding('utf8').on('data', (d: string) => {
    stderr = (stderr + d).slice(-16_384);
  });
  const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
  const [code, signal] = await new Promise<[number | null, NodeJS.Signals | null]>((resolve) =>
    child.on('close', (c, s) => resolve([c, s])),
  );
  clearTimeout(timer);
  await rm(scriptDir, { recursive: true, force: true });
  const seconds = (performance.now() - started) / 1000;
  const name = absolute;
  try {
    const result = JSON.parse(stdout) as { ok: boolean; error?: string };
    if (result.ok) return { ok: true, seconds };
    const reason = lastReason(stderr);
    const detail = reason && !result.error?.includes(reason) ? ` (llama.cpp: ${reason})` : '';
    return { ok: false, error: `${name}: llama.cpp cannot load it: ${result.error}${detail}`, seconds };
  } catch {
    // No result: the child died inside llama.cpp.
    const how = signal ? `killed by ${signal}` : `exit code ${code}`;
    const why = signal === 'SIGKILL' && seconds * 1000 >= timeoutMs ? `timed out after ${timeoutMs} ms` : how;
    const reason = lastReason(stderr);
    return {
      ok: false,
      error: `${name}: llama.cpp aborted while loading it (${why})${reason ? `: ${reason}` : ''}`,
      seconds,
    };
  }
}
