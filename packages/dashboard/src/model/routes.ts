/**
 * Hash routes of the served app (`#/runs/ID`, `#/compare?runs=a,b`, …): they need no server-side
 * routing and survive a reload. Pure functions; `app/router.svelte.ts` keeps one in step with
 * the address bar.
 */
export type Route =
  | { name: 'runs' }
  | { name: 'run'; id: string }
  | { name: 'compare'; ids: string[] }
  | { name: 'model'; model: string }
  | { name: 'live'; run: string | null }
  | { name: 'sql' }
  | { name: 'not-found'; path: string };

export function parseRoute(hash: string): Route {
  const raw = hash.replace(/^#/, '') || '/';
  const [path = '/', search = ''] = raw.split('?');
  const params = new URLSearchParams(search);
  const parts = path.split('/').filter(Boolean).map(decodeURIComponent);
  if (parts.length === 0 || (parts[0] === 'runs' && parts.length === 1)) return { name: 'runs' };
  if (parts[0] === 'runs' && parts.length === 2) return { name: 'run', id: parts[1]! };
  if (parts[0] === 'compare') {
    // Split before decoding, so that an id holding an encoded comma stays one id.
    const raw = /(?:^|&)runs=([^&]*)/.exec(search)?.[1] ?? '';
    return { name: 'compare', ids: raw.split(',').filter(Boolean).map(decodeURIComponent) };
  }
  if (parts[0] === 'models' && parts.length === 2) return { name: 'model', model: parts[1]! };
  if (parts[0] === 'live') return { name: 'live', run: params.get('run') };
  if (parts[0] === 'sql') return { name: 'sql' };
  return { name: 'not-found', path };
}

const enc = encodeURIComponent;
export const href = {
  runs: () => '#/',
  run: (id: string) => `#/runs/${enc(id)}`,
  compare: (ids: readonly string[]) => `#/compare?runs=${ids.map(enc).join(',')}`,
  model: (model: string) => `#/models/${enc(model)}`,
  live: (run?: string) => (run ? `#/live?run=${enc(run)}` : '#/live'),
  sql: () => '#/sql',
};
