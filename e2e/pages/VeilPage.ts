import { expect, type Download, type Locator, type Page } from '@playwright/test';

/**
 * What a person does on Veil's page, found the way they find it: buttons by their names, the tree
 * and tabs by role, the hidden file inputs by test id (a real person reaches them through the
 * buttons and the browser's file dialog, which a test cannot drive).
 */
export class VeilPage {
  readonly openFiles: Locator;
  readonly openFolder: Locator;
  readonly deidentify: Locator;
  readonly cancel: Locator;
  readonly exportZip: Locator;
  readonly tree: Locator;
  readonly status: Locator;
  readonly skipped: Locator;

  constructor(readonly page: Page) {
    this.openFiles = page.getByRole('button', { name: 'Open files', exact: true });
    this.openFolder = page.getByRole('button', { name: 'Open folder', exact: true });
    this.deidentify = page.getByRole('button', { name: 'De-identify', exact: true });
    this.cancel = page.getByRole('button', { name: 'Cancel', exact: true });
    this.exportZip = page.getByRole('button', { name: 'Export zip', exact: true });
    this.tree = page.getByRole('tree', { name: 'Studies' });
    this.status = page.getByTestId('status');
    this.skipped = page.getByRole('group').filter({ hasText: /files? skipped: / });
  }

  /**
   * Opens the page with the File System Access API hidden, so that "Export zip" takes its download
   * path (a native save dialog cannot be driven by a test).
   */
  async open(): Promise<void> {
    await this.page.addInitScript(() => {
      delete (window as { showSaveFilePicker?: unknown }).showSaveFilePicker;
    });
    await this.page.goto('/');
    await expect(this.openFiles).toBeVisible();
  }

  /**
   * Waits until the service worker controls the page. It activates only once every file of the
   * build is in its cache, so from here the app loads and runs offline.
   */
  async offlineReady(): Promise<void> {
    await this.page.waitForFunction(() => navigator.serviceWorker.controller !== null, null, {
      timeout: 30_000,
    });
  }

  /** Answers the one-time "Who is working?" prompt (the name signs every audit entry). */
  async setOperator(name: string): Promise<void> {
    await this.page.getByRole('textbox', { name: 'Operator name' }).fill(name);
    await this.page.getByRole('button', { name: 'Save name', exact: true }).click();
    await expect(this.page.getByRole('button', { name: `Operator: ${name}` })).toBeVisible();
  }

  /** "Sign off review": the reviewer confirms the last run's changes. */
  async signOff(): Promise<void> {
    await this.page.getByRole('button', { name: 'Sign off review', exact: true }).click();
    await expect(this.page.getByRole('button', { name: 'Signed off ✓' })).toBeVisible();
  }

  /** "Open folder" with the folder chosen. */
  async loadFolder(path: string): Promise<void> {
    await this.page.getByTestId('open-folder-input').setInputFiles(path);
    await expect(this.status).toContainText('Ready', { timeout: 30_000 });
  }

  async loadFiles(paths: string[]): Promise<void> {
    await this.page.getByTestId('open-files-input').setInputFiles(paths);
  }

  /** The row of the (opened) skipped-files list that names `path`: the name, then the reason. */
  async skippedRow(path: string): Promise<Locator> {
    // `skipped` is the <details> element itself (role group).
    if ((await this.skipped.getAttribute('open')) === null) {
      await this.skipped.locator('summary').click();
    }
    return this.skipped.getByRole('listitem').filter({ hasText: path });
  }

  /** "Clear": forgets every opened file. */
  async clearFiles(): Promise<void> {
    await this.page.getByRole('button', { name: 'Clear', exact: true }).click();
  }

  treeItem(name: string | RegExp): Locator {
    return this.tree.getByRole('treeitem', { name });
  }

  /**
   * Opens the first image of the first series of a patient, with the keyboard as a person would:
   * the patient row, down to its series, open it, down to the image, Enter.
   */
  async openFirstInstanceOf(patient: string): Promise<void> {
    const escaped = patient.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    await this.tree.getByRole('treeitem', { name: new RegExp(`^Patient ${escaped}\\b`) }).click();
    for (const key of ['ArrowDown', 'ArrowDown', 'ArrowRight', 'ArrowDown', 'Enter']) {
      await this.page.keyboard.press(key);
    }
    await expect(this.tree.getByRole('treeitem', { selected: true })).toHaveAttribute(
      'aria-level',
      '4',
    );
  }

  /** The image in the preview, once it is drawn. */
  async previewShown(): Promise<Locator> {
    const image = this.page.getByRole('img', { name: /^Instance/ });
    await expect(image).toHaveAttribute('aria-busy', 'false', { timeout: 20_000 });
    return image;
  }

  /** A PS3.15 option's checkbox, by its standard name. */
  option(standardName: string): Locator {
    return this.page.getByRole('checkbox', { name: standardName, exact: true });
  }

  tab(name: 'Preview' | 'Tags' | 'Diff' | 'Summary'): Locator {
    return this.page.getByRole('tab', { name, exact: true });
  }

  async runDeidentify(): Promise<void> {
    await this.deidentify.click();
    await expect(this.status).toContainText(/De-identified|Cancelled/, { timeout: 60_000 });
  }

  /** Clicks "Export zip" and returns the finished download. */
  async exportDownload(): Promise<Download> {
    const download = this.page.waitForEvent('download');
    await this.exportZip.click();
    return download;
  }

  async screenshot(name: string): Promise<void> {
    await this.page.screenshot({ path: `test-results/screens/${name}.png` });
  }
}
