import { markRendered } from '../rendered.js';

/**
 * Starts a view's request inside `$effect`: `done` gets the answer, `failed` the message of an
 * error (an abort is none: the view has gone, or asks again), and the page counts as rendered
 * once the request has settled either way.
 * @returns the abort, for `$effect` to call when the view goes or what it shows changes
 * @example $effect(() => request((signal) => api.history(model, signal), (r) => (res = r), (m) => (error = m)));
 */
export function request<T>(
  fetch: (signal: AbortSignal) => Promise<T>,
  done: (value: T) => void,
  failed: (message: string) => void,
): () => void {
  const ctrl = new AbortController();
  fetch(ctrl.signal)
    .then(done)
    .catch((e: Error) => {
      if (!ctrl.signal.aborted) failed(e.message);
    })
    .finally(() => markRendered());
  return () => ctrl.abort();
}
