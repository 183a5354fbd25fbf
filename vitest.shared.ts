import { defineProject, type UserWorkspaceConfig } from 'vitest/config';

/**
 * Shared per-package Vitest settings. Workspace packages resolve through the `llmmon-source`
 * export condition, so tests run against TypeScript sources without building dependencies first.
 */
export function llmmonProject(name: string, extra: UserWorkspaceConfig['test'] = {}): UserWorkspaceConfig {
  // Vitest hands these to Node too (`--conditions`), where `require` honours them: no bundler
  // condition such as `module` (OpenTelemetry's `module` build cannot load in Node).
  const conditions = ['llmmon-source', 'node', 'import', 'default'];
  return defineProject({
    resolve: { conditions },
    ssr: { resolve: { conditions, externalConditions: ['llmmon-source'] } },
    test: {
      name,
      include: ['src/**/*.test.ts', 'test/**/*.test.ts', '*.test.ts'],
      // A net for hangs, not a performance bound: process-spawning tests take 5-10 s alone and
      // several times that on a machine loaded four times over.
      testTimeout: 120_000,
      hookTimeout: 60_000,
      ...extra,
    },
  });
}
