import { describe, expect, it } from 'vitest';
import { CACHE_PREFIX, cachesToDelete, routeRequest, type Precache } from './route';

const scope = 'http://localhost/app/';
const precache: Precache = {
  scope,
  urls: new Set(
    ['index.html', 'assets/index-abc123.js', 'icons/icon-192.png'].map((f) => scope + f),
  ),
};
const get = (url: string, mode = 'cors') => routeRequest({ method: 'GET', url, mode }, precache);

describe('routeRequest', () => {
  it('answers the build files from the cache, by URL without query or hash', () => {
    expect(get(`${scope}assets/index-abc123.js`)).toEqual({
      kind: 'precached',
      key: `${scope}assets/index-abc123.js`,
    });
    expect(get(`${scope}icons/icon-192.png?v=2#x`)).toEqual({
      kind: 'precached',
      key: `${scope}icons/icon-192.png`,
    });
  });

  it('answers page loads in scope with index.html, whatever the path', () => {
    for (const url of [scope, `${scope}?open=1`, `${scope}deep/link`]) {
      expect(get(url, 'navigate')).toEqual({ kind: 'shell', key: `${scope}index.html` });
    }
  });

  it('looks up other files of its scope in the previous version, then the network', () => {
    expect(get(`${scope}assets/index-old999.js?x=1`)).toEqual({
      kind: 'previous',
      key: `${scope}assets/index-old999.js`,
    });
  });

  it('leaves other origins, other scopes and other methods to the network', () => {
    // The same path on another origin (another port is another origin).
    expect(get('http://localhost:8080/app/assets/index-abc123.js')).toEqual({ kind: 'network' });
    expect(get('http://localhost:8080/app/', 'navigate')).toEqual({ kind: 'network' });
    // Outside the worker's scope.
    expect(get('http://localhost/other/', 'navigate')).toEqual({ kind: 'network' });
    expect(get('http://localhost/index.html')).toEqual({ kind: 'network' });
    for (const method of ['POST', 'PUT', 'HEAD']) {
      const route = routeRequest(
        { method, url: `${scope}assets/index-abc123.js`, mode: 'cors' },
        precache,
      );
      expect(route, method).toEqual({ kind: 'network' });
    }
  });

  it('serves no shell when the build has no index.html', () => {
    const noShell: Precache = { scope, urls: new Set([`${scope}assets/index-abc123.js`]) };
    expect(routeRequest({ method: 'GET', url: scope, mode: 'navigate' }, noShell)).toEqual({
      kind: 'network',
    });
  });
});

describe('cachesToDelete', () => {
  const v = (n: number) => `${CACHE_PREFIX}${n}`;

  it('keeps the active cache and the newest older one, and never touches foreign caches', () => {
    expect(cachesToDelete([v(1), 'someone-else', v(2), v(3), v(4)], v(4))).toEqual([v(1), v(2)]);
    expect(cachesToDelete([v(1), v(2)], v(2))).toEqual([]);
    expect(cachesToDelete([v(2)], v(2))).toEqual([]);
    expect(cachesToDelete(['someone-else'], v(2))).toEqual([]);
  });

  it('keeps the newest older cache even when the active one was created first', () => {
    // A rebuild that comes back to an earlier version reuses that version's cache name.
    expect(cachesToDelete([v(1), v(2), v(3)], v(1))).toEqual([v(2)]);
  });
});
