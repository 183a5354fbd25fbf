/**
 * The two halves of a release as a user meets it: pack every public workspace package as
 * `pnpm publish` would, then install the tarballs with npm into a project outside the
 * workspace. Used by pack-install.test.ts.
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('../../', import.meta.url));

export interface Manifest {
  name: string;
  version: string;
  license?: string;
  engines?: Record<string, string>;
  repository?: { type?: string; url?: string; directory?: string };
  publishConfig?: { access?: string };
  main?: string;
  types?: string;
  bin?: Record<string, string>;
  exports?: Record<string, string | Record<string, string>>;
  files?: string[];
  scripts?: Record<string, string>;
  dependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
  optionalDependencies?: Record<string, string>;
}

export interface Tarball {
  file: string;
  bytes: number;
  /** Paths inside the tarball, without the leading `package/`. */
  entries: string[];
  /** The packed package.json (workspace:* already replaced by versions). */
  manifest: Manifest;
}

/** Runs a command; throws with its output when it fails. */
export function run(command: string, args: string[], cwd: string, env: NodeJS.ProcessEnv = process.env) {
  const r = spawnSync(command, args, { cwd, env, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  if (r.status !== 0) {
    const why = r.error?.message ?? `exit ${r.status ?? r.signal}`;
    throw new Error(`${command} ${args.join(' ')} (in ${cwd}): ${why}\n${r.stdout}\n${r.stderr}`);
  }
  return r.stdout;
}

/**
 * Packs every public workspace package into `dest` with scripts/pack.sh (what CI publishes:
 * pnpm's own list of packages, prepack scripts run); returns each tarball with what it holds.
 */
export function packAll(dest: string): Tarball[] {
  rmSync(dest, { recursive: true, force: true });
  run('bash', [join(ROOT, 'scripts', 'pack.sh'), dest], ROOT);
  return readdirSync(dest)
    .filter((f) => f.endsWith('.tgz'))
    .map((name) => {
      const file = join(dest, name);
      const entries = run('tar', ['-tzf', file], dest)
        .split('\n')
        .filter((e) => e && !e.endsWith('/'))
        .map((e) => e.replace(/^package\//, ''));
      const manifest = JSON.parse(run('tar', ['-xzOf', file, 'package/package.json'], dest)) as Manifest;
      return { file, bytes: statSync(file).size, entries, manifest };
    });
}

/**
 * The environment of a user's shell: nothing this workspace or its runners put there (pnpm's
 * npm_config_*, an LLMMON_SAMPLER_NATIVE_PATH that would load another addon, NODE_OPTIONS), and
 * the running node first on PATH.
 */
export function userEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (/^(npm_|pnpm_|PNPM_|LLMMON_|VITEST|NODE_OPTIONS$|NODE_PATH$|TURBO_)/i.test(key)) continue;
    env[key] = value;
  }
  env.PATH = `${join(process.execPath, '..')}:${process.env.PATH ?? ''}`;
  return env;
}

/**
 * The optional dependencies this workspace does not install (pnpm-workspace.yaml's
 * `ignoredOptionalDependencies`: node-llama-cpp's GPU and other-platform builds, ~650 MB that
 * nothing here loads). The installed project skips the same ones, through npm `overrides`.
 */
export function skippedOptionalDependencies(): string[] {
  const listed = run('pnpm', ['config', 'get', 'ignoredOptionalDependencies'], ROOT).trim();
  return listed.startsWith('[') ? (JSON.parse(listed) as string[]) : [];
}

const hash = (value: unknown) =>
  createHash('sha256').update(JSON.stringify(value)).digest('hex').slice(0, 12);

/**
 * Installs `tarballs` with npm (`--ignore-scripts`: no install script builds anything) into a
 * project under the system temp folder, so no folder above it holds this workspace's
 * node_modules. The optional dependencies the workspace skips are skipped there too: each is
 * overridden by an empty local package. The project is kept between runs, keyed by this
 * checkout, Node, the platform and every third-party dependency the tarballs declare; what is
 * reused is only the registry's packages: the @llmmon packages, the lockfile and the tarballs are
 * removed and installed afresh each time. Delete the folder to install everything from scratch.
 */
export function installTarballs(tarballs: readonly Tarball[]): string {
  const ours = new Set(tarballs.map((t) => t.manifest.name));
  const thirdParty: string[] = [];
  for (const { manifest } of tarballs) {
    for (const deps of [manifest.dependencies, manifest.peerDependencies, manifest.optionalDependencies]) {
      for (const [name, range] of Object.entries(deps ?? {}))
        if (!ours.has(name)) thirdParty.push(`${name}@${range}`);
    }
  }
  const skipped = skippedOptionalDependencies();
  const base = join(tmpdir(), `llmmon-pack-install-${hash(ROOT)}`);
  const key = hash([
    process.version,
    process.platform,
    process.arch,
    [...new Set(thirdParty)].sort(),
    skipped,
  ]);
  const project = join(base, key);
  if (existsSync(base)) {
    for (const old of readdirSync(base))
      if (old !== key) rmSync(join(base, old), { recursive: true, force: true });
  }
  for (const stale of ['node_modules/@llmmon', 'node_modules/.bin', 'package-lock.json', 'tarballs']) {
    rmSync(join(project, stale), { recursive: true, force: true });
  }
  mkdirSync(join(project, 'tarballs'), { recursive: true });
  const dependencies: Record<string, string> = {};
  for (const t of tarballs) {
    copyFileSync(t.file, join(project, 'tarballs', basename(t.file)));
    dependencies[t.manifest.name] = `file:tarballs/${basename(t.file)}`;
  }
  const stub = join(project, 'skipped-optional');
  mkdirSync(stub, { recursive: true });
  writeFileSync(join(stub, 'package.json'), '{ "name": "skipped-optional", "version": "0.0.0" }\n');
  const overrides = Object.fromEntries(skipped.map((name) => [name, 'file:./skipped-optional']));
  const manifest = { name: 'llmmon-user', private: true, type: 'module', dependencies, overrides };
  writeFileSync(join(project, 'package.json'), `${JSON.stringify(manifest, null, 2)}\n`);
  const flags = [
    'install',
    '--ignore-scripts',
    '--no-audit',
    '--no-fund',
    '--prefer-offline',
    '--loglevel=error',
  ];
  run('npm', flags, project, userEnv());
  return project;
}
