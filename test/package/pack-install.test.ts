/**
 * llmmon installs outside this repository. Packs every public workspace package with
 * scripts/pack.sh (`pnpm pack`: real versions for `workspace:*`; sampler-native's prepack builds
 * this platform's prebuilt binary), checks what each tarball holds and declares, and that
 * docs/install.md names the right packages, installs the tarballs with npm into a
 * project in the temp folder (no workspace links, install scripts off: nothing is compiled
 * there, so the native sampler that loads must be the prebuilt one), and there tracks an
 * operation with @llmmon/core and runs the `llmmon` binary of whichever package declares it.
 *
 * Linux only: the checks read /proc. Needs `pnpm build` first. From a clean state ~50 s here
 * (build:prebuilt ~20 s, npm installing the third-party packages ~20 s with npm's cache warm);
 * later runs reuse the installed third-party packages and take ~12 s (see installTarballs).
 */
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readFileSync, realpathSync, rmSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { installTarballs, packAll, ROOT, run, type Tarball, userEnv } from './pack.ts';

const TARGET = `${process.platform}-${process.arch}`;
// The layout of sampler-native's prebuilt binaries (packages/sampler-native/src/prebuilt.ts).
const PREBUILT = `prebuilds/${TARGET}/llmmon_sampler.glibc.node`;
// A file that belongs to tests: *.test.*, or anything under a test/tests/__tests__/fixtures folder.
const TEST_FILE = /(^|\/)(tests?|__tests__|fixtures)\/|\.test\.[cm]?[jt]sx?(\.map)?$|\.test\.d\.[cm]?ts$/;

interface ProbeReport {
  metrics: string;
  pid: number;
  inner_cpu_seconds: number;
  outer_cpu_seconds: number;
  mapped: string[];
  core: string;
}

let tarballs: Tarball[] = [];
let project = '';
let out = '';
let report: ProbeReport;
const seconds: Record<string, number> = {};

function timed<T>(label: string, step: () => T): T {
  const start = performance.now();
  try {
    return step();
  } finally {
    seconds[label] = (performance.now() - start) / 1000;
  }
}

describe.runIf(process.platform === 'linux')('packed and installed outside the workspace', () => {
  beforeAll(() => {
    tarballs = timed('pack', () => packAll(path.join(ROOT, 'test', 'artifacts', 'packed')));
    project = timed('install', () => installTarballs(tarballs));
    out = path.join(project, 'out');
    rmSync(out, { recursive: true, force: true });
    mkdirSync(out);
    copyFileSync(path.join(ROOT, 'test', 'package', 'probe.mjs'), path.join(project, 'probe.mjs'));
    const probe = timed('probe', () => run(process.execPath, ['probe.mjs', out], project, userEnv()));
    report = JSON.parse(probe.trim().split('\n').at(-1)!);
    for (const t of tarballs) {
      console.log(`${path.basename(t.file)}: ${(t.bytes / 1024).toFixed(1)} KiB, ${t.entries.length} files`);
    }
  }, 600_000);

  afterAll(() => {
    const total = Object.values(seconds).reduce((a, b) => a + b, 0);
    const parts = Object.entries(seconds).map(([k, v]) => `${k} ${v.toFixed(1)} s`);
    console.log(`pack-install: ${parts.join(', ')}; total ${total.toFixed(1)} s`);
  });

  it('packs the packages users install: core, the sampler, and one package with the llmmon binary', () => {
    const names = tarballs.map((t) => t.manifest.name);
    expect(names).toEqual(expect.arrayContaining(['@llmmon/core', '@llmmon/sampler-native']));
    expect(tarballs.filter((t) => t.manifest.bin?.llmmon)).toHaveLength(1);
  });

  it('every tarball: README, LICENSE (the repository one), no tests, what its manifest points at', () => {
    const license = readFileSync(path.join(ROOT, 'LICENSE'), 'utf8');
    for (const { manifest: m, entries, file } of tarballs) {
      const where = `${m.name} (${path.basename(file)})`;
      expect(entries, where).toEqual(expect.arrayContaining(['package.json', 'README.md', 'LICENSE']));
      expect(run('tar', ['-xzOf', file, 'package/LICENSE'], ROOT), where).toBe(license);
      expect(
        entries.filter((e) => TEST_FILE.test(e)),
        where,
      ).toEqual([]);
      // every file the manifest names is in the tarball
      const targets = [m.main, m.types, ...Object.values(m.bin ?? {})];
      for (const entry of Object.values(m.exports ?? {})) {
        if (typeof entry === 'string') {
          targets.push(entry);
          continue;
        }
        const conditions = Object.keys(entry);
        if (conditions.includes('types'))
          expect(conditions[0], `${where} exports: types first`).toBe('types');
        targets.push(entry.types, entry.default);
      }
      for (const target of targets.filter((t): t is string => t !== undefined)) {
        expect(entries, `${where} names ${target}`).toContain(path.posix.normalize(target));
      }
      expect(m.license, where).toBe('MIT');
      expect(m.engines?.node, where).toBe('>=20.19');
      expect(m.publishConfig?.access, where).toBe('public');
      expect(m.repository?.url, where).toMatch(/^git\+https:\/\/github\.com\/[^/]+\/[^/]+\.git$/);
      const source = path.join(ROOT, m.repository?.directory ?? '?', 'package.json');
      expect(existsSync(source) && JSON.parse(readFileSync(source, 'utf8')).name, where).toBe(m.name);
      const specs = Object.values({ ...m.dependencies, ...m.peerDependencies, ...m.optionalDependencies });
      expect(
        specs.filter((s) => s.startsWith('workspace:')),
        where,
      ).toEqual([]);
    }
  });

  it(`the sampler tarball carries the ${TARGET} prebuilt binary; the installed package has no build/`, () => {
    const sampler = tarballs.find((t) => t.manifest.name === '@llmmon/sampler-native')!;
    expect(sampler.entries).toContain(PREBUILT);
    expect(sampler.entries.filter((e) => e.startsWith('build/'))).toEqual([]);
    const installed = path.join(project, 'node_modules', '@llmmon', 'sampler-native');
    expect(existsSync(path.join(installed, PREBUILT))).toBe(true);
    expect(existsSync(path.join(installed, 'build'))).toBe(false);
  });

  it('@llmmon/core tracks an operation there with the prebuilt native sampler: per-thread CPU', () => {
    expect(report.core.startsWith(`file://${project}/node_modules/`)).toBe(true);
    // The kernel's list of what the process mapped: the installed prebuilt binary, nothing of ours else.
    const prebuilt = realpathSync(path.join(project, 'node_modules', '@llmmon', 'sampler-native', PREBUILT));
    expect(report.mapped).toContain(prebuilt);
    expect(report.mapped.filter((p) => p.startsWith(ROOT))).toEqual([]);

    const metrics = JSON.parse(readFileSync(report.metrics, 'utf8'));
    expect(metrics.run.sampler.kind).toBe('native');
    // The reason may name counters this machine lacks (GPU, energy: "gpu_util: no GPU found:
    // NVML: libnvidia-ml.so.1 could not be loaded …"), never the sampler itself or thread CPU.
    expect(String(metrics.run.sampler.reason)).not.toMatch(/sampler-native|JS sampler|thread_cpu/);
    expect(metrics.operations).toHaveLength(1);
    const op = metrics.operations[0];
    const threads = op.threads as { tid: number | null; name: string; cpu_seconds: number }[];
    const sum = threads.reduce((a, t) => a + t.cpu_seconds, 0);
    expect(sum).toBeCloseTo(op.cpu_time_seconds, 6);
    // Ground truth: the main thread's scheduler CPU (schedstat) inside the callback (the window
    // encloses it) and around trackOperation (it encloses the window). schedstat of a running
    // thread may lag by up to one scheduler tick (<= 4 ms at HZ=250), hence the 10 ms margin.
    const main = threads.find((t) => t.tid === report.pid);
    expect(main, JSON.stringify(threads)).toBeDefined();
    expect(report.inner_cpu_seconds).toBeGreaterThanOrEqual(0.2);
    expect(main!.cpu_seconds).toBeGreaterThanOrEqual(report.inner_cpu_seconds - 0.01);
    expect(main!.cpu_seconds).toBeLessThanOrEqual(report.outer_cpu_seconds + 0.01);
  });

  it('the llmmon binary runs there: --help, then ingest the metrics file into DuckDB and list runs', () => {
    const bin = path.join(project, 'node_modules', '.bin', 'llmmon');
    const owner = tarballs.find((t) => t.manifest.bin?.llmmon)!.manifest;
    expect(realpathSync(bin)).toBe(
      realpathSync(path.join(project, 'node_modules', owner.name, owner.bin!.llmmon!)),
    );
    const llmmon = (...args: string[]) => {
      const r = spawnSync(bin, args, { cwd: project, env: userEnv(), encoding: 'utf8' });
      return { code: r.status, stdout: r.stdout, stderr: r.stderr };
    };
    // docs/install.md tells users which package brings the binary
    const install = readFileSync(path.join(ROOT, 'docs', 'install.md'), 'utf8');
    expect(install).toContain('npm install @llmmon/core ');
    expect(install).toContain(`npm install ${owner.name} `);
    const help = llmmon('--help');
    expect(help, help.stderr).toMatchObject({ code: 0 });
    expect(help.stdout).toMatch(/^Usage: llmmon /);

    const runId = JSON.parse(readFileSync(report.metrics, 'utf8')).run.id as string;
    const db = path.join(out, 'runs.duckdb');
    const ingest = timed('cli', () => llmmon('ingest', report.metrics, '--db', db));
    expect(ingest, ingest.stderr).toMatchObject({ code: 0 });
    const runs = llmmon('runs', '--db', db, '--format', 'json');
    expect(runs, runs.stderr).toMatchObject({ code: 0 });
    const listed = JSON.parse(runs.stdout) as {
      total: number;
      runs: { id: string; sampler: { kind: string } }[];
    };
    expect(listed.runs.map((r) => [r.id, r.sampler.kind])).toEqual([[runId, 'native']]);
  });
});
