import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { strFromU8, unzipSync } from 'fflate';
import { readFixture } from '../test/fixtures';
import { findCanaries } from '../test/support/canaryScan';
import { makePhiFile } from '../test/support/phiCanaries';
import { TS } from '../test/support/transferSyntax';
import { expect, test } from './fixtures';
import { AuditPanel, type StoredEntry } from './pages/AuditPanel';
import type { VeilPage } from './pages/VeilPage';

/**
 * The audit trail and retention as a privacy officer meets them (issue 4): every step leaves an
 * entry; entries survive a reload; the log's JSON export and each zip's audit.json verify with the
 * real command line; retention deletes expired working data (clock moved forward) and logs it; a
 * browser without IndexedDB refuses to run until the person acknowledges it; an unfinished batch is
 * offered for resuming; and no canary of PHI-laden files reaches the stored log or its exports.
 */

const FIXTURES = ['CT_small.dcm', 'MR_small.dcm', 'JPEG2000.dcm'];
/** JPEG2000.dcm's patient. */
const PATIENT = 'CompressedSamples^NM1';

let root: string;
let folder: string;

test.beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'veil-audit-'));
  folder = join(root, 'study');
  mkdirSync(folder);
  for (const name of FIXTURES) writeFileSync(join(folder, name), readFixture(name));
  mkdirSync('test-results/screens', { recursive: true });
});

test.afterAll(() => rmSync(root, { recursive: true, force: true }));

/** `veil audit verify FILE` with the built command line: its exit code and what it printed. */
function cliVerify(path: string): { code: number | null; out: string } {
  const run = spawnSync(process.execPath, ['bin/veil.mjs', 'audit', 'verify', path], {
    encoding: 'utf8',
  });
  return { code: run.status, out: `${run.stdout}${run.stderr}` };
}

const sha256 = (bytes: Uint8Array): string => createHash('sha256').update(bytes).digest('hex');

let saved = 0;
/** Saves a download under the test's folder and returns its bytes and path. */
async function keep(download: import('@playwright/test').Download) {
  const path = join(root, `${++saved}-${download.suggestedFilename()}`);
  await download.saveAs(path);
  return { path, bytes: new Uint8Array(readFileSync(path)) };
}

/** Exports the zip and returns its entries (and its own bytes). */
async function exportZip(veil: VeilPage) {
  const zip = await keep(await veil.exportDownload());
  await expect(veil.status).toContainText('Exported');
  return { ...zip, entries: unzipSync(zip.bytes) };
}

const types = (entries: readonly StoredEntry[]) => entries.map((e) => e.event.type);

test('every step leaves an entry that survives a reload; the exports verify with the CLI', async ({
  veil,
  page,
}) => {
  test.setTimeout(120_000);
  const audit = new AuditPanel(page);
  await veil.open();
  await veil.setOperator('Dr Ada Tester');
  await veil.loadFolder(folder);
  await expect(page.getByText(`${FIXTURES.length} instances`)).toBeVisible();
  // A PHI view: the original image (Preview), then the original tags.
  await veil.openFirstInstanceOf(PATIENT);
  await veil.tab('Tags').click();
  await expect(page.getByRole('tree', { name: 'Tags of this file' })).toBeVisible();
  await veil.runDeidentify();
  await veil.signOff();
  const zip = await exportZip(veil);

  // The stored log: one entry per step, in the order they happened, all signed by the operator.
  await expect.poll(async () => types(await audit.storedEntries())).toContain('exported');
  const entries = await audit.storedEntries();
  const seen = types(entries);
  for (const type of [
    'settings-changed',
    'files-imported',
    'phi-viewed',
    'profile-chosen',
    'key-generated',
    'file-deidentified',
    'review-signed-off',
    'exported',
  ]) {
    expect(seen, type).toContain(type);
  }
  expect(seen.filter((t) => t === 'file-deidentified')).toHaveLength(FIXTURES.length);
  expect(seen.indexOf('files-imported')).toBeLessThan(seen.indexOf('file-deidentified'));
  expect(seen.indexOf('review-signed-off')).toBeLessThan(seen.indexOf('exported'));
  const views = entries.filter((e) => e.event.type === 'phi-viewed').map((e) => e.event.view);
  expect(views).toEqual(['image', 'tags']);
  expect(new Set(entries.map((e) => e.operator))).toEqual(new Set(['Dr Ada Tester']));
  const imported = entries.find((e) => e.event.type === 'files-imported')!.event;
  expect(imported.count).toBe(FIXTURES.length);
  expect([...(imported.inputHashes as string[])].sort()).toEqual(
    FIXTURES.map((name) => sha256(readFixture(name))).sort(),
  );

  // The zip: its audit.json verifies on its own, and the exported entry names the zip's hash.
  const names = Object.keys(zip.entries);
  expect(names).toContain('audit.json');
  const segmentPath = join(root, 'audit.json');
  writeFileSync(segmentPath, zip.entries['audit.json']!);
  const segmentCheck = cliVerify(segmentPath);
  expect(segmentCheck.out).toContain('verified');
  expect(segmentCheck.code).toBe(0);
  const segment = JSON.parse(strFromU8(zip.entries['audit.json']!)) as { entries: StoredEntry[] };
  expect(types(segment.entries)[0]).toBe('files-imported');
  expect(types(segment.entries)).not.toContain('exported');
  const exported = entries.find((e) => e.event.type === 'exported')!.event;
  expect(exported.archiveHash).toBe(sha256(zip.bytes));
  expect(exported.fileCount).toBe(FIXTURES.length);
  expect(exported.mappingIncluded).toBe(false);
  const report = JSON.parse(strFromU8(zip.entries['report.json']!)) as {
    auditTrail: { file: string; stored: boolean; withoutStoredTrailAcknowledged: boolean };
  };
  expect(report.auditTrail).toMatchObject({
    file: 'audit.json',
    stored: true,
    withoutStoredTrailAcknowledged: false,
  });

  // The audit view: newest first, verified, exported as JSON (verifies) and CSV.
  await audit.open();
  expect((await audit.shownEvents())[0]).toBe('Exported');
  expect(await audit.verify()).toContain('Verified');
  const json = await keep(await audit.exportJson());
  const jsonCheck = cliVerify(json.path);
  expect(jsonCheck.out).toContain(`verified: ${entries.length} entries (1 to ${entries.length})`);
  expect(jsonCheck.code).toBe(0);
  const csv = await keep(await audit.exportCsv());
  const lines = strFromU8(csv.bytes).trimEnd().split('\r\n');
  expect(lines[0]).toBe('seq,time,operator,app_version,event,details,prev_hash,hash');
  // The JSON export is itself logged before the CSV is made.
  expect(lines).toHaveLength(entries.length + 2);
  await expect(audit.count).toHaveText(new RegExp(`^${entries.length + 2} entries\\b`));
  expect((await audit.shownEvents()).slice(0, 2)).toEqual([
    'Audit log exported',
    'Audit log exported',
  ]);

  await audit.filterEvent('File de-identified');
  await expect(audit.count).toHaveText(new RegExp(`^${FIXTURES.length} entries match\\b`));
  await audit.clearFilters();
  await audit.filterOperator('Dr Ada Tester');
  await expect(audit.count).toHaveText(new RegExp(`^${entries.length + 2} entries match\\b`));
  // Today in the page's own time zone: the date filter counts whole local days.
  const today = await page.evaluate(() => {
    const d = new Date();
    const two = (n: number) => String(n).padStart(2, '0');
    return `${d.getFullYear()}-${two(d.getMonth() + 1)}-${two(d.getDate())}`;
  });
  await audit.filterDates('2001-01-01', '2001-12-31');
  await expect(audit.dialog.getByText('No entry matches these filters.')).toBeVisible();
  await audit.clearFilters();
  await audit.filterDates(today, today);
  await expect(audit.count).toHaveText(new RegExp(`^${entries.length + 2} entries match\\b`));
  await audit.clearFilters();
  await audit.rows().first().click();
  await expect(audit.dialog.getByRole('heading', { name: /^Entry \d+$/ })).toBeVisible();
  await veil.screenshot('audit-log');
  await audit.close();

  // A reload: the log, the operator and the key are still there.
  const fingerprint = (entries.find((e) => e.event.type === 'key-generated')!.event.fingerprint ??
    '') as string;
  await page.reload();
  await expect(page.getByRole('button', { name: 'Operator: Dr Ada Tester' })).toBeVisible();
  const after = await audit.storedEntries();
  expect(after.slice(0, entries.length)).toEqual(entries);
  await audit.open();
  await expect(audit.count).toHaveText(new RegExp(`^${after.length} entries\\b`));
  expect(await audit.verify()).toContain('Verified');
  await audit.close();
  const keys = (await audit.storedRecords('keys')) as { fingerprint: string }[];
  expect(keys.map((k) => k.fingerprint)).toEqual([fingerprint]);
  expect(await page.evaluate(() => localStorage.getItem('veil.projectKey.v1'))).toBeNull();
});

test('retention deletes expired working data with the clock moved forward, and logs it', async ({
  veil,
  page,
}) => {
  test.setTimeout(120_000);
  const audit = new AuditPanel(page);
  await page.clock.install({ time: new Date('2025-03-03T09:00:00Z') });
  await veil.open();
  await page.getByRole('button', { name: 'Not now', exact: true }).click();
  await expect(page.getByRole('button', { name: 'Operator not set' })).toBeVisible();
  await veil.loadFolder(folder);
  await veil.runDeidentify();
  await expect.poll(async () => (await audit.storedRecords('batches')).length).toBe(1);
  await expect
    .poll(async () => (await audit.storedRecords('results')).length)
    .toBe(FIXTURES.length);

  await audit.openSettings();
  await expect(
    audit.settings.getByLabel('Keep working data (batches, results, pseudonym tables)'),
  ).toHaveValue('1');
  await audit.setWorkingDataRetention('7 days');
  await audit.setWorkingDataRetention('1 day');
  await veil.screenshot('settings');
  await audit.closeSettings();
  const before = await audit.storedEntries();

  // A day and an hour later the timer's next run finds the batch expired.
  await page.clock.fastForward('25:00:00');
  await expect.poll(async () => (await audit.storedRecords('batches')).length).toBe(0);
  expect(await audit.storedRecords('results')).toHaveLength(0);
  await expect.poll(async () => types(await audit.storedEntries())).toContain('retention-deleted');
  const entries = await audit.storedEntries();
  // The log lost nothing: retention deletes working data, never the log with it.
  expect(entries.slice(0, before.length)).toEqual(before);
  const deletions = entries.filter((e) => e.event.type === 'retention-deleted');
  expect(deletions.map((e) => [e.event.what, e.event.count, e.event.reason])).toEqual([
    ['batches', 1, 'expired'],
    ['results', FIXTURES.length, 'expired'],
  ]);
  expect(Date.parse(deletions[0]!.time) - Date.parse(before.at(-1)!.time)).toBeGreaterThan(
    24 * 3600_000,
  );
  const settings = entries.filter((e) => e.event.type === 'settings-changed');
  expect(settings.map((e) => e.event.value)).toEqual([7, 1]);

  await audit.open();
  await audit.filterEvent('Deleted (retention)');
  await expect(audit.count).toHaveText(new RegExp(`^2 entries match\\b`));
  await expect(audit.rows().first()).toContainText('(expired)');
  expect(await audit.verify()).toContain('Verified');
  await audit.close();
});

test('purge now deletes every batch, result and pseudonym table at once; the log stays', async ({
  veil,
  page,
}) => {
  const audit = new AuditPanel(page);
  await veil.open();
  await veil.loadFolder(folder);
  await veil.runDeidentify();
  await expect
    .poll(async () => (await audit.storedRecords('results')).length)
    .toBe(FIXTURES.length);
  const before = await audit.storedEntries();
  await audit.openSettings();
  await audit.purgeNow();
  await expect(audit.settings).toContainText(/Last deletion .*1 batch, 3 results/);
  await audit.closeSettings();
  expect(await audit.storedRecords('batches')).toHaveLength(0);
  expect(await audit.storedRecords('results')).toHaveLength(0);
  expect(await audit.storedRecords('keys')).toHaveLength(1);
  const entries = await audit.storedEntries();
  expect(entries.slice(0, before.length)).toEqual(before);
  expect(
    entries.slice(before.length).map((e) => [e.event.what, e.event.count, e.event.reason]),
  ).toEqual([
    ['batches', 1, 'purge'],
    ['results', FIXTURES.length, 'purge'],
    ['pseudonym-tables', 0, 'purge'],
  ]);
});

test('no canary of PHI-laden files reaches the stored log, the working data or the exports', async ({
  veil,
  page,
}) => {
  test.setTimeout(120_000);
  const audit = new AuditPanel(page);
  const phi = [
    makePhiFile({ transferSyntax: TS.explicitLE, seed: 41 }),
    makePhiFile({ transferSyntax: TS.implicitLE, seed: 42, patient: 1 }),
    makePhiFile({ transferSyntax: TS.deflatedLE, seed: 43, patient: 2 }),
  ];
  const dir = join(root, 'phi');
  mkdirSync(dir, { recursive: true });
  // File names as a hospital export might have them: the patient's name in them.
  phi.forEach((file, i) => writeFileSync(join(dir, `${file.canaries[0]}_${i}.dcm`), file.bytes));
  const canaries = [...new Set(phi.flatMap((file) => file.canaries))];

  await veil.open();
  await veil.setOperator('Privacy Officer');
  await veil.loadFolder(dir);
  await expect(page.getByText(`${phi.length} instances`)).toBeVisible();
  await veil.tree.getByRole('treeitem').first().click();
  for (const key of ['ArrowDown', 'ArrowDown', 'ArrowRight', 'ArrowDown', 'Enter']) {
    await page.keyboard.press(key);
  }
  await veil.tab('Tags').click();
  await expect(page.getByRole('tree', { name: 'Tags of this file' })).toBeVisible();
  await veil.runDeidentify();
  await veil.signOff();
  const zip = await exportZip(veil);
  await audit.open();
  const json = await keep(await audit.exportJson());
  const csv = await keep(await audit.exportCsv());
  await audit.close();

  const stored = await audit.storedEntries();
  expect(types(stored)).toEqual(
    expect.arrayContaining(['files-imported', 'phi-viewed', 'file-deidentified', 'exported']),
  );
  const searched = {
    'stored data': new TextEncoder().encode(await audit.storedText()),
    'audit JSON export': json.bytes,
    'audit CSV export': csv.bytes,
    'audit.json in the zip': zip.entries['audit.json']!,
    'report.json in the zip': zip.entries['report.json']!,
  };
  for (const [what, bytes] of Object.entries(searched)) {
    expect(findCanaries(bytes, canaries), what).toEqual([]);
  }
  expect(cliVerify(json.path).code).toBe(0);
});

test('without IndexedDB the page says so, refuses to run until acknowledged, and the report says so', async ({
  veil,
  page,
}) => {
  const audit = new AuditPanel(page);
  // As in a private window that blocks storage: the global is there but gives nothing.
  await page.addInitScript(() => {
    Object.defineProperty(window, 'indexedDB', { value: undefined, configurable: true });
  });
  await veil.open();
  const banner = page.getByTestId('storage-banner');
  await expect(banner).toContainText('No audit trail');
  await veil.loadFiles(FIXTURES.map((name) => join(folder, name)));
  await expect(page.getByText(`${FIXTURES.length} instances`)).toBeVisible();
  await expect(veil.deidentify).toBeDisabled();
  await expect(veil.deidentify).toHaveAttribute('title', /audit trail/);
  await veil.screenshot('no-audit-trail');
  await banner.getByRole('checkbox').check();
  await expect(veil.deidentify).toBeEnabled();
  await veil.runDeidentify();
  const zip = await exportZip(veil);

  const report = JSON.parse(strFromU8(zip.entries['report.json']!)) as {
    auditTrail: { stored: boolean; withoutStoredTrailAcknowledged: boolean };
  };
  expect(report.auditTrail).toMatchObject({ stored: false, withoutStoredTrailAcknowledged: true });
  const path = join(root, 'no-idb-audit.json');
  writeFileSync(path, zip.entries['audit.json']!);
  expect(cliVerify(path).code).toBe(0);
  await audit.open();
  await expect(audit.dialog).toContainText('kept in this tab only');
  await audit.filterEvent('Ran without stored audit trail');
  await expect(audit.count).toHaveText(new RegExp(`^1 entry match\\b`));
  await audit.close();
});

test('after a reload the unfinished batch is offered, resumed with the same files, and exported', async ({
  veil,
  page,
}) => {
  test.setTimeout(120_000);
  const audit = new AuditPanel(page);
  await veil.open();
  await veil.loadFolder(folder);
  await veil.runDeidentify();
  await expect
    .poll(async () => (await audit.storedRecords('results')).length)
    .toBe(FIXTURES.length);
  const [batch] = (await audit.storedRecords('batches')) as { id: string }[];

  await page.reload();
  const offer = page.getByRole('region', { name: 'Resume' });
  await expect(offer).toContainText(`Unfinished batch`);
  await expect(offer).toContainText(`${FIXTURES.length} files`);
  await expect(offer).toContainText(`${FIXTURES.length} de-identified`);
  await veil.screenshot('resume');
  await offer.getByRole('button', { name: 'Resume' }).click();
  await expect(page.getByTestId('resume-progress')).toContainText(`0 of ${FIXTURES.length} found`);
  await veil.loadFolder(folder);
  await expect(page.getByTestId('resume-progress')).toContainText(
    `all ${FIXTURES.length} files of the batch found`,
  );
  await veil.runDeidentify();
  const zip = await exportZip(veil);

  const segment = JSON.parse(strFromU8(zip.entries['audit.json']!)) as { entries: StoredEntry[] };
  const batchIds = new Set(
    segment.entries.map((e) => e.event.batchId).filter((id) => id !== undefined),
  );
  expect([...batchIds]).toEqual([batch!.id]);
  // The batch's trail spans the reload: two imports, two runs of the same files.
  expect(types(segment.entries).filter((t) => t === 'files-imported')).toHaveLength(2);
  expect(types(segment.entries).filter((t) => t === 'file-deidentified')).toHaveLength(
    2 * FIXTURES.length,
  );
  const path = join(root, 'resumed-audit.json');
  writeFileSync(path, zip.entries['audit.json']!);
  expect(cliVerify(path).code).toBe(0);
  // Exported: not offered again after the next reload.
  await expect
    .poll(async () => ((await audit.storedRecords('batches')) as { exported?: number }[])[0])
    .toHaveProperty('exported');
  await page.reload();
  await expect(veil.openFiles).toBeVisible();
  await expect(page.getByRole('region', { name: 'Resume' })).toBeHidden();
});

test('a required sign-off holds the export back, with the reason on the page', async ({
  veil,
  page,
}) => {
  const audit = new AuditPanel(page);
  await veil.open();
  await audit.openSettings();
  await audit.requireSignOff(true);
  await audit.closeSettings();
  await veil.loadFolder(folder);
  await veil.runDeidentify();
  await expect(veil.exportZip).toBeDisabled();
  await expect(page.getByTestId('export-blocked')).toContainText('sign-off is required');
  await veil.screenshot('sign-off-required');
  await veil.signOff();
  await expect(veil.exportZip).toBeEnabled();
  await expect(page.getByTestId('export-blocked')).toBeHidden();
  const zip = await exportZip(veil);
  const segment = JSON.parse(strFromU8(zip.entries['audit.json']!)) as { entries: StoredEntry[] };
  expect(types(segment.entries)).toContain('review-signed-off');
  const stored = await audit.storedEntries();
  expect(
    stored.filter((e) => e.event.type === 'settings-changed').map((e) => e.event.setting),
  ).toEqual(['require-sign-off']);
});
