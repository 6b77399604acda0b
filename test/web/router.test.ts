import { describe, expect, it } from 'vitest';
import { href, parseRoute, type Route } from '../../web/src/router.js';

describe('dashboard routes', () => {
  it.each<[string, Route]>([
    ['', { page: 'runs' }],
    ['#/', { page: 'runs' }],
    ['#/runs', { page: 'runs' }],
    ['#/runs/abc123', { page: 'run', runId: 'abc123', tab: 'charts' }],
    ['#/runs/abc123/logs', { page: 'run', runId: 'abc123', tab: 'logs' }],
    ['#/runs/abc123/system', { page: 'run', runId: 'abc123', tab: 'system' }],
    ['#/runs/abc123/overview', { page: 'run', runId: 'abc123', tab: 'overview' }],
    ['#/runs/abc123/nonsense', { page: 'run', runId: 'abc123', tab: 'charts' }],
    ['#/runs/my%20run', { page: 'run', runId: 'my run', tab: 'charts' }],
    ['#/runs/%3Cscript%3E', { page: 'run', runId: '<script>', tab: 'charts' }],
    ['#/compare?runs=a,b', { page: 'compare', runIds: ['a', 'b'] }],
    ['#/compare?runs=a,,b,', { page: 'compare', runIds: ['a', 'b'] }],
    ['#/compare', { page: 'compare', runIds: [] }],
    ['#/nowhere', { page: 'not-found', path: '/nowhere' }],
    ['#/runs/a/logs/extra', { page: 'not-found', path: '/runs/a/logs/extra' }],
  ])('reads %j', (hash, route) => {
    expect(parseRoute(hash)).toEqual(route);
  });

  it.each(['#/runs/%E0', '#/runs/%zz/logs', '#/%', '#/runs/ok/%E0%A4'])('shows the not-found page for the malformed escape in %j', (hash) => {
    expect(parseRoute(hash)).toEqual({ page: 'not-found', path: hash.slice(1) });
  });

  it('keeps a malformed escape in the compare query as it is rather than failing', () => {
    expect(parseRoute('#/compare?runs=%E0,b')).toEqual({ page: 'compare', runIds: ['\uFFFD', 'b'] });
  });

  it.each<Route>([
    { page: 'runs' },
    { page: 'run', runId: 'abc123', tab: 'charts' },
    { page: 'run', runId: 'my run/100%', tab: 'system' },
    { page: 'run', runId: '<script>', tab: 'logs' },
    { page: 'compare', runIds: ['a', 'b c'] },
  ])('writes a hash that reads back as the same route: %j', (route) => {
    expect(parseRoute(href(route))).toEqual(route);
  });

  it('writes the hashes links use', () => {
    expect(href({ page: 'run', runId: 'my run', tab: 'system' })).toBe('#/runs/my%20run/system');
    expect(href({ page: 'run', runId: 'abc', tab: 'charts' })).toBe('#/runs/abc');
    expect(href({ page: 'compare', runIds: ['a', 'b'] })).toBe('#/compare?runs=a,b');
    expect(href({ page: 'not-found', path: '/x' })).toBe('#/');
  });
});
