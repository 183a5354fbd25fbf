/** Served mode: data from the llmmon server's HTTP API (same origin). */
import { mount } from 'svelte';
import ServedApp from './ServedApp.svelte';

export function startServed(target: HTMLElement): void {
  mount(ServedApp, { target });
}
