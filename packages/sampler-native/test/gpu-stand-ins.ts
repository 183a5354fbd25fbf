/**
 * Scripted stand-ins for GPU and energy hardware, at the lowest boundary the backends read:
 * a shared library with NVML's ABI (built here from test/fixtures/nvml-stub/nvml_stub.c with the
 * system C compiler), and directories laid out like /proc and /sys.
 *
 * The backends read their paths from the environment when a Sampler is created
 * (LLMMON_NVML_PATH, LLMMON_PROC_ROOT, LLMMON_SYS_ROOT). Vitest runs each test file in a child
 * process, where `process.env` writes reach the C library's environment. Change them only while
 * no Sampler runs: the GPU thread reads the environment (the stub calls getenv).
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, renameSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Sampler } from '../src/index.js';

const STUB_SOURCE = fileURLToPath(new URL('./fixtures/nvml-stub/nvml_stub.c', import.meta.url));

/** A temporary directory removed by `cleanup()`. */
export function tempDir(prefix: string): { dir: string; cleanup(): void } {
  const dir = mkdtempSync(path.join(tmpdir(), prefix));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/**
 * Builds the NVML stand-in into `dir` (`defines`: OMIT_<function>, OLD_ABI) and returns its path.
 * Each variant gets its own file: the dynamic loader hands out one handle per path.
 */
export function buildNvmlStub(dir: string, defines: string[] = []): string {
  const name = `libnvidia-ml-stub${defines.map((d) => `-${d}`).join('')}.so`;
  const out = path.join(dir, name);
  const cc = process.env.CC ?? 'cc';
  execFileSync(cc, ['-shared', '-fPIC', '-O1', ...defines.map((d) => `-D${d}`), '-o', out, STUB_SOURCE], {
    stdio: 'pipe',
  });
  return out;
}

/** Writes `text` to `file` atomically (write + rename), so a reader never sees half of it. */
export function writeAtomically(file: string, text: string): void {
  const partial = `${file}.${process.pid}.partial`;
  writeFileSync(partial, text);
  renameSync(partial, file);
}

/** Polls `check` until it returns true (every 5 ms), or fails after `timeoutMs`. */
export async function until(what: string, check: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

/** Waits until the sampler's GPU loop has completed `n` more passes. */
export async function gpuPasses(sampler: Sampler, n: number): Promise<void> {
  const start = sampler.diagnostics().gpu_readings;
  await until(`${n} GPU loop passes`, () => sampler.diagnostics().gpu_readings >= start + n);
}

/** Creates `file` (and its directories) under `root` with `text`. */
export function put(root: string, file: string, text: string): void {
  const full = path.join(root, file);
  mkdirSync(path.dirname(full), { recursive: true });
  writeAtomically(full, text);
}

/** A symbolic link `link` under `root` pointing at `target` (which need not exist). */
export function link(root: string, linkPath: string, target: string): void {
  const full = path.join(root, linkPath);
  mkdirSync(path.dirname(full), { recursive: true });
  rmSync(full, { force: true });
  symlinkSync(target, full);
}
