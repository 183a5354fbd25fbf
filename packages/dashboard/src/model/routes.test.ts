import { describe, expect, it } from 'vitest';
import { href, parseRoute } from './routes.js';

describe('routes', () => {
  it('parse every view of the served app', () => {
    expect(parseRoute('')).toEqual({ name: 'runs' });
    expect(parseRoute('#/')).toEqual({ name: 'runs' });
    expect(parseRoute('#/runs/a%2Fb')).toEqual({ name: 'run', id: 'a/b' });
    expect(parseRoute('#/compare?runs=a,b%2Cc')).toEqual({ name: 'compare', ids: ['a', 'b,c'] });
    expect(parseRoute('#/models/tiny%20q8')).toEqual({ name: 'model', model: 'tiny q8' });
    expect(parseRoute('#/live')).toEqual({ name: 'live', run: null });
    expect(parseRoute('#/live?run=r1')).toEqual({ name: 'live', run: 'r1' });
    expect(parseRoute('#/sql')).toEqual({ name: 'sql' });
    expect(parseRoute('#/nope')).toEqual({ name: 'not-found', path: '/nope' });
  });

  it('build links that parse back to the same route', () => {
    expect(parseRoute(href.run('x/y z'))).toEqual({ name: 'run', id: 'x/y z' });
    expect(parseRoute(href.compare(['a', 'b,c']))).toEqual({ name: 'compare', ids: ['a', 'b,c'] });
    expect(parseRoute(href.model('m/1'))).toEqual({ name: 'model', model: 'm/1' });
    expect(parseRoute(href.live('r'))).toEqual({ name: 'live', run: 'r' });
  });
});
