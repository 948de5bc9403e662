import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, sep } from 'node:path';
import { runInNewContext } from 'node:vm';
import { fileURLToPath } from 'node:url';
import { build } from 'vite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serviceWorkerPlugin } from './serviceWorkerPlugin';

/**
 * Builds a small app that has every kind of output the real one has (an entry chunk, a lazy chunk,
 * CSS, a module worker that fetches wasm, public files in a subfolder, source maps) with the plugin,
 * then runs the emitted sw.js against a fake CacheStorage and a fetch that reads the output folder.
 */

const SW_SOURCE = fileURLToPath(new URL('../src/sw/serviceWorker.ts', import.meta.url));
const ORIGIN = 'http://localhost';
// Smallest valid wasm module: magic and version.
const WASM = new Uint8Array([0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00]);

let root: string;

function writeApp(dir: string, lazyValue: number): void {
  mkdirSync(join(dir, 'public', 'icons'), { recursive: true });
  writeFileSync(
    join(dir, 'index.html'),
    '<!doctype html><html><head><link rel="manifest" href="/app.webmanifest"></head>' +
      '<body><script type="module" src="/main.js"></script></body></html>',
  );
  writeFileSync(
    join(dir, 'main.js'),
    "import './style.css';\n" +
      "new Worker(new URL('./work.js', import.meta.url), { type: 'module' });\n" +
      "document.body.onclick = () => import('./lazy.js');\n",
  );
  writeFileSync(join(dir, 'lazy.js'), `export const value = ${lazyValue};\n`);
  writeFileSync(join(dir, 'style.css'), 'body { color: #1d232a; }\n');
  writeFileSync(join(dir, 'work.js'), "import wasm from './tiny.wasm?url';\nfetch(wasm);\n");
  writeFileSync(join(dir, 'tiny.wasm'), WASM);
  writeFileSync(join(dir, 'public', 'app.webmanifest'), '{"name":"t"}');
  writeFileSync(join(dir, 'public', 'icons', 'icon.png'), new Uint8Array([0x89, 0x50, 0x4e, 0x47]));
}

async function buildApp(dir: string, outDir: string): Promise<void> {
  await build({
    configFile: false,
    root: dir,
    logLevel: 'silent',
    plugins: [serviceWorkerPlugin({ entry: SW_SOURCE })],
    // assetsInlineLimit 0: the 8-byte wasm would otherwise become a data: URL, not a file.
    build: { outDir, emptyOutDir: true, sourcemap: true, assetsInlineLimit: 0 },
    worker: { format: 'es' },
  });
}

function filesIn(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => relative(dir, join(entry.parentPath, entry.name)).split(sep).join('/'))
    .sort();
}

type Listener = (event: unknown) => void;

/** The emitted sw.js, run in a fresh realm with the service worker globals it uses. */
function startServiceWorker(outDir: string, storage = new Map<string, Map<string, Response>>()) {
  const listeners = new Map<string, Listener>();
  const network: string[] = [];
  const state = { skippedWaiting: false, claimed: false };
  const fakeFetch = async (input: Request | string): Promise<Response> => {
    const url = new URL(typeof input === 'string' ? input : input.url);
    network.push(url.href);
    if (url.origin !== ORIGIN) throw new TypeError('Failed to fetch');
    try {
      return new Response(readFileSync(join(outDir, url.pathname)));
    } catch {
      return new Response('not found', { status: 404 });
    }
  };
  const openCache = (name: string) => {
    const entries = storage.get(name) ?? new Map<string, Response>();
    storage.set(name, entries);
    return {
      async addAll(requests: Request[]) {
        const responses = await Promise.all(requests.map(fakeFetch));
        if (responses.some((response) => !response.ok)) throw new TypeError('addAll: not ok');
        requests.forEach((request, i) => entries.set(request.url, responses[i]!));
      },
      async match(key: string) {
        return entries.get(key)?.clone();
      },
    };
  };
  const caches = {
    open: async (name: string) => openCache(name),
    keys: async () => [...storage.keys()],
    delete: async (name: string) => storage.delete(name),
  };
  const self = {
    location: { href: `${ORIGIN}/sw.js` },
    addEventListener: (type: string, listener: Listener) => listeners.set(type, listener),
    skipWaiting: async () => void (state.skippedWaiting = true),
    clients: { claim: async () => void (state.claimed = true) },
  };
  runInNewContext(readFileSync(join(outDir, 'sw.js'), 'utf8'), {
    self,
    caches,
    fetch: fakeFetch,
    Request,
    Response,
    URL,
    Set,
    Promise,
  });

  /** Runs a lifecycle event to the end of its waitUntil. */
  const lifecycle = async (type: 'install' | 'activate') => {
    let done: Promise<unknown> = Promise.resolve();
    listeners.get(type)!({ waitUntil: (promise: Promise<unknown>) => (done = promise) });
    await done;
  };
  /** A fetch event: the response the worker gives, or null when it lets the browser handle it. */
  const dispatchFetch = async (url: string, init: { method?: string; mode?: string } = {}) => {
    let answer: Promise<Response> | null = null;
    const request = { url, method: init.method ?? 'GET', mode: init.mode ?? 'cors' };
    listeners.get('fetch')!({ request, respondWith: (r: Promise<Response>) => (answer = r) });
    return answer === null ? null : await (answer as Promise<Response>);
  };
  return { storage, network, state, lifecycle, dispatchFetch };
}

beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'veil-sw-plugin-'));
  writeApp(join(root, 'app'), 1);
});

afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('serviceWorkerPlugin', () => {
  it('precaches every file the build writes but sw.js and the source maps', async () => {
    const outDir = join(root, 'out');
    await buildApp(join(root, 'app'), outDir);
    const written = filesIn(outDir);
    // The build has every kind of file this test is about.
    for (const pattern of [
      /^index\.html$/,
      /^sw\.js$/,
      /^app\.webmanifest$/,
      /^icons\/icon\.png$/,
      /^assets\/index-[\w-]+\.js$/,
      /^assets\/lazy-[\w-]+\.js$/,
      /^assets\/work-[\w-]+\.js$/,
      /^assets\/tiny-[\w-]+\.wasm$/,
      /^assets\/[\w-]+\.css$/,
      /\.js\.map$/,
    ]) {
      expect(
        written.some((file) => pattern.test(file)),
        String(pattern),
      ).toBe(true);
    }

    const sw = startServiceWorker(outDir);
    await sw.lifecycle('install');
    expect(sw.state.skippedWaiting).toBe(true);
    const [cacheName, ...others] = [...sw.storage.keys()];
    expect(others).toEqual([]);
    expect(cacheName).toMatch(/^veil-precache-[0-9a-f]{16}$/);
    expect(readFileSync(join(outDir, 'sw.js'), 'utf8')).toContain(cacheName!.slice(-16));

    const cached = [...sw.storage.get(cacheName!)!.keys()].map((url) =>
      url.slice(ORIGIN.length + 1),
    );
    const expected = written.filter((file) => file !== 'sw.js' && !file.endsWith('.map'));
    expect(cached.sort()).toEqual(expected);
    // Each URL is stored with its own file's bytes.
    for (const file of expected) {
      const response = await sw.storage.get(cacheName!)!.get(`${ORIGIN}/${file}`)!.clone();
      expect(new Uint8Array(await response.arrayBuffer()), file).toEqual(
        new Uint8Array(readFileSync(join(outDir, file))),
      );
    }
  });

  it('answers from the cache without the network, and leaves other origins alone', async () => {
    const outDir = join(root, 'out-fetch');
    await buildApp(join(root, 'app'), outDir);
    const sw = startServiceWorker(outDir);
    await sw.lifecycle('install');
    await sw.lifecycle('activate');
    expect(sw.state.claimed).toBe(true);
    sw.network.length = 0;

    const wasm = filesIn(outDir).find((file) => file.endsWith('.wasm'))!;
    const asset = await sw.dispatchFetch(`${ORIGIN}/${wasm}`);
    expect(new Uint8Array(await asset!.arrayBuffer())).toEqual(WASM);
    const page = await sw.dispatchFetch(`${ORIGIN}/some/deep/link?x=1`, { mode: 'navigate' });
    expect(await page!.text()).toBe(readFileSync(join(outDir, 'index.html'), 'utf8'));
    expect(sw.network).toEqual([]);

    expect(await sw.dispatchFetch('http://localhost:8080/index.html')).toBeNull();
    expect(await sw.dispatchFetch(`${ORIGIN}/${wasm}`, { method: 'POST' })).toBeNull();
    expect(sw.network).toEqual([]);
    // Not a file of this version nor of an older one: the network answers (here, 404).
    expect((await sw.dispatchFetch(`${ORIGIN}/not-built.txt`))?.status).toBe(404);
    expect(sw.network).toEqual([`${ORIGIN}/not-built.txt`]);
  });

  it('gives a new cache version when any file changes, and the same sw.js when none does', async () => {
    const first = join(root, 'v1');
    const again = join(root, 'v1-again');
    const second = join(root, 'v2');
    await buildApp(join(root, 'app'), first);
    await buildApp(join(root, 'app'), again);
    const changed = join(root, 'app-changed');
    writeApp(changed, 2);
    await buildApp(changed, second);
    const sw = (dir: string) => readFileSync(join(dir, 'sw.js'), 'utf8');
    expect(sw(again)).toBe(sw(first));
    const version = (dir: string) => /^\/\/ Veil service worker ([0-9a-f]{16}):/.exec(sw(dir))?.[1];
    expect(version(first)).toMatch(/^[0-9a-f]{16}$/);
    expect(version(second)).toMatch(/^[0-9a-f]{16}$/);
    expect(version(second)).not.toBe(version(first));

    // Upgrading: the new version's activate keeps the previous cache (pages still open on it) and
    // drops the one before; a page of the old version still gets its old lazy chunk.
    const storage = new Map<string, Map<string, Response>>();
    storage.set('veil-precache-0000000000000000', new Map());
    const old = startServiceWorker(first, storage);
    await old.lifecycle('install');
    await old.lifecycle('activate');
    const next = startServiceWorker(second, storage);
    await next.lifecycle('install');
    await next.lifecycle('activate');
    expect([...storage.keys()]).toEqual([
      `veil-precache-${version(first)}`,
      `veil-precache-${version(second)}`,
    ]);
    const oldLazy = filesIn(first).find((file) => /^assets\/lazy-.*\.js$/.test(file))!;
    expect(filesIn(second)).not.toContain(oldLazy);
    next.network.length = 0;
    const response = await next.dispatchFetch(`${ORIGIN}/${oldLazy}`);
    expect(await response!.text()).toContain('1');
    expect(next.network).toEqual([]);
  });
});
