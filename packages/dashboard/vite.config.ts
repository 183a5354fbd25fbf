/**
 * Two builds of one app (`pnpm build` runs both):
 * - `--mode static`: one self-contained HTML file (vite-plugin-singlefile) into which
 *   `createDashboard` writes a run; it opens from file:// with no network → dist/static/index.html
 * - `--mode served`: a normal multi-file app that reads the llmmon HTTP API → dist/app (`assetsDir`)
 * `pnpm dev` serves the served app with /api proxied to `llmmon serve` (LLMMON_SERVER_URL,
 * default http://127.0.0.1:8737).
 */
import { svelte } from '@sveltejs/vite-plugin-svelte';
import { defineConfig } from 'vite';
import { viteSingleFile } from 'vite-plugin-singlefile';

export default defineConfig(({ mode }) => ({
  // Relative asset URLs: the served app also works under a path prefix behind a proxy.
  base: './',
  plugins: [svelte(), ...(mode === 'static' ? [viteSingleFile()] : [])],
  // Workspace packages compile from their TypeScript sources, as in the tests.
  resolve: { conditions: ['llmmon-source', 'browser', 'module', 'import', 'default'] },
  build: { outDir: mode === 'static' ? 'dist/static' : 'dist/app', emptyOutDir: true },
  server: {
    proxy: { '/api': process.env.LLMMON_SERVER_URL ?? 'http://127.0.0.1:8737' },
  },
}));
