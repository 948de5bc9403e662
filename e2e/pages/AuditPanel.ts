import { expect, type Download, type Locator, type Page } from '@playwright/test';

/** One stored audit entry as the page's IndexedDB holds it (only what the specs read). */
export interface StoredEntry {
  readonly seq: number;
  readonly time: string;
  readonly operator: string;
  readonly event: { readonly type: string; readonly [field: string]: unknown };
  readonly prevHash: string;
  readonly hash: string;
}

/**
 * The audit log dialog (top bar → "Audit log") and the settings dialog, as a privacy officer uses
 * them; plus a look into the browser's stored data, read from the page itself.
 */
export class AuditPanel {
  readonly dialog: Locator;
  readonly table: Locator;
  readonly verdict: Locator;
  /** "12 entries match, newest first · kept in this browser…" */
  readonly count: Locator;
  readonly settings: Locator;

  constructor(readonly page: Page) {
    this.dialog = page.getByRole('dialog', { name: 'Audit log', exact: true });
    this.table = this.dialog.getByRole('table', { name: 'Audit log' });
    this.verdict = this.dialog.getByTestId('audit-verdict');
    this.count = this.dialog.getByTestId('audit-count');
    this.settings = page.getByRole('dialog', { name: 'Settings', exact: true });
  }

  async open(): Promise<void> {
    await this.page.getByRole('button', { name: 'Audit log', exact: true }).click();
    await expect(this.dialog).toBeVisible();
    await expect(this.count).toContainText(/ entr(y|ies)/);
  }

  async close(): Promise<void> {
    await this.dialog.getByRole('button', { name: 'Close', exact: true }).click();
    await expect(this.dialog).toBeHidden();
  }

  /** The rows on screen (the list is virtualised: the newest ones, unless scrolled). */
  rows(): Locator {
    return this.table.getByRole('row').filter({ has: this.page.getByRole('cell') });
  }

  /** The Event column of the rows on screen, newest first. */
  async shownEvents(): Promise<string[]> {
    await expect(this.rows().first()).toBeVisible();
    await expect(this.table.getByText('Loading…')).toHaveCount(0);
    return this.rows().evaluateAll((rows) =>
      rows.map((row) => row.querySelectorAll('[role="cell"]')[3]?.textContent ?? ''),
    );
  }

  async filterEvent(label: string): Promise<void> {
    await this.dialog.getByLabel('Event', { exact: true }).selectOption({ label });
  }

  async filterOperator(name: string): Promise<void> {
    await this.dialog.getByLabel('Operator', { exact: true }).selectOption({ label: name });
  }

  async filterDates(from: string, to: string): Promise<void> {
    await this.dialog.getByLabel('From', { exact: true }).fill(from);
    await this.dialog.getByLabel('To', { exact: true }).fill(to);
  }

  async clearFilters(): Promise<void> {
    await this.dialog.getByRole('button', { name: 'Clear filters' }).click();
  }

  /** "Verify log", and the verdict it shows. */
  async verify(): Promise<string> {
    await this.dialog.getByRole('button', { name: 'Verify log' }).click();
    await expect(this.verdict).toBeVisible();
    return (await this.verdict.textContent()) ?? '';
  }

  async exportJson(): Promise<Download> {
    const download = this.page.waitForEvent('download');
    await this.dialog.getByRole('button', { name: 'Export audit JSON' }).click();
    return download;
  }

  async exportCsv(): Promise<Download> {
    const download = this.page.waitForEvent('download');
    await this.dialog.getByRole('button', { name: 'Export audit CSV' }).click();
    return download;
  }

  async openSettings(): Promise<void> {
    await this.page.getByRole('button', { name: 'Settings', exact: true }).click();
    await expect(this.settings).toBeVisible();
  }

  async closeSettings(): Promise<void> {
    await this.settings.getByRole('button', { name: 'Close', exact: true }).click();
    await expect(this.settings).toBeHidden();
  }

  async setWorkingDataRetention(label: string): Promise<void> {
    const select = this.settings.getByLabel(
      'Keep working data (batches, results, pseudonym tables)',
    );
    await select.selectOption({ label });
    // It shows the stored setting: wait for the change (and its entry) to be written.
    await expect(select.locator('option:checked')).toHaveText(label);
  }

  async requireSignOff(on: boolean): Promise<void> {
    const box = this.settings.getByLabel('Require a review sign-off before export');
    // The box shows the stored setting: it changes once the change (and its entry) is written.
    if ((await box.isChecked()) !== on) await box.click();
    await expect(box).toBeChecked({ checked: on });
  }

  /** "Purge working data now", confirming the browser's dialog. */
  async purgeNow(): Promise<void> {
    this.page.once('dialog', (dialog) => void dialog.accept());
    await this.settings.getByRole('button', { name: 'Purge working data now' }).click();
  }

  /** Every record of one store of the page's `veil` database (Blobs and bytes left out). */
  async storedRecords(store: string): Promise<unknown[]> {
    return this.page.evaluate(async (name) => {
      const db = await new Promise<IDBDatabase>((resolve, reject) => {
        const request = indexedDB.open('veil');
        request.onsuccess = () => resolve(request.result);
        request.onerror = () => reject(request.error);
      });
      try {
        const records = await new Promise<unknown[]>((resolve, reject) => {
          const request = db.transaction(name).objectStore(name).getAll();
          request.onsuccess = () => resolve(request.result as unknown[]);
          request.onerror = () => reject(request.error);
        });
        const plain = (value: unknown): unknown => {
          if (value instanceof Blob) return `[blob ${value.size}]`;
          if (ArrayBuffer.isView(value)) return `[bytes ${value.byteLength}]`;
          if (Array.isArray(value)) return value.map(plain);
          if (typeof value === 'object' && value !== null) {
            return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, plain(v)]));
          }
          return value;
        };
        return records.map(plain);
      } finally {
        db.close();
      }
    }, store);
  }

  async storedEntries(): Promise<StoredEntry[]> {
    return (await this.storedRecords('audit')) as StoredEntry[];
  }

  /** Every store's records as one JSON text, for leak scans. */
  async storedText(): Promise<string> {
    const stores = [
      'audit',
      'meta',
      'batches',
      'results',
      'profiles',
      'keys',
      'pseudonymTables',
    ] as const;
    const all: Record<string, unknown[]> = {};
    for (const store of stores) all[store] = await this.storedRecords(store);
    return JSON.stringify(all);
  }
}
