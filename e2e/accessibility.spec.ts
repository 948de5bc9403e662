import AxeBuilder from '@axe-core/playwright';
import type { Page } from '@playwright/test';
import { fileURLToPath } from 'node:url';
import { expect, test } from './fixtures';

/**
 * axe-core (Deque's accessibility engine, run in the page) over every main screen, from the empty
 * page to the dialogs, with real files loaded and de-identified. Every rule runs but one:
 * label-content-name-mismatch, which compares a row's accessible name with the text it shows. The
 * tree rows' names carry their whole text, but axe counts only the unclipped part of an ellipsised
 * name, and the tag rows show a length column their names leave out (StudyTree.tsx, TagInspector.tsx).
 */

const FIXTURES = fileURLToPath(new URL('../test/fixtures/pydicom', import.meta.url));

async function violations(page: Page): Promise<string[]> {
  const result = await new AxeBuilder({ page })
    .disableRules(['label-content-name-mismatch'])
    .analyze();
  return result.violations.map(
    (v) => `${v.impact ?? ''} ${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`,
  );
}

test('every main screen passes axe, with files loaded, de-identified and reviewed', async ({
  veil,
  page,
}) => {
  test.setTimeout(120_000);
  await veil.open();
  const found: Record<string, string[]> = {};
  found.empty = await violations(page);

  await veil.loadFolder(FIXTURES);
  found.loaded = await violations(page);
  await veil.openFirstInstanceOf('CompressedSamples^NM1');
  await veil.tab('Preview').click();
  await veil.previewShown();
  found.preview = await violations(page);
  await veil.tab('Tags').click();
  found.tags = await violations(page);

  await veil.runDeidentify();
  await veil.tab('Diff').click();
  found.diff = await violations(page);
  await veil.tab('Summary').click();
  found.summary = await violations(page);

  await page.getByRole('button', { name: 'Audit log', exact: true }).click();
  await expect(page.getByRole('dialog', { name: 'Audit log', exact: true })).toBeVisible();
  found.audit = await violations(page);
  await page.keyboard.press('Escape');
  await expect(page.getByRole('dialog', { name: 'Audit log', exact: true })).toHaveCount(0);
  await page.getByRole('button', { name: 'Settings', exact: true }).click();
  await expect(page.getByRole('dialog', { name: 'Settings', exact: true })).toBeVisible();
  found.settings = await violations(page);

  expect(found).toEqual({
    empty: [],
    loaded: [],
    preview: [],
    tags: [],
    diff: [],
    summary: [],
    audit: [],
    settings: [],
  });
});
