import { test as base } from '@playwright/test';
import { VeilPage } from './pages/VeilPage';

/** Specs take `veil` (a page object on a fresh page) instead of building it themselves. */
export const test = base.extend<{ veil: VeilPage }>({
  veil: async ({ page }, use) => {
    await use(new VeilPage(page));
  },
});

export { expect } from '@playwright/test';
