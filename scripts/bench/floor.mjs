// The browser floor beside `npm run bench:e2e`'s end-to-end time: bench-floor.html (see
// src/app/benchFloor.ts) reads every file once and downloads them, unchanged, as one zip. The
// clock runs as for the app: from handing the files to the file input to the download complete
// on disk. Whatever the app does, it cannot take less than this in the same browser.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { chromium } from 'playwright-core';
import { build } from 'vite';
import { ARGS, CHROMIUM } from './tab.mjs';

/** Builds the floor page into `outDir` (never part of the app's own build). */
export async function buildFloor(root, outDir) {
  await build({
    configFile: join(root, 'vite.config.ts'),
    root,
    logLevel: 'error',
    build: {
      outDir: resolve(outDir),
      emptyOutDir: true,
      rolldownOptions: { input: join(root, 'bench-floor.html') },
    },
  });
}

/** One timed run in a fresh Chromium profile; seconds from selection to download complete. */
export async function floorRun(url, files, timeoutMs) {
  const profileDir = mkdtempSync(join(tmpdir(), 'veil-floor-'));
  const context = await chromium.launchPersistentContext(profileDir, {
    executablePath: CHROMIUM,
    args: ARGS,
    acceptDownloads: true,
  });
  try {
    const page = context.pages()[0] ?? (await context.newPage());
    page.setDefaultTimeout(timeoutMs);
    await page.goto(new URL('bench-floor.html', url).href);
    const downloaded = page.waitForEvent('download');
    const started = process.hrtime.bigint();
    await page.getByLabel('Files').setInputFiles(files);
    const download = await downloaded;
    await download.path();
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    await download.delete();
    return seconds;
  } finally {
    await context.close();
    rmSync(profileDir, { recursive: true, force: true });
  }
}
