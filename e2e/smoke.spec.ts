import { test, expect } from '@playwright/test';
import { APP_ORIGIN } from './support/origin';

test('the app page loads from its own origin under a Content-Security-Policy', async ({ page }) => {
  const foreign: string[] = [];
  page.on('request', (request) => {
    if (new URL(request.url()).origin !== APP_ORIGIN) foreign.push(request.url());
  });
  const response = await page.goto('/');
  expect(response?.headers()['content-security-policy']).toContain("default-src 'self'");
  await expect(page.getByRole('heading', { name: 'Veil' })).toBeVisible();
  const meta = await page
    .locator('meta[http-equiv="Content-Security-Policy"]')
    .getAttribute('content');
  expect(meta).toContain("connect-src 'self'");
  await page.screenshot({ path: 'test-results/screens/home.png' });
  expect(foreign).toEqual([]);
});
