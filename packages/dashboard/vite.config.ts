import { svelte } from '@sveltejs/vite-plugin-svelte';
import { defineConfig } from 'vite';
import { viteSingleFile } from 'vite-plugin-singlefile';

export default defineConfig(({ mode }) => ({
  base: './',
  plugins: [svelte(), ...(mode === 'static' ? [viteSingleFile()] : [])],
  resolve: { conditions: ['llmmon-source', 'browser', 'module', 'import', 'default'] },
  build: { outDir: mode === 'static' ? 'dist/static' : 'dist/app', emptyOutDir: true },
}));
