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

test('the studies panel is widened by dragging its splitter, and narrowed by keyboard', async ({
  page,
}) => {
  await page.goto('/');
  const studies = page.getByRole('complementary', { name: 'Studies' });
  const splitter = page.getByRole('separator', { name: 'Resize the studies panel' });
  const before = (await studies.boundingBox())!.width;
  const bar = (await splitter.boundingBox())!;
  await page.mouse.move(bar.x + bar.width / 2, bar.y + 200);
  await page.mouse.down();
  await page.mouse.move(bar.x + bar.width / 2 + 120, bar.y + 200, { steps: 4 });
  await page.mouse.up();
  await expect.poll(async () => (await studies.boundingBox())!.width).toBeCloseTo(before + 120, 0);
  await expect(splitter).toHaveAttribute('aria-valuenow', String(Math.round(before + 120)));

  await splitter.focus();
  await page.keyboard.press('Home');
  await expect(splitter).toHaveAttribute('aria-valuenow', '240');
  await expect.poll(async () => (await studies.boundingBox())!.width).toBeCloseTo(240, 0);
});
