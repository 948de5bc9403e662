import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { test, expect, type Page } from '@playwright/test';
import { build, preview, type PreviewServer } from 'vite';
import { HARNESS_PORT } from './support/origin';

/**
 * The image preview in the real Chromium, under the app's CSP, from a production build of a small
 * harness page (preview-test.html) that this spec builds on its own, so the page never ships with
 * the app. Each compressed transfer syntax must decode (in the loader's worker) and draw.
 */

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const OUT_DIR = `${ROOT}test-results/preview-test-dist-${HARNESS_PORT}`;
const SCREENS = `${ROOT}test-results/screens`;
const PORT = HARNESS_PORT;
const ORIGIN = `http://localhost:${PORT}`;
const fixture = (name: string): string => `${ROOT}test/fixtures/pydicom/${name}`;

let server: PreviewServer | undefined;

test.beforeAll(async () => {
  test.setTimeout(120_000);
  const configFile = `${ROOT}vite.config.ts`;
  await build({
    configFile,
    root: ROOT,
    logLevel: 'warn',
    build: {
      outDir: OUT_DIR,
      emptyOutDir: true,
      chunkSizeWarningLimit: 4096,
      rolldownOptions: { input: `${ROOT}preview-test.html` },
    },
  });
  server = await preview({
    configFile,
    root: ROOT,
    logLevel: 'warn',
    build: { outDir: OUT_DIR },
    preview: { port: PORT, strictPort: true, open: false },
  });
  mkdirSync(SCREENS, { recursive: true });
});

test.afterAll(async () => {
  await server?.close();
});

interface Watch {
  readonly foreign: string[];
  readonly cspViolations: string[];
  readonly workers: string[];
}

async function openHarness(page: Page): Promise<Watch> {
  const watch: Watch = { foreign: [], cspViolations: [], workers: [] };
  page.on('request', (request) => {
    const url = new URL(request.url());
    if (!['blob:', 'data:'].includes(url.protocol) && url.origin !== ORIGIN) {
      watch.foreign.push(request.url());
    }
  });
  page.on('console', (message) => {
    if (/content security policy/i.test(message.text())) watch.cspViolations.push(message.text());
  });
  page.on('worker', (worker) => watch.workers.push(worker.url()));
  const response = await page.goto(`${ORIGIN}/preview-test.html`);
  expect(response?.headers()['content-security-policy']).toContain("worker-src 'self' blob:");
  return watch;
}

const viewport = (page: Page) => page.getByRole('img', { name: /original|de-identified/ });

async function load(page: Page, name: string): Promise<void> {
  await page.getByLabel('DICOM file').setInputFiles(fixture(name));
  await expect(viewport(page)).toHaveAttribute('aria-busy', 'false', { timeout: 20_000 });
  await expect(page.getByRole('alert')).toHaveCount(0);
}

/** What the canvas holds: its size, a checksum and how many distinct grey/RGB values it shows. */
async function canvasSummary(page: Page) {
  return page.locator('.veil-preview__viewport canvas').evaluate((node) => {
    const canvas = node as HTMLCanvasElement;
    const context = canvas.getContext('2d');
    if (!context) throw new Error('no 2d context');
    const { data } = context.getImageData(0, 0, canvas.width, canvas.height);
    const colours = new Set<number>();
    let hash = 0;
    for (let i = 0; i < data.length; i += 4) {
      const rgb = (data[i]! << 16) | (data[i + 1]! << 8) | data[i + 2]!;
      colours.add(rgb);
      hash = (Math.imul(hash, 31) + rgb) | 0;
    }
    return { width: canvas.width, height: canvas.height, colours: colours.size, hash };
  });
}

const CASES = [
  { name: 'MR_small.dcm', syntax: 'explicit VR little endian' },
  { name: 'MR_small_bigendian.dcm', syntax: 'explicit VR big endian' },
  { name: 'image_dfl.dcm', syntax: 'deflated' },
  { name: 'CT_small.dcm', syntax: 'explicit VR little endian (CT)' },
  { name: 'SC_rgb_jpeg_dcmtk.dcm', syntax: 'JPEG baseline' },
  { name: 'JPGExtended.dcm', syntax: 'JPEG extended' },
  { name: 'SC_rgb_jpeg_gdcm.dcm', syntax: 'JPEG lossless' },
  { name: 'MR_small_jpeg_ls_lossless.dcm', syntax: 'JPEG-LS lossless' },
  { name: 'MR_small_jp2klossless.dcm', syntax: 'JPEG 2000 lossless' },
  { name: 'JPEG2000.dcm', syntax: 'JPEG 2000' },
  { name: 'MR_small_RLE.dcm', syntax: 'RLE' },
] as const;

for (const { name, syntax } of CASES) {
  test(`displays ${syntax} (${name})`, async ({ page }) => {
    const watch = await openHarness(page);
    await load(page, name);
    const summary = await canvasSummary(page);
    expect(summary.width).toBeGreaterThan(0);
    // A real image, not a blank or single-colour canvas.
    expect(summary.colours).toBeGreaterThan(16);
    await page
      .locator('.veil-preview')
      .screenshot({ path: `${SCREENS}/preview-${name.replace('.dcm', '')}.png` });
    expect(watch.cspViolations).toEqual([]);
    expect(watch.foreign).toEqual([]);
  });
}

test('lossless JPEG-LS, JPEG 2000 and RLE decode to the very pixels of the native file', async ({
  page,
}) => {
  const watch = await openHarness(page);
  await load(page, 'MR_small.dcm');
  const native = await canvasSummary(page);
  for (const name of [
    'MR_small_jpeg_ls_lossless.dcm',
    'MR_small_jp2klossless.dcm',
    'MR_small_RLE.dcm',
  ]) {
    await load(page, name);
    expect(await canvasSummary(page), name).toEqual(native);
  }
  // Decoding ran in workers: the loader's own (RLE, from a blob: URL) and Veil's wasm codec worker
  // (JPEG-LS, JPEG 2000), a same-origin asset.
  expect(watch.workers.some((url) => url.startsWith('blob:'))).toBe(true);
  expect(
    watch.workers.some((url) => /^http:\/\/localhost:\d+\/assets\/codecs\.worker/.test(url)),
  ).toBe(true);
  expect(watch.cspViolations).toEqual([]);
});

test('steps through the frames of a multi-frame image by keyboard and slider', async ({ page }) => {
  await openHarness(page);
  await load(page, 'SC_rgb_rle_2frame.dcm');
  const slider = page.getByRole('slider', { name: 'Frame' });
  await expect(slider).toHaveAttribute('aria-valuetext', 'Frame 1 of 2');
  const first = await canvasSummary(page);
  await page.locator('.veil-preview').screenshot({ path: `${SCREENS}/preview-2frame-1.png` });

  await viewport(page).focus();
  await page.keyboard.press('ArrowDown');
  await expect(slider).toHaveAttribute('aria-valuetext', 'Frame 2 of 2');
  await expect(viewport(page)).toHaveAttribute('aria-busy', 'false');
  const second = await canvasSummary(page);
  expect(second.hash).not.toBe(first.hash);
  await page.locator('.veil-preview').screenshot({ path: `${SCREENS}/preview-2frame-2.png` });

  await slider.fill('1');
  await expect(slider).toHaveAttribute('aria-valuetext', 'Frame 1 of 2');
  await expect(viewport(page)).toHaveAttribute('aria-busy', 'false');
  expect((await canvasSummary(page)).hash).toBe(first.hash);
});

test('window and level follow a mouse drag and reset', async ({ page }) => {
  await openHarness(page);
  await load(page, 'CT_small.dcm');
  const width = page.getByRole('spinbutton', { name: 'Window width' });
  const center = page.getByRole('spinbutton', { name: 'Window center' });
  const startWidth = Number(await width.inputValue());
  const startCenter = Number(await center.inputValue());
  const before = await canvasSummary(page);

  const box = (await viewport(page).boundingBox())!;
  await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
  await page.mouse.down();
  await page.mouse.move(box.x + box.width / 2 + 80, box.y + box.height / 2 + 40, { steps: 5 });
  await page.mouse.up();

  await expect.poll(async () => Number(await width.inputValue())).toBeGreaterThan(startWidth);
  await expect.poll(async () => Number(await center.inputValue())).toBeGreaterThan(startCenter);
  // cornerstone redraws on the next animation frame.
  await expect.poll(async () => (await canvasSummary(page)).hash).not.toBe(before.hash);

  await page.getByRole('button', { name: 'Reset window' }).click();
  await expect(width).toHaveValue(String(startWidth));
  await expect(center).toHaveValue(String(startCenter));
  await expect.poll(async () => (await canvasSummary(page)).hash).toBe(before.hash);

  // The same window typed in by keyboard.
  await width.fill(String(startWidth * 2));
  await expect.poll(async () => (await canvasSummary(page)).hash).not.toBe(before.hash);
});

test('toggles between the original and the de-identified image', async ({ page }) => {
  await openHarness(page);
  await load(page, 'MR_small.dcm');
  const original = await canvasSummary(page);
  await page.getByLabel('De-identified file').setInputFiles(fixture('MR_small_RLE.dcm'));
  const toggle = page.getByRole('radiogroup', { name: 'Image shown' });
  await expect(toggle.getByRole('radio', { name: 'Original' })).toBeChecked();
  await toggle.getByRole('radio', { name: 'De-identified' }).check();
  await expect(page.getByRole('img', { name: /de-identified/ })).toHaveAttribute(
    'aria-busy',
    'false',
  );
  // Same pixels (lossless), same window: the same picture.
  expect(await canvasSummary(page)).toEqual(original);
  await page.locator('.veil-preview').screenshot({ path: `${SCREENS}/preview-after.png` });
});

/** A fixture changed by `change`, written where the harness can pick it up. */
function derived(name: string, as: string, change: (bytes: Buffer) => Buffer): string {
  const dir = `${ROOT}test-results/preview-derived-${HARNESS_PORT}`;
  mkdirSync(dir, { recursive: true });
  const path = `${dir}/${as}`;
  writeFileSync(path, change(readFileSync(fixture(name))));
  return path;
}

test('displays a dataset without preamble or file meta, as older archives keep them', async ({
  page,
}) => {
  await openHarness(page);
  await load(page, 'MR_small.dcm');
  const part10 = await canvasSummary(page);
  for (const name of ['MR_small.dcm', 'MR_small_implicit.dcm']) {
    // Preamble, DICM and the meta group (its length is the UL at offset 140) cut off.
    const raw = derived(name, `raw-${name}`, (bytes) =>
      bytes.subarray(144 + bytes.readUInt32LE(140)),
    );
    await page.getByLabel('DICOM file').setInputFiles(raw);
    await expect(viewport(page)).toHaveAttribute('aria-label', `raw-${name}, original`);
    await expect(viewport(page)).toHaveAttribute('aria-busy', 'false', { timeout: 20_000 });
    await expect(page.getByRole('alert')).toHaveCount(0);
    expect(await canvasSummary(page), name).toEqual(part10);
  }
});

test('displays every frame of a file whose Basic Offset Table misses its fragments', async ({
  page,
}) => {
  await openHarness(page);
  await load(page, 'SC_rgb_rle_2frame.dcm');
  const slider = page.getByRole('slider', { name: 'Frame' });
  const intact = [await canvasSummary(page)];
  await slider.fill('2');
  await expect(viewport(page)).toHaveAttribute('aria-busy', 'false');
  intact.push(await canvasSummary(page));

  // The table's second offset one byte past the fragment (GDCM's XA example is written so).
  const broken = derived('SC_rgb_rle_2frame.dcm', 'bot-off-by-one.dcm', (bytes) => {
    const copy = Buffer.from(bytes);
    const table = copy.indexOf(Buffer.from([0xfe, 0xff, 0x00, 0xe0, 8, 0, 0, 0]));
    copy.writeUInt32LE(copy.readUInt32LE(table + 12) + 1, table + 12);
    return copy;
  });
  await page.getByLabel('DICOM file').setInputFiles(broken);
  await expect(viewport(page)).toHaveAttribute('aria-label', 'bot-off-by-one.dcm, original');
  await expect(viewport(page)).toHaveAttribute('aria-busy', 'false', { timeout: 20_000 });
  await expect(page.getByRole('alert')).toHaveCount(0);
  expect(await canvasSummary(page)).toEqual(intact[0]);
  await slider.fill('2');
  await expect(slider).toHaveAttribute('aria-valuetext', 'Frame 2 of 2');
  await expect(viewport(page)).toHaveAttribute('aria-busy', 'false');
  expect(await canvasSummary(page)).toEqual(intact[1]);
});

test('warns about burned-in text and explains a file it cannot decode', async ({ page }) => {
  await openHarness(page);
  await page.getByLabel('Burned-in risk').check();
  await expect(page.getByRole('alert')).toContainText('Burned-in text risk');

  await page.getByLabel('DICOM file').setInputFiles({
    name: 'notes.dcm',
    mimeType: 'application/dicom',
    buffer: Buffer.from('this is a text file, not a DICOM image\n'.repeat(8)),
  });
  const error = page.getByRole('alert').filter({ hasText: 'cannot be displayed' });
  await expect(error).toBeVisible({ timeout: 20_000 });
  await page.locator('.veil-preview').screenshot({ path: `${SCREENS}/preview-error.png` });
});

test('the other components render under the CSP with real data (gallery screenshots)', async ({
  page,
}) => {
  const watch = await openHarness(page);
  await page.goto(`${ORIGIN}/preview-test.html?gallery`);
  await page.getByLabel('DICOM file').setInputFiles(fixture('CT_small.dcm'));
  await page.setViewportSize({ width: 1100, height: 900 });

  const tree = page.getByTestId('gallery-tree');
  await expect(
    tree.getByRole('treeitem', { name: /^Series 2, CT, Axial 1.25 mm, 5,000 images/ }),
  ).toBeVisible();
  await expect(
    tree.getByRole('treeitem', { name: /^Series 901.*burned-in text risk/ }),
  ).toBeVisible();
  await tree.getByRole('treeitem', { name: /^Series 2,/ }).click();
  await tree.getByRole('tree').press('ArrowRight');
  await expect(tree.getByRole('treeitem', { name: 'Image #1, de-identified' })).toBeVisible();
  await tree.screenshot({ path: `${SCREENS}/component-study-tree.png` });

  const tags = page.getByTestId('gallery-tags');
  await tags.getByRole('searchbox', { name: 'Search tags' }).fill('GEMS');
  await expect(
    tags.getByRole('treeitem', { name: /^\(0009,1001\) Private, creator GEMS_IDEN_01/ }),
  ).toBeVisible();
  await tags.screenshot({ path: `${SCREENS}/component-tag-inspector.png` });

  const diff = page.getByTestId('gallery-diff');
  await diff.getByRole('checkbox', { name: 'Changes only' }).check();
  await expect(diff.getByRole('row', { name: /\(0010,0010\)/ })).toBeVisible();
  await diff.screenshot({ path: `${SCREENS}/component-diff.png` });

  const summary = page.getByTestId('gallery-summary');
  await summary
    .getByRole('button', { name: /^Removed in 3 files/ })
    .first()
    .click();
  await expect(summary.getByRole('button', { name: 'file 2.dcm' })).toBeVisible();
  await summary.screenshot({ path: `${SCREENS}/component-batch-summary.png` });

  const progress = page.getByTestId('gallery-progress');
  await expect(progress.getByRole('progressbar')).toHaveAttribute('aria-valuenow', '150');
  await progress.screenshot({ path: `${SCREENS}/component-progress.png` });

  const rules = page.getByTestId('gallery-rules');
  await rules.getByRole('radio', { name: /^Shift per patient/ }).check();
  await expect(
    rules.getByRole('checkbox', {
      name: 'Retain Longitudinal Temporal Information Modified Dates Option',
    }),
  ).toBeChecked();
  await rules.getByRole('button', { name: 'Add rule' }).click();
  await rules.getByRole('textbox', { name: 'Rule 1 tag or keyword' }).fill('(0019,xx0C)');
  await rules.screenshot({ path: `${SCREENS}/component-rules.png` });

  expect(watch.cspViolations).toEqual([]);
  expect(watch.foreign).toEqual([]);
});
