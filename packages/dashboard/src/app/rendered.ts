import { tick } from 'svelte';

const frame = () => new Promise<void>((resolve) => requestAnimationFrame(() => resolve()));

/**
 * Marks the first complete render: after Svelte has flushed and two frames have passed (the
 * charts measure their containers in the first and draw at that size in the second). Sets
 * `performance.mark('llmmon:rendered')` (the benchmark's "time to first render") and
 * `<html data-rendered>` (what the browser tests wait for).
 */
export async function markRendered(): Promise<void> {
  await tick();
  await frame();
  await frame();
  performance.mark('llmmon:rendered');
  document.documentElement.dataset.rendered = 'true';
}
