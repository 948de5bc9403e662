/**
 * What the service worker does with one request, decided from the request alone so that it can be
 * tested without a service worker. The worker never answers for another origin, outside its scope,
 * or for a method other than GET: those go to the network untouched (blob: and data: URLs never
 * reach a fetch event at all).
 */
export type Route =
  /** A file of the build: answer from the cache, by this key (the URL without query or hash). */
  | { readonly kind: 'precached'; readonly key: string }
  /** A page load inside the app's scope: answer with the cached index.html. */
  | { readonly kind: 'shell'; readonly key: string }
  /**
   * Another file of the origin: a page opened before an update may still ask for a file of its own
   * version (a lazy chunk, a worker), which the previous version's cache holds; else the network.
   */
  | { readonly kind: 'previous'; readonly key: string }
  | { readonly kind: 'network' };

export interface RouteInput {
  readonly method: string;
  readonly url: string;
  /** `Request.mode`: 'navigate' for page loads. */
  readonly mode: string;
}

export interface Precache {
  /** Absolute URL of the directory the service worker was served from (its default scope). */
  readonly scope: string;
  /** Absolute URLs of every precached file. */
  readonly urls: ReadonlySet<string>;
}

const NETWORK: Route = { kind: 'network' };

export function routeRequest(request: RouteInput, precache: Precache): Route {
  if (request.method !== 'GET') return NETWORK;
  const url = new URL(request.url);
  const scope = new URL(precache.scope);
  if (url.origin !== scope.origin || !url.pathname.startsWith(scope.pathname)) return NETWORK;
  const key = `${url.origin}${url.pathname}`;
  if (precache.urls.has(key)) return { kind: 'precached', key };
  const shell = new URL('index.html', scope).href;
  if (request.mode === 'navigate')
    return precache.urls.has(shell) ? { kind: 'shell', key: shell } : NETWORK;
  return { kind: 'previous', key };
}

/** Cache names this app owns; any other cache of the origin is left alone. */
export const CACHE_PREFIX = 'veil-precache-';

/**
 * Which of the app's caches to delete once `current` is active: all but `current` and the newest
 * other one (the version that pages opened before the update still run; they may yet load a lazy
 * chunk or a worker script that only that version has). `names` is in creation order, as
 * `CacheStorage.keys()` returns it.
 */
export function cachesToDelete(names: readonly string[], current: string): string[] {
  const older = names.filter((name) => name.startsWith(CACHE_PREFIX) && name !== current);
  return older.slice(0, -1);
}
