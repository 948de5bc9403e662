/**
 * Registers the service worker that keeps the app usable offline (src/sw/serviceWorker.ts), in
 * production builds only: the dev server has no sw.js, and a worker caching dev modules would serve
 * stale code. Imported for its effect by main.tsx.
 *
 * It waits for the page's load event so that precaching (every file of the build, a few MB) does
 * not compete with the first render. Without service workers (a private window in some browsers,
 * a policy) the app still runs; it just needs the network on every load.
 */
function register(): void {
  const base = import.meta.env.BASE_URL;
  navigator.serviceWorker.register(`${base}sw.js`, { scope: base }).catch((error: unknown) => {
    console.warn('Veil: offline support unavailable:', error instanceof Error ? error.name : error);
  });
}

if (import.meta.env.PROD && 'serviceWorker' in navigator) {
  if (document.readyState === 'complete') register();
  else window.addEventListener('load', register, { once: true });
}

export {};
