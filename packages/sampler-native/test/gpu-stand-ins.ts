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

export interface DrmDeviceFixture {
  node: string;
  pdev: string;
  driver: string;
  vendor: string;
  /** Files in the device's sysfs directory (gpu_busy_percent, mem_info_vram_used, product_name, ...). */
  files?: Record<string, string>;
  /** Files in its hwmon directory (power1_average, energy1_input, temp1_input, freq1_input). */
  hwmon?: Record<string, string>;
}

/**
 * A machine laid out like /sys and /proc for the DRM backend: render nodes whose `device` links
 * to a PCI device directory (driver link, vendor id, sysfs and hwmon files), and per process
 * fds linking to /dev/dri nodes with their fdinfo text.
 */
export class DrmMachine {
  readonly sys: string;
  readonly proc: string;

  constructor(root: string) {
    this.sys = path.join(root, 'sys');
    this.proc = path.join(root, 'proc');
    mkdirSync(path.join(this.sys, 'class', 'drm'), { recursive: true });
    mkdirSync(this.proc, { recursive: true });
  }

  device(d: DrmDeviceFixture): this {
    const dir = path.join('bus', 'pci', 'devices', d.pdev);
    put(this.sys, path.join(dir, 'vendor'), `${d.vendor}\n`);
    link(this.sys, path.join(dir, 'driver'), `../../../../bus/pci/drivers/${d.driver}`);
    for (const [name, text] of Object.entries(d.files ?? {})) this.set(d.pdev, name, text);
    for (const [name, text] of Object.entries(d.hwmon ?? {})) this.set(d.pdev, `hwmon/hwmon4/${name}`, text);
    link(this.sys, path.join('class', 'drm', d.node, 'device'), path.join(this.sys, dir));
    return this;
  }

  /** Writes one sysfs file of a device (`hwmon/hwmon4/energy1_input` for hwmon ones). */
  set(pdev: string, file: string, text: string): void {
    put(this.sys, path.join('bus', 'pci', 'devices', pdev, file), `${text}\n`);
  }

  /** fd `fd` of `pid` opens `/dev/dri/<node>`, its fdinfo shows `text`. */
  fd(pid: number, fd: number, node: string, text: string): void {
    link(this.proc, path.join(String(pid), 'fd', String(fd)), `/dev/dri/${node}`);
    put(this.proc, path.join(String(pid), 'fdinfo', String(fd)), text);
  }

  /** A file descriptor that is not a GPU's. */
  otherFd(pid: number, fd: number): void {
    link(this.proc, path.join(String(pid), 'fd', String(fd)), 'socket:[12345]');
    put(this.proc, path.join(String(pid), 'fdinfo', String(fd)), 'pos:\t0\nflags:\t02\n');
  }

  close(pid: number, fd: number): void {
    rmSync(path.join(this.proc, String(pid), 'fd', String(fd)), { force: true });
    rmSync(path.join(this.proc, String(pid), 'fdinfo', String(fd)), { force: true });
  }
}
