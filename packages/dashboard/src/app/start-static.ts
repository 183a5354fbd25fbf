/** Static mode: the run comes from the page's own data block; nothing is fetched. */
import { mount } from 'svelte';
import { DATA_ELEMENT_ID, DATA_PLACEHOLDER, decodeEnvelope } from '../model/embed.js';
import ErrorState from './ErrorState.svelte';
import { markRendered } from './rendered.js';
import StaticApp from './StaticApp.svelte';

export async function startStatic(target: HTMLElement): Promise<void> {
  try {
    const text = document.getElementById(DATA_ELEMENT_ID)?.textContent?.trim() ?? '';
    if (!text || text === DATA_PLACEHOLDER) {
      throw new Error(
        'this page carries no run: it is the dashboard template. Make a dashboard with "llmmon dashboard FILE".',
      );
    }
    performance.mark('llmmon:start');
    const file = await decodeEnvelope(JSON.parse(text));
    performance.mark('llmmon:data-decoded');
    document.title = `${file.run.name ?? file.run.id} · llmmon`;
    mount(StaticApp, { target, props: { file } });
    performance.mark('llmmon:mounted');
  } catch (e) {
    mount(ErrorState, {
      target,
      props: { title: 'This dashboard cannot show its data', message: (e as Error).message },
    });
  }
  await markRendered();
}
