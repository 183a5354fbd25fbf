/**
 * The workspace's shape, read from the files themselves: every package.json and the import
 * specifiers of every source file. Packages by job, imports in one direction:
 *
 *   sampler-native, gguf  →  core  →  testkit (private, tests only)  →  dashboard  →  server  →  cli
 *                                                               comparison, test: above them all
 *
 * A package may import only packages below it and only packages it declares; a public package
 * uses its `devDependencies` (test tools) only in its tests and measurements; no file imports
 * another package's files by path; and no package holds an import circle between its own files.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = path.resolve(import.meta.dirname, '..');

/** Lower layers first; a package may depend only on packages of a lower layer. */
const LAYERS: readonly (readonly string[])[] = [
  ['@llmmon/sampler-native', '@llmmon/gguf'],
  ['@llmmon/core'],
  ['@llmmon/testkit'],
  ['@llmmon/dashboard'],
  ['@llmmon/server'],
  ['@llmmon/cli'],
  ['@llmmon/comparison', '@llmmon/test'],
];
const layer = new Map(LAYERS.flatMap((names, i) => names.map((n) => [n, i] as const)));

/**
 * Circles closed only by a type import (erased when compiled, so no module waits on another at
 * load), known and left as they are; the test fails when one is gone, so the list cannot rot.
 */
const TYPE_ONLY_CIRCLES: Record<string, string[]> = {
  '@llmmon/core': [
    'src/context.ts -> src/operation.ts -> src/context.ts',
    'src/monitor.ts -> src/env.ts -> src/monitor.ts',
  ],
};

/** What installing the server must not bring: the model runtimes and the command line's libraries. */
const NOT_IN_SERVER = ['node-llama-cpp', 'openai', 'ollama', 'commander', 'cli-progress'];

interface Pkg {
  name: string;
  dir: string;
  private: boolean;
  dependencies: Record<string, string>;
  devDependencies: Record<string, string>;
  peerDependencies: Record<string, string>;
}

function workspacePackages(): Pkg[] {
  const dirs = [
    ...readdirSync(path.join(ROOT, 'packages')).map((d) => path.join(ROOT, 'packages', d)),
    path.join(ROOT, 'test'),
    path.join(ROOT, 'comparison'),
  ];
  return dirs.map((dir) => {
    const json = JSON.parse(readFileSync(path.join(dir, 'package.json'), 'utf8'));
    return {
      name: json.name,
      dir,
      private: json.private === true,
      dependencies: json.dependencies ?? {},
      devDependencies: json.devDependencies ?? {},
      peerDependencies: json.peerDependencies ?? {},
    };
  });
}

const SOURCE = /\.(ts|mts|mjs|js|svelte)$/;
const SKIP = new Set(['node_modules', 'dist', 'build', 'results', 'artifacts', '.turbo']);

/** Source files of a package (its own, not nested packages'), relative to its folder. */
function sourceFiles(dir: string, rel = ''): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(path.join(dir, rel))) {
    if (SKIP.has(entry)) continue;
    const file = path.join(rel, entry);
    if (statSync(path.join(dir, file)).isDirectory()) out.push(...sourceFiles(dir, file));
    else if (SOURCE.test(entry) && !entry.endsWith('.d.ts')) out.push(file);
  }
  return out;
}

/**
 * Every module specifier a file imports or re-exports (static, dynamic); with `runtimeOnly`,
 * not those of `import type` / `export type`, which the compiler erases.
 */
function specifiers(text: string, runtimeOnly = false): string[] {
  const out: string[] = [];
  const patterns = [
    /^\s*(?:import|export)\s([^'"`;]*?)\sfrom\s*['"]([^'"]+)['"]/gm,
    /^\s*import\s*()['"]([^'"]+)['"]/gm,
    /\bimport\(\s*()['"]([^'"]+)['"]\s*\)/g,
  ];
  for (const re of patterns) {
    for (const m of text.matchAll(re)) if (!(runtimeOnly && /^type\s/.test(m[1]!))) out.push(m[2]!);
  }
  return out;
}

/** `@llmmon/core/schema` → `@llmmon/core`; `node:fs` → null (built in). */
function packageOf(spec: string): string | null {
  if (spec.startsWith('node:') || spec.startsWith('.') || spec.startsWith('/')) return null;
  const parts = spec.split('/');
  return spec.startsWith('@') ? `${parts[0]}/${parts[1]}` : parts[0]!;
}

/**
 * Files that may import devDependencies: tests, measurements, configs, and what a bundler inlines
 * into the built files (the dashboard's browser app). Everything else of a public package ships.
 */
const BUNDLED: Record<string, RegExp> = { '@llmmon/dashboard': /^src\/(app|model)\// };
const mayUseDevDependencies = (pkg: Pkg, file: string) =>
  pkg.private ||
  /(^|\/)(test|perf|scripts)\//.test(file) ||
  /\.test\.ts$/.test(file) ||
  /^[^/]*\.config\.ts$/.test(file) ||
  (BUNDLED[pkg.name]?.test(file) ?? false);

const packages = workspacePackages();
const byName = new Map(packages.map((p) => [p.name, p]));

describe('the packages', () => {
  it('are the ones the layers name, each once', () => {
    expect(packages.map((p) => p.name).sort()).toEqual([...layer.keys()].sort());
  });

  it('declare workspace dependencies only on packages below them (so no circle)', () => {
    const wrong: string[] = [];
    for (const p of packages) {
      for (const dep of Object.keys({ ...p.dependencies, ...p.devDependencies, ...p.peerDependencies })) {
        if (!layer.has(dep)) continue;
        if (layer.get(dep)! >= layer.get(p.name)!) wrong.push(`${p.name} -> ${dep}`);
      }
    }
    expect(wrong).toEqual([]);
  });

  it('ship no private package: public ones never depend on the test kit at run time', () => {
    const wrong = packages
      .filter((p) => !p.private)
      .flatMap((p) =>
        Object.keys(p.dependencies)
          .filter((d) => byName.get(d)?.private)
          .map((d) => `${p.name} -> ${d}`),
      );
    expect(wrong).toEqual([]);
  });

  it('keep the server free of model runtimes and command-line libraries', () => {
    const server = byName.get('@llmmon/server')!;
    const all = { ...server.dependencies, ...server.peerDependencies };
    expect(NOT_IN_SERVER.filter((d) => d in all)).toEqual([]);
  });
});

describe('the imports', () => {
  for (const p of packages) {
    const files = sourceFiles(p.dir);
    const texts = new Map(files.map((f) => [f, readFileSync(path.join(p.dir, f), 'utf8')]));

    it(`of ${p.name} name only declared packages, test tools only from tests`, () => {
      const wrong: string[] = [];
      for (const [file, text] of texts) {
        for (const spec of specifiers(text)) {
          const dep = packageOf(spec);
          if (!dep || dep === p.name) continue;
          const shipped = dep in p.dependencies || dep in p.peerDependencies;
          const declared = shipped || dep in p.devDependencies;
          if (!declared && dep.startsWith('@llmmon/')) wrong.push(`${file}: ${spec} (not declared)`);
          else if (declared && !shipped && !mayUseDevDependencies(p, file))
            wrong.push(`${file}: ${spec} (a devDependency)`);
          if (layer.has(dep) && layer.get(dep)! >= layer.get(p.name)!)
            wrong.push(`${file}: ${spec} (not below)`);
        }
      }
      expect(wrong).toEqual([]);
    });

    it(`of ${p.name} reach no other package's files by path`, () => {
      const wrong: string[] = [];
      for (const [file, text] of texts) {
        for (const spec of specifiers(text)) {
          if (!spec.startsWith('.')) continue;
          const target = path.resolve(p.dir, path.dirname(file), spec);
          const owner = packages.find((q) => !path.relative(q.dir, target).startsWith('..'));
          if (owner && owner !== p) wrong.push(`${file}: ${spec}`);
        }
      }
      expect(wrong).toEqual([]);
    });

    it(`of ${p.name} between its own files run in one direction (no circle)`, () => {
      expect(circles(p.dir, texts, true)).toEqual([]);
      expect(circles(p.dir, texts, false)).toEqual(TYPE_ONLY_CIRCLES[p.name] ?? []);
    });
  }
});

/**
 * Import circles between a package's files, each as `a -> b -> … -> a`; with `runtimeOnly`, only
 * those that exist at run time (type-only imports are erased).
 */
function circles(dir: string, texts: ReadonlyMap<string, string>, runtimeOnly: boolean): string[] {
  const edges = new Map<string, string[]>();
  for (const [file, text] of texts) {
    const targets: string[] = [];
    for (const spec of specifiers(text, runtimeOnly)) {
      if (!spec.startsWith('.')) continue;
      const resolved = path.relative(dir, path.resolve(dir, path.dirname(file), spec));
      // Sources import their siblings by the built name (`./x.js` is `./x.ts`).
      const candidates = [
        resolved,
        resolved.replace(/\.js$/, '.ts'),
        `${resolved}.ts`,
        `${resolved}/index.ts`,
      ];
      const hit = candidates.find((c) => texts.has(c));
      if (hit) targets.push(hit);
    }
    edges.set(file, targets);
  }
  const found: string[] = [];
  const state = new Map<string, 'open' | 'done'>();
  const stack: string[] = [];
  const visit = (file: string) => {
    state.set(file, 'open');
    stack.push(file);
    for (const next of edges.get(file) ?? []) {
      if (state.get(next) === 'open') found.push([...stack.slice(stack.indexOf(next)), next].join(' -> '));
      else if (!state.has(next)) visit(next);
    }
    stack.pop();
    state.set(file, 'done');
  };
  for (const file of edges.keys()) if (!state.has(file)) visit(file);
  return found;
}
