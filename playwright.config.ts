import { defineConfig } from '@playwright/test';
import { APP_ORIGIN, APP_PORT } from './e2e/support/origin';

// Several people (or agents) can run the e2e suite at once on one machine: VEIL_E2E_PORT and
// VEIL_E2E_DIST move the preview server and the build it serves out of each other's way.
const dist = process.env.VEIL_E2E_DIST ?? 'dist';
const suffix = APP_PORT === 4173 ? '' : `-${APP_PORT}`;

// Debian's Chromium, never a downloaded browser. The flags keep it from calling home
// (this machine's network is closed and Veil must not make requests anyway).
export default defineConfig({
  testDir: 'e2e',
  outputDir: `test-results/e2e${suffix}`,
  fullyParallel: false,
  workers: 1,
  retries: 0,
  timeout: 60_000,
  reporter: [['list'], ['json', { outputFile: `test-results/e2e-results${suffix}.json` }]],
  use: {
    baseURL: APP_ORIGIN,
    browserName: 'chromium',
    launchOptions: {
      executablePath: process.env.VEIL_CHROMIUM ?? '/usr/bin/chromium',
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--disable-quic',
        '--no-first-run',
      ],
    },
    screenshot: 'only-on-failure',
    trace: 'off',
  },
  webServer: {
    command: `npx vite preview --port ${APP_PORT} --strictPort --outDir ${dist}`,
    url: APP_ORIGIN,
    reuseExistingServer: !process.env.CI,
    timeout: 60_000,
  },
});
