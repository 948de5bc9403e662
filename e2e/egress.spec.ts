import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, sep } from 'node:path';
import type { Request } from '@playwright/test';
import { unzipSync, zipSync } from 'fflate';
import { readFixture } from '../test/fixtures';
import { expect, test } from './fixtures';
import { APP_ORIGIN } from './support/origin';

/**
 * Nothing leaves the machine (issue 5 §1). Every request of the browser context is recorded (the
 * page, its Web Workers, and the service worker: Playwright reports a Chromium service worker's own
 * fetches on the context) through a whole workflow: import (with a zip and a file that is not
 * DICOM), preview of a compressed image, de-identify, review a diff, export the zip, export the
 * audit log. It fails on any request to another origin, and on any request after the app has
 * loaded that is not a GET of one of the build's own files.
 */

const FILES = ['CT_small.dcm', 'MR_small.dcm', 'JPEG2000.dcm'];
const ZIPPED = ['MR_small_RLE.dcm', 'SC_rgb_jpeg_dcmtk.dcm'];
const INSTANCES = FILES.length + ZIPPED.length;

/** blob: (the export download, worker-made object URLs) and data: never leave the browser. */
const LOCAL_SCHEMES = new Set(['blob:', 'data:']);

/** '/'-rooted paths of every file the build folder holds: the only things the app may fetch. */
function buildFiles(): Set<string> {
  const dist = process.env.VEIL_E2E_DIST ?? 'dist';
  const entries = readdirSync(dist, { recursive: true, withFileTypes: true });
  return new Set(
    entries
      .filter((entry) => entry.isFile())
      .map(
        (entry) => `/${relative(dist, join(entry.parentPath, entry.name)).split(sep).join('/')}`,
      ),
  );
}

interface Seen {
  readonly request: Request;
  /** Sent after the page's load event. */
  readonly afterLoad: boolean;
}

let dir: string;

test.beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'veil-egress-'));
  for (const name of FILES) writeFileSync(join(dir, name), readFixture(name));
  writeFileSync(
    join(dir, 'two-more.zip'),
    zipSync(Object.fromEntries(ZIPPED.map((name) => [`zipped/${name}`, readFixture(name)]))),
  );
  writeFileSync(join(dir, 'notes.txt'), 'Scanned on Tuesday. Not an image.\n');
});

test.afterAll(() => rmSync(dir, { recursive: true, force: true }));

test('a whole workflow sends no request off the machine, and after load only fetches its own files', async ({
  veil,
  page,
  context,
}) => {
  test.setTimeout(120_000);
  const seen: Seen[] = [];
  let loaded = false;
  context.on('request', (request) => seen.push({ request, afterLoad: loaded }));
  // Loaded: the page's load event. The service worker registers on it, so all its traffic is after.
  page.once('load', () => (loaded = true));
  const sockets: string[] = [];
  page.on('websocket', (socket) => sockets.push(socket.url()));
  // A request the CSP blocks never reaches the network, so it is not seen above: count those too.
  await page.addInitScript(() => {
    const blocked: string[] = [];
    (window as { veilBlocked?: string[] }).veilBlocked = blocked;
    document.addEventListener('securitypolicyviolation', (event) => blocked.push(event.blockedURI));
  });

  await veil.open();
  expect(loaded).toBe(true);
  // Let the service worker install (it fetches every file of the build) inside the recorded window.
  await veil.offlineReady();

  await veil.loadFiles([...FILES, 'two-more.zip', 'notes.txt'].map((name) => join(dir, name)));
  await expect(page.getByText(`${INSTANCES} instances`)).toBeVisible();
  await expect(veil.skipped).toContainText('1 file skipped');

  await veil.openFirstInstanceOf('CompressedSamples^NM1');
  await veil.tab('Preview').click();
  await expect(await veil.previewShown()).toBeVisible();

  await veil.runDeidentify();
  await expect(veil.status).toContainText(`${INSTANCES} of ${INSTANCES} files de-identified`);
  await veil.tab('Diff').click();
  const diff = page.getByRole('table', { name: 'Tag differences' });
  await expect(diff.getByRole('row').filter({ hasText: '(0010,0010)' })).toBeVisible();

  const download = await veil.exportDownload();
  const zip = unzipSync(new Uint8Array(readFileSync(await download.path())));
  expect(Object.keys(zip).filter((name) => name.endsWith('.dcm'))).toHaveLength(INSTANCES);
  await expect(veil.status).toContainText('Exported');

  // The audit trail, exported from its own view (a Blob download, like the zip).
  await page.getByRole('button', { name: 'Audit log', exact: true }).click();
  const auditDownload = page.waitForEvent('download');
  await page.getByRole('button', { name: 'Export audit JSON', exact: true }).click();
  const audit = readFileSync(await (await auditDownload).path(), 'utf8');
  expect(JSON.parse(audit)).toBeTruthy();

  const allowed = buildFiles();
  const described = seen.map(({ request, afterLoad }) => {
    const url = new URL(request.url());
    return {
      what: `${request.method()} ${request.url()}${request.serviceWorker() ? ' (service worker)' : ''}`,
      local: LOCAL_SCHEMES.has(url.protocol),
      ownOrigin: url.origin === APP_ORIGIN,
      ownFile: request.method() === 'GET' && allowed.has(url.pathname) && url.search === '',
      afterLoad,
      fromServiceWorker: request.serviceWorker() !== null,
    };
  });
  const foreign = described.filter((r) => !r.local && !r.ownOrigin);
  const notAnAsset = described.filter((r) => r.afterLoad && !r.local && !r.ownFile);
  console.log(
    `egress: ${described.length} requests seen (${described.filter((r) => !r.afterLoad).length} while loading, ` +
      `${described.filter((r) => r.fromServiceWorker).length} by the service worker), ` +
      `${foreign.length} outside ${APP_ORIGIN}, ${notAnAsset.length} after load that were not the build's own files`,
  );
  expect(foreign.map((r) => r.what)).toEqual([]);
  expect(notAnAsset.map((r) => r.what)).toEqual([]);
  expect(sockets).toEqual([]);
  expect(await page.evaluate(() => (window as { veilBlocked?: string[] }).veilBlocked)).toEqual([]);

  // The recording is not blind: it saw the page, a worker's own fetch (the JPEG 2000 decoder's wasm,
  // fetched inside the codec worker) and the service worker's precache fetches.
  const paths = seen.map(({ request }) => new URL(request.url()).pathname);
  expect(paths).toContain('/');
  expect(paths.some((path) => /^\/assets\/openjpegwasm_decode-[\w-]+\.wasm$/.test(path))).toBe(
    true,
  );
  expect(described.filter((r) => r.fromServiceWorker).length).toBeGreaterThan(0);
});
