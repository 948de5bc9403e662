import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { strFromU8, unzipSync } from 'fflate';
import { smallFile } from '../test/support/deid';
import { TS } from '../test/support/transferSyntax';
import { expect, test } from './fixtures';

/**
 * The residual-PHI gate (issue 5 §3): a custom rule keeps Study Description, which in one file spells
 * the patient's name. The review flags that file, the export leaves it out with the reason, and
 * only after the review is signed off (an audit entry that counts it) does it go into the zip.
 */

const NAMES = ['QUIMBY', 'ZELDA', 'PID4711'];

let root: string;
let folder: string;
let profile: string;

test.beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'veil-residual-'));
  folder = join(root, 'study');
  mkdirSync(folder);
  const file = (uid: string, description: string) =>
    smallFile(
      TS.explicitLE,
      (b) => {
        b.str(0x00081030, 'LO', description);
      },
      { patientName: 'QUIMBY^ZELDA', patientId: 'PID4711', sopInstanceUid: uid },
    );
  writeFileSync(
    join(folder, 'named.dcm'),
    file('1.2.826.0.1.3680043.2.1143.8.1', 'Zelda Quimby, follow-up'),
  );
  writeFileSync(join(folder, 'plain.dcm'), file('1.2.826.0.1.3680043.2.1143.8.2', 'CHEST CT'));
  profile = join(root, 'keep-description.json');
  writeFileSync(
    profile,
    JSON.stringify({
      format: 'veil-profile',
      version: 1,
      rules: [{ tag: 'StudyDescription', action: 'keep' }],
    }),
  );
  mkdirSync('test-results/screens', { recursive: true });
});

test.afterAll(() => rmSync(root, { recursive: true, force: true }));

test('identifying values left by a rule hold the file back until the review is signed off', async ({
  veil,
  page,
}) => {
  test.setTimeout(120_000);
  await veil.open();
  const chooser = page.waitForEvent('filechooser');
  await page.getByRole('button', { name: 'Import profile', exact: true }).click();
  await (await chooser).setFiles(profile);
  await veil.loadFolder(folder);
  await expect(page.getByText('2 instances')).toBeVisible();
  await veil.runDeidentify();

  await veil.tab('Summary').click();
  const risks = page.getByRole('region', { name: 'Residual risks' });
  const held = risks.getByRole('button', { name: /identifying values/ });
  await expect(held).toContainText('1 file');
  await held.click();
  await expect(page.getByRole('list', { name: /identifying values/ })).toContainText('named.dcm');
  await veil.screenshot('residual-review');

  const unzip = async () => {
    const download = await veil.exportDownload();
    const path = join(root, `${Date.now()}.zip`);
    await download.saveAs(path);
    const bytes = readFileSync(path);
    return { entries: unzipSync(new Uint8Array(bytes)), text: bytes.toString('latin1') };
  };

  // Before sign-off: one file out, the other held back with its reason, no value quoted.
  const before = await unzip();
  const dicomBefore = Object.keys(before.entries).filter((n) => n.endsWith('.dcm'));
  expect(dicomBefore).toHaveLength(1);
  const report = JSON.parse(strFromU8(before.entries['report.json']!)) as {
    leftOut: { status: string; code: string; reason: string }[];
  };
  expect(report.leftOut).toEqual([
    expect.objectContaining({ status: 'held', code: 'RESIDUAL_PHI' }),
  ]);
  expect(report.leftOut[0]!.reason).toContain('(0008,1030)');
  for (const name of NAMES) expect(strFromU8(before.entries['report.json']!)).not.toContain(name);

  // Signed off: both files go out, and the audit segment counts the released file.
  await veil.signOff();
  const after = await unzip();
  expect(Object.keys(after.entries).filter((n) => n.endsWith('.dcm'))).toHaveLength(2);
  const audit = JSON.parse(strFromU8(after.entries['audit.json']!)) as {
    entries: { event: { type: string; residualFiles?: number } }[];
  };
  const signed = audit.entries.find((e) => e.event.type === 'review-signed-off');
  expect(signed?.event.residualFiles).toBe(1);
  for (const name of NAMES) expect(strFromU8(after.entries['audit.json']!)).not.toContain(name);
});
