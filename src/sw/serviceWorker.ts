import { CACHE_PREFIX, cachesToDelete, routeRequest, type Precache, type Route } from './route';

/**
 * Veil's service worker: keeps every file of the build in one cache so that, once loaded, the app
 * (and its Web Workers and their wasm) starts and runs with the network cut. Cache-first for the
 * build's own files, the cached index.html for page loads, never anything of another origin.
 * Compiled and given its file list by build-plugins/serviceWorkerPlugin.ts; registered by
 * src/app/registerServiceWorker.ts.
 */

// Replaced at build time: the build's files (relative to this script) and a hash of their bytes.
declare const __VEIL_PRECACHE__: readonly string[];
declare const __VEIL_CACHE_VERSION__: string;
declare const self: ServiceWorkerGlobalScope;

const CACHE = `${CACHE_PREFIX}${__VEIL_CACHE_VERSION__}`;
const scope = new URL('./', self.location.href).href;
const precache: Precache = {
  scope,
  urls: new Set(__VEIL_PRECACHE__.map((file) => new URL(file, scope).href)),
};

self.addEventListener('install', (event) => event.waitUntil(install()));
self.addEventListener('activate', (event) => event.waitUntil(activate()));
self.addEventListener('fetch', (event) => {
  const route = routeRequest(event.request, precache);
  if (route.kind === 'network') return;
  event.respondWith(answer(route, event.request));
});

async function install(): Promise<void> {
  const cache = await caches.open(CACHE);
  // 'reload' bypasses the HTTP cache: index.html, the manifest and the icons keep their names from
  // one version to the next, and a stale copy would pin the old index.html in the new cache.
  // addAll is all or nothing: a version with a missing file never installs.
  await cache.addAll([...precache.urls].map((url) => new Request(url, { cache: 'reload' })));
  // The new version takes over as soon as it holds every file (see activate for the old one's pages).
  await self.skipWaiting();
}

async function activate(): Promise<void> {
  const names = await caches.keys();
  await Promise.all(cachesToDelete(names, CACHE).map((name) => caches.delete(name)));
  // Control the page that registered us at once, so that its lazy chunks and workers (the preview,
  // the codecs and their wasm) come from the cache even if the network goes before they are loaded.
  await self.clients.claim();
}

async function answer(route: Exclude<Route, { kind: 'network' }>, request: Request) {
  const cached =
    route.kind === 'previous'
      ? await fromOlderCache(route.key)
      : await (await caches.open(CACHE)).match(route.key);
  // A miss goes to the network: with the network cut that fails, as it would without a worker.
  return cached ?? fetch(request);
}

async function fromOlderCache(key: string): Promise<Response | undefined> {
  const names = (await caches.keys()).filter((name) => name.startsWith(CACHE_PREFIX));
  for (const name of names.reverse()) {
    if (name === CACHE) continue;
    const hit = await (await caches.open(name)).match(key);
    if (hit) return hit;
  }
  return undefined;
}
