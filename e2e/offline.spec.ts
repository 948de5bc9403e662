import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, sep } from 'node:path';
import { chromium, type Request } from '@playwright/test';
import { strFromU8, unzipSync } from 'fflate';
import { readFixture } from '../test/fixtures';
import { expect, test } from './fixtures';
import { VeilPage } from './pages/VeilPage';
import { APP_ORIGIN } from './support/origin';

/**
 * Offline once loaded (issue 5 §2): the page is loaded once online, the service worker takes
 * control (it has cached every file of the build by then), the browser context goes offline and the
 * page is reloaded. A whole workflow must then run: import through the file input, preview of a
 * compressed image (the codec worker and its wasm), de-identify (the worker pool), export a zip.
 * Every request of the offline part must be answered by the service worker.
 */

// JPEG2000.dcm is the compressed one the preview decodes; its patient is CompressedSamples^NM1.
const FILES = ['CT_small.dcm', 'MR_small.dcm', 'JPEG2000.dcm'];
const PROBE = 'not-part-of-the-build.txt';

/** '/'-rooted paths of every file of the build the e2e server serves. */
function buildFiles(): string[] {
  const dist = process.env.VEIL_E2E_DIST ?? 'dist';
  return readdirSync(dist, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => `/${relative(dist, join(entry.parentPath, entry.name)).split(sep).join('/')}`)
    .sort();
}

let dir: string;

test.beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'veil-offline-'));
  for (const name of FILES) writeFileSync(join(dir, name), readFixture(name));
  mkdirSync('test-results/screens', { recursive: true });
});

test.afterAll(() => rmSync(dir, { recursive: true, force: true }));

test('once loaded, Veil imports, previews, de-identifies and exports with the network cut', async ({
  veil,
  page,
  context,
}) => {
  test.setTimeout(120_000);
  await veil.open();
  await veil.offlineReady();
  // The cache holds every file of the build but the service worker itself and the source maps.
  const cached = await page.evaluate(async () => {
    const names = (await caches.keys()).filter((name) => name.startsWith('veil-precache-'));
    const cache = await caches.open(names[0]!);
    return { names, paths: (await cache.keys()).map((request) => new URL(request.url).pathname) };
  });
  expect(cached.names).toHaveLength(1);
  expect(cached.paths.sort()).toEqual(
    buildFiles().filter((path) => path !== '/sw.js' && !path.endsWith('.map')),
  );

  await context.setOffline(true);
  const offline: Request[] = [];
  context.on('request', (request) => offline.push(request));
  const reloaded = await page.reload();
  // Served from the cache with the headers it was stored with: the CSP still holds offline.
  expect(reloaded?.headers()['content-security-policy']).toContain("default-src 'self'");
  await expect(veil.openFiles).toBeVisible();
  // The network really is gone: a URL the build does not hold (the service worker passes it on)
  // cannot be fetched.
  expect(await page.evaluate(() => navigator.onLine)).toBe(false);
  expect(
    await page.evaluate(
      (probe) =>
        fetch(`/${probe}`).then(
          () => 'reached',
          () => 'unreachable',
        ),
      PROBE,
    ),
  ).toBe('unreachable');

  await veil.loadFiles(FILES.map((name) => join(dir, name)));
  await expect(page.getByText(`${FILES.length} instances`)).toBeVisible();
  await veil.openFirstInstanceOf('CompressedSamples^NM1');
  await veil.tab('Preview').click();
  await expect(await veil.previewShown()).toBeVisible();
  await veil.screenshot('offline-preview');

  await veil.runDeidentify();
  await expect(veil.status).toContainText(`${FILES.length} of ${FILES.length} files de-identified`);
  const download = await veil.exportDownload();
  const zipPath = join(dir, 'export.zip');
  await download.saveAs(zipPath);
  await expect(veil.status).toContainText('Exported');
  await veil.screenshot('offline-exported');

  const entries = unzipSync(new Uint8Array(readFileSync(zipPath)));
  const names = Object.keys(entries);
  expect(names.filter((name) => name.endsWith('.dcm'))).toHaveLength(FILES.length);
  const report = JSON.parse(strFromU8(entries['report.json']!)) as {
    summary: { included: number };
  };
  expect(report.summary.included).toBe(FILES.length);

  // Everything the page and its workers asked for came out of the service worker's cache: the app
  // itself, the de-identification workers, the codec worker and its wasm.
  const web = offline.filter(
    (request) =>
      /^https?:$/.test(new URL(request.url()).protocol) && !request.url().endsWith(`/${PROBE}`),
  );
  const paths = web.map((request) => new URL(request.url()).pathname);
  for (const [pattern, what] of [
    [/^\/$/, 'the page'],
    [/^\/assets\/index-[\w-]+\.js$/, 'the app'],
    [/^\/assets\/deid\.worker-[\w-]+\.js$/, 'the de-identification worker'],
    [/^\/assets\/codecs\.worker-[\w-]+\.js$/, 'the codec worker'],
    [/^\/assets\/openjpegwasm_decode-[\w-]+\.wasm$/, 'the JPEG 2000 decoder'],
  ] as const) {
    expect(
      paths.some((path) => pattern.test(path)),
      what,
    ).toBe(true);
  }
  for (const request of web) {
    expect(new URL(request.url()).origin).toBe(APP_ORIGIN);
    // Requests the service worker itself sent to the network (none should succeed offline).
    expect(request.serviceWorker(), request.url()).toBeNull();
    expect(request.failure(), request.url()).toBeNull();
    const response = await request.response();
    expect(response?.fromServiceWorker(), request.url()).toBe(true);
  }
  console.log(`offline: ${web.length} requests after the network was cut, all from the cache`);
});

// Chromium never offers to install from an incognito profile, and every context Playwright creates
// with newContext is one ("in-incognito"): this test launches its own browser on a real profile.
test('Chromium considers Veil installable: manifest, icons and service worker', async ({
  launchOptions,
}) => {
  const profile = mkdtempSync(join(tmpdir(), 'veil-profile-'));
  const context = await chromium.launchPersistentContext(profile, { ...launchOptions });
  try {
    const page = context.pages()[0] ?? (await context.newPage());
    const veil = new VeilPage(page);
    await page.goto(APP_ORIGIN);
    await expect(veil.openFiles).toBeVisible();
    await veil.offlineReady();
    const cdp = await context.newCDPSession(page);
    const manifest = (await cdp.send('Page.getAppManifest', {})) as {
      url: string;
      errors: { message: string }[];
    };
    expect(manifest.url).toBe(`${APP_ORIGIN}/manifest.webmanifest`);
    expect(manifest.errors).toEqual([]);
    const { installabilityErrors } = await cdp.send('Page.getInstallabilityErrors');
    expect(installabilityErrors).toEqual([]);

    // Every icon the manifest names is served, and each PNG has the size it claims (IHDR).
    const icons = await page.evaluate(async () => {
      const response = await fetch('/manifest.webmanifest');
      const { icons } = (await response.json()) as { icons: { src: string; sizes: string }[] };
      return Promise.all(
        icons.map(async ({ src, sizes }) => {
          const bytes = new Uint8Array(await (await fetch(src)).arrayBuffer());
          const view = new DataView(bytes.buffer);
          const png = bytes.length > 24 && view.getUint32(0) === 0x89504e47;
          return { src, sizes, size: png ? `${view.getUint32(16)}x${view.getUint32(20)}` : 'any' };
        }),
      );
    });
    expect(icons.map((icon) => icon.sizes)).toEqual(expect.arrayContaining(['192x192', '512x512']));
    for (const icon of icons) expect(icon.size, icon.src).toBe(icon.sizes);
  } finally {
    await context.close();
    rmSync(profile, { recursive: true, force: true });
  }
});
