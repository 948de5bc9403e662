import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildSync } from 'esbuild';
import { strFromU8, unzipSync } from 'fflate';
import { readFixture } from '../test/fixtures';
import { quotedPhi, readCorpusFile, readManifest } from '../test/hostile/corpus';
import type { CorpusEntry } from '../test/hostile/generate';
import { layFile } from '../test/hostile/layout';
import { expect, test } from './fixtures';

/**
 * Hostile files in the real browser (issue 5 §5): a handful of the committed corpus opened with good
 * files through the file input, de-identified and exported. Every bad file is listed, skipped at
 * import or failed at the run, with a reason and its name; only the good ones reach the zip, whole;
 * and the page goes on working.
 */

const manifest = readManifest();
const entry = (file: string): CorpusEntry => {
  const found = manifest.entries.find((e) => e.file === file);
  if (!found) throw new Error(`${file} is not in the hostile corpus`);
  return found;
};

/** Not DICOM at all, unreadable headers, a zip bomb, a deflate bomb, a name in the wrong place. */
const SKIPPED = [
  'not-dicom-empty.dcm',
  'not-dicom-image.png',
  'not-dicom-letter.pdf',
  'not-dicom-notes.txt',
  'nesting-10000-explicit-defined.dcm',
  'truncated-ct-at-00339.dcm',
  'structure-transfer-syntax-holds-a-name.dcm',
  'deflate-bomb.dcm',
];
const ZIP_BOMB = 'not-dicom-zip-bomb.zip';
/** Headers that read, bodies that do not: listed, then failed by the run. One patient each. */
const FAILED = [
  'length-pixel-native-large.dcm',
  'undefined-pixel-no-delimiter.dcm',
  manifest.entries.find(
    (e) =>
      e.file.startsWith('truncated-phi-implicit-') &&
      e.expect.header === 'ok' &&
      e.expect.deidentify === 'TRUNCATED',
  )!.file,
];
/** Odd but legitimately readable: it must come out like the good files. */
const CORPUS_OK = 'nesting-64-explicit-undefined.dcm';
const GOOD = ['CT_small.dcm', 'MR_small.dcm', 'JPEG2000.dcm'];

const sha256 = (bytes: Uint8Array): string => createHash('sha256').update(bytes).digest('hex');

/**
 * Patient's Name as the tree shows it, read by the corpus's own lister from the part before Pixel
 * Data (the broken part of these files comes after it).
 */
function patientName(bytes: Uint8Array): string {
  const pixelData = Buffer.from(bytes).indexOf(Buffer.from([0xe0, 0x7f, 0x10, 0x00]));
  const header = bytes.subarray(0, pixelData);
  const element = layFile(header).dataset!.find((e) => e.tag === 0x00100010)!;
  return String.fromCharCode(
    ...bytes.subarray(element.valueOffset, element.valueOffset + element.length),
  ).replace(/[\0 ]+$/, '');
}

let root: string;

test.beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'veil-hostile-e2e-'));
});

test.afterAll(() => rmSync(root, { recursive: true, force: true }));

/** core's strict parseFile over each file, in a child process (see e2e/support/parseFiles.ts). */
function parseAll(files: readonly Uint8Array[]): (string | null)[] {
  const paths = files.map((bytes, i) => {
    const path = join(root, `out-${i}.dcm`);
    writeFileSync(path, bytes);
    return path;
  });
  const script = join(root, 'parseFiles.mjs');
  buildSync({
    entryPoints: ['e2e/support/parseFiles.ts'],
    outfile: script,
    bundle: true,
    platform: 'node',
    format: 'esm',
    logLevel: 'warning',
    banner: {
      js: "import { createRequire as __veilRequire } from 'node:module'; const require = __veilRequire(import.meta.url);",
    },
  });
  const results = JSON.parse(
    execFileSync(process.execPath, [script, ...paths], { encoding: 'utf8' }),
  ) as Record<string, string | null>;
  return paths.map((path) => results[path] ?? null);
}

test('bad files are listed with a reason, good ones are exported whole, the page carries on', async ({
  veil,
  page,
}) => {
  test.setTimeout(180_000);
  const files = new Map<string, Uint8Array>();
  for (const name of [...SKIPPED, ZIP_BOMB, ...FAILED, CORPUS_OK])
    files.set(name, readCorpusFile(name));
  for (const name of GOOD) files.set(name, readFixture(name));
  const paths = [...files].map(([name, bytes]) => {
    const path = join(root, name);
    writeFileSync(path, bytes);
    return path;
  });

  await veil.open();
  const started = Date.now();
  await veil.loadFiles(paths);
  const instances = GOOD.length + FAILED.length + 1;
  await expect(page.getByText(`${instances} instances`)).toBeVisible({ timeout: 60_000 });
  await expect(veil.status).toContainText('Ready', { timeout: 60_000 });
  console.log(`hostile import: ${Date.now() - started} ms for ${files.size} files`);

  // Skipped at import: each one by name, with a reason; the zip bomb's entries too.
  for (const name of SKIPPED) {
    const row = await veil.skippedRow(name);
    await expect(row, name).toHaveCount(1);
    const reason = (await row.locator('.veil-study-tree__skipped-reason').textContent()) ?? '';
    expect(reason, name).toMatch(/\S/);
  }
  const bombRows = await veil.skippedRow(ZIP_BOMB);
  await expect(bombRows).toHaveCount(4);
  for (const row of await bombRows.all()) {
    await expect(row.locator('.veil-study-tree__skipped-reason')).toHaveText(/\S/);
  }
  await veil.screenshot('hostile-import');

  await veil.runDeidentify();
  await expect(veil.status).toContainText(
    `${instances - FAILED.length} of ${instances} files de-identified, ${FAILED.length} failed`,
  );

  // Failed at the run: each one, opened from the tree, says why, under its own name.
  for (const name of FAILED) {
    await veil.openFirstInstanceOf(patientName(files.get(name)!));
    await veil.tab('Diff').click();
    await expect(page.getByTitle(name)).toBeVisible();
    // The Diff tab says why: the run's error, or the reader's when the file cannot even be shown.
    await expect(
      page.getByRole('tabpanel').getByText(/could not be de-identified|cannot be shown/),
    ).toContainText(/: \S/);
  }
  await veil.tab('Summary').click();
  await expect(page.getByText(`${FAILED.length} files could not be de-identified`)).toBeVisible();
  await veil.screenshot('hostile-failed');

  const download = await veil.exportDownload();
  const zipPath = join(root, 'export.zip');
  await download.saveAs(zipPath);
  await expect(veil.status).toContainText('Exported');
  const entries = unzipSync(new Uint8Array(readFileSync(zipPath)));
  const dicoms = Object.keys(entries).filter((n) => n.endsWith('.dcm'));
  // Only the good files (and the odd-but-valid one), each whole: the strict reader reads them all.
  expect(dicoms.length).toBe(GOOD.length + 1);
  expect(parseAll(dicoms.map((n) => entries[n]!))).toEqual(dicoms.map(() => null));

  const reportText = strFromU8(entries['report.json']!);
  const report = JSON.parse(reportText) as {
    files: { outputSha256: string }[];
    leftOut: { item: number; status: string; code: string; reason: string; inputSha256?: string }[];
  };
  expect(report.files.map((f) => f.outputSha256).sort()).toEqual(
    dicoms.map((n) => sha256(entries[n]!)).sort(),
  );
  // Every failed file is in the report, found by its hash, with its code and reason.
  for (const name of FAILED) {
    const left = report.leftOut.find((l) => l.inputSha256 === sha256(files.get(name)!));
    expect(left, name).toMatchObject({ status: 'failed', code: entry(name).expect.deidentify });
    expect(left!.reason).toMatch(/\S/);
  }
  // Every skipped file too (by its item number, which the skipped list shows as #n).
  const skippedCount = report.leftOut.filter((l) => l.status === 'skipped').length;
  expect(skippedCount).toBe(SKIPPED.length + 4);
  for (const name of SKIPPED) {
    const text = (await (await veil.skippedRow(name)).textContent()) ?? '';
    const item = Number(/#(\d+)/.exec(text)?.[1]);
    expect(
      report.leftOut.find((l) => l.item === item),
      name,
    ).toMatchObject({ status: 'skipped' });
  }
  // The archive names no file and quotes nothing from the bad ones (the page may show PHI; the
  // zip must not). Soft, so that the rest of the walk still runs and reports.
  for (const name of files.keys()) expect.soft(reportText).not.toContain(name);
  const phi = [...new Set([...SKIPPED, ...FAILED].flatMap((name) => entry(name).phi))];
  expect.soft(quotedPhi(reportText, phi), 'values from bad files in report.json').toEqual([]);

  // Still usable: clear, open one good file, de-identify it.
  await veil.clearFiles();
  await veil.loadFiles([join(root, 'MR_small.dcm')]);
  await expect(page.getByText('1 patient · 1 instance')).toBeVisible();
  await veil.deidentify.click();
  await veil.tab('Summary').click();
  await expect(page.getByText(/\b1 file de-identified/)).toBeVisible({ timeout: 60_000 });
  // The status line should speak of this run, not of the export before it.
  await expect.soft(veil.status).toContainText('1 of 1 files de-identified');
  await veil.screenshot('hostile-after');
});
