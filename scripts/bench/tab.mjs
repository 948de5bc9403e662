/**
 * Drives the built app in Debian's Chromium and measures the tab: shared by `npm run bench:e2e`
 * (scripts/bench/e2e.mjs) and the 2 GB batch (scripts/large/run.mjs).
 *
 * The browser runs a persistent profile in a fresh temporary folder, as a person's browser does,
 * not Playwright's default incognito context: there the origin private file system, where the
 * workers keep their outputs, lives in the browser process's memory, which would measure a setup
 * no one uses.
 *
 * What is measured:
 * - longest main-thread task: a PerformanceObserver for 'longtask' installed before any app script
 *   (addInitScript), from the file selection on. The task in which Playwright hands the files over
 *   (DOM.setFileInputFiles: ~200 ms for 600 files building the FileList in Blink, not app code) is
 *   left out; the app's own 'change' handler, which runs inside it, is timed apart and counted.
 * - peak JS heap: CDP Performance.getMetrics JSHeapUsedSize, polled every 100 ms (the page's main
 *   isolate only, not its workers).
 * - peak RSS: the larger of VmHWM (the kernel's high-water mark of resident memory) and the
 *   largest VmRSS sampled every 100 ms (VmHWM misses memory given back with madvise, as V8 and
 *   PartitionAlloc do), of the renderers (CDP SystemInfo.getProcessInfo) and of the browser
 *   process. The largest renderer is the tab: its main thread and every worker.
 * - all processes: the largest sum of the proportional set size (PSS: shared pages divided among
 *   their sharers, so nothing counts twice) of the browser process and all its descendants (found
 *   under /proc), sampled every 100 ms: the whole browser's memory for this one tab.
 */
// The functions given to addInitScript and evaluate run in the page.
/* global window, document */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

export const MB = 1e6;

/** The same Chromium and flags as playwright.config.ts. */
export const CHROMIUM = process.env.VEIL_CHROMIUM ?? '/usr/bin/chromium';
export const ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-quic',
  '--no-first-run',
];

/** Installed before any app script: long tasks, the change handler's time, the download path. */
function pageProbe() {
  const probe = { longest: 0, count: 0, since: Infinity, changeMs: 0, over100: [], marks: [] };
  Object.defineProperty(window, '__veilBench', { value: probe });
  new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) {
      if (entry.startTime < probe.since) continue;
      probe.count++;
      probe.longest = Math.max(probe.longest, entry.duration);
      if (entry.duration > 100 && probe.over100.length < 50) {
        probe.over100.push([entry.startTime, entry.duration]);
      }
    }
  }).observe({ type: 'longtask', buffered: true });
  // Capture on window runs first, bubble on window last: React's listener is on its root between.
  let changeStart = 0;
  window.addEventListener('change', () => (changeStart = performance.now()), true);
  window.addEventListener('change', () => {
    probe.changeMs = Math.max(probe.changeMs, performance.now() - changeStart);
  });
  // The export takes its download path: headless Chromium has the save dialog's API, but a native
  // dialog cannot be driven (as in e2e/pages/VeilPage.ts).
  delete window.showSaveFilePicker;
}

/** VmHWM (peak resident set) of a process in bytes, or undefined once it is gone. */
export function peakRss(pid) {
  return statusKb(pid, 'VmHWM');
}

/** VmRSS (resident set now) of a process in bytes; 0 once it is gone. */
export function currentRss(pid) {
  return statusKb(pid, 'VmRSS') ?? 0;
}

/**
 * Proportional set size now (resident memory, shared pages divided among their sharers: the sum
 * over processes counts each page once), in bytes; 0 once the process is gone.
 */
export function currentPss(pid) {
  return statusKb(pid, 'Pss', 'smaps_rollup') ?? 0;
}

function statusKb(pid, field, file = 'status') {
  try {
    const status = readFileSync(`/proc/${pid}/${file}`, 'utf8');
    const kb = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1];
    return kb === undefined ? undefined : Number(kb) * 1024;
  } catch {
    return undefined;
  }
}

/**
 * Chromium's processes for one profile folder: the browser process and its descendants under
 * /proc (renderers fork from the zygote and keep its command line, so their type comes from CDP).
 */
function chromiumProcesses(profileDir) {
  const all = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const cmdline = readFileSync(`/proc/${name}/cmdline`, 'utf8').split('\0');
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      all.push({ pid: Number(name), ppid, cmdline });
    } catch {
      // gone meanwhile
    }
  }
  const browser = all.find(
    (p) =>
      p.cmdline.some((a) => a === `--user-data-dir=${profileDir}`) &&
      !p.cmdline.some((a) => a.startsWith('--type=')),
  );
  if (!browser) return { browser: undefined, all: [] };
  const family = new Set([browser.pid]);
  for (let grew = true; grew;) {
    grew = false;
    for (const p of all) {
      if (!family.has(p.pid) && family.has(p.ppid)) {
        family.add(p.pid);
        grew = true;
      }
    }
  }
  return { browser: browser.pid, all: [...family] };
}

/** A process's kind: renderer (from CDP), browser, gpu-process, or the utility's sub-type. */
function processType(pid, renderers) {
  if (renderers.includes(pid)) return 'renderer';
  try {
    const args = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
    const arg = (name) => args.find((a) => a.startsWith(`--${name}=`))?.split('=')[1];
    const type = arg('type');
    if (!type) return 'browser';
    return type === 'utility' ? (arg('utility-sub-type') ?? 'utility') : type;
  } catch {
    return 'gone';
  }
}

/**
 * A fresh Chromium on a temporary profile, the app open at `url`, and the probes running.
 * `timeoutMs` bounds every step.
 */
export async function openApp(url, { timeoutMs }) {
  const profileDir = mkdtempSync(join(tmpdir(), 'veil-tab-'));
  const context = await chromium.launchPersistentContext(profileDir, {
    executablePath: CHROMIUM,
    args: ARGS,
    acceptDownloads: true,
  });
  const page = context.pages()[0] ?? (await context.newPage());
  page.setDefaultTimeout(timeoutMs);
  await page.addInitScript(pageProbe);
  await page.goto(url);
  await page.getByRole('button', { name: 'Open files', exact: true }).waitFor();
  const cdp = await context.newCDPSession(page);
  await cdp.send('Performance.enable');

  const processes = chromiumProcesses(profileDir);
  const browserCdp = await context.browser().newBrowserCDPSession();
  const { processInfo } = await browserCdp.send('SystemInfo.getProcessInfo');
  const renderers = processInfo.filter((p) => p.type === 'renderer').map((p) => p.id);
  let heapPeak = 0;
  /** Largest sum of the PSS of every Chromium process, sampled with the heap. */
  let totalPssPeak = 0;
  /** Each process's largest PSS, and largest RSS, by pid. */
  const pssPeaks = new Map();
  const rssPeaks = new Map();
  /** When each process's sampled RSS peaked (Date.now()), and the steps' starts. */
  const rssPeakAt = new Map();
  const steps = [];
  let polling = true;
  const poller = (async () => {
    while (polling) {
      try {
        const { metrics } = await cdp.send('Performance.getMetrics');
        const used = metrics.find((m) => m.name === 'JSHeapUsedSize')?.value ?? 0;
        heapPeak = Math.max(heapPeak, used);
      } catch {
        // the page is closing
      }
      let total = 0;
      for (const pid of processes.all) {
        const pss = currentPss(pid);
        total += pss;
        pssPeaks.set(pid, Math.max(pssPeaks.get(pid) ?? 0, pss));
        const rss = currentRss(pid);
        if (rss > (rssPeaks.get(pid) ?? 0)) {
          rssPeaks.set(pid, rss);
          rssPeakAt.set(pid, Date.now());
        }
      }
      totalPssPeak = Math.max(totalPssPeak, total);
      await new Promise((r) => setTimeout(r, 100));
    }
  })();

  return {
    page,
    /** Starts counting long tasks (call once the files are handed over). */
    startClock: () => page.evaluate(() => (window.__veilBench.since = performance.now())),
    /** Notes the page's time under `name`: tasks over 100 ms are reported by the step they fall in. */
    mark: (name) => {
      steps.push([name, Date.now()]);
      return page.evaluate(
        (label) => window.__veilBench.marks.push([label, performance.now()]),
        name,
      );
    },
    /** The figures so far; stops polling. */
    async measure() {
      polling = false;
      await poller;
      const probe = await page.evaluate(() => ({ ...window.__veilBench }));
      // VmHWM alone misses peaks that the allocator gave back with madvise (V8 and PartitionAlloc
      // do): the sampled RSS covers those.
      const peakOf = (pid) => Math.max(peakRss(pid) ?? 0, rssPeaks.get(pid) ?? 0);
      const largest = (list) =>
        list.reduce((max, pid) => Math.max(max, peakOf(pid)), 0) || undefined;
      return {
        hardwareConcurrency: await page.evaluate(() => navigator.hardwareConcurrency),
        longestTaskMs: Math.max(probe.longest, probe.changeMs),
        longTasks: probe.count,
        /** Tasks over 100 ms: the step (the last mark before it), its start and length in ms. */
        tasksOver100: probe.over100.map(([start, duration]) => ({
          step: probe.marks.filter(([, at]) => at <= start).pop()?.[0] ?? 'before',
          start: Math.round(start),
          duration: Math.round(duration),
        })),
        changeHandlerMs: probe.changeMs,
        heapPeak,
        rendererRss: largest(renderers),
        /** The step during which the largest renderer's sampled RSS peaked. */
        rendererPeakStep: (() => {
          const tab = [...renderers].sort((a, b) => peakOf(b) - peakOf(a))[0];
          const at = rssPeakAt.get(tab);
          return at === undefined
            ? undefined
            : (steps.filter(([, t]) => t <= at).pop()?.[0] ?? 'before');
        })(),
        renderers: renderers.length,
        browserRss: processes.browser === undefined ? undefined : peakOf(processes.browser),
        totalPssPeak,
        /** The processes' own PSS peaks, largest first, named by their type. */
        pssPeaks: [...pssPeaks]
          .map(([pid, peak]) => ({ pid, type: processType(pid, renderers), peak }))
          .sort((a, b) => b.peak - a.peak),
      };
    },
    async close() {
      polling = false;
      await poller.catch(() => undefined);
      await context.close().catch(() => undefined);
      rmSync(profileDir, { recursive: true, force: true });
    },
  };
}

/** Gives the app `files` through "Open files" and waits until all of them are listed. */
export async function importFiles(app, files, instances = files.length) {
  const { page } = app;
  await page.getByTestId('open-files-input').setInputFiles(files);
  // The task that delivered the files is over: long tasks count from here.
  await app.startClock();
  await app.mark('import');
  await page.waitForFunction(
    (count) => {
      const text = document.querySelector('[data-testid="status"]')?.textContent ?? '';
      const listed = count === 1 ? '1 instance' : `${count} instances`;
      return text.startsWith('Ready') && document.body.innerText.includes(listed);
    },
    instances,
    { polling: 100 },
  );
}

/** Clicks De-identify and waits for the end of the run; the status text. */
export async function deidentify(app) {
  const { page } = app;
  const status = page.getByTestId('status');
  await app.mark('de-identify');
  await page.getByRole('button', { name: 'De-identify', exact: true }).click();
  await status.filter({ hasText: /^(De-identified|Cancelled)\b/ }).waitFor();
  return (await status.textContent()) ?? '';
}

/** Clicks Export zip; resolves with the download once it is complete on disk. */
export async function exportZip(app) {
  const { page } = app;
  const downloadEvent = page.waitForEvent('download');
  await app.mark('export');
  await page.getByRole('button', { name: 'Export zip', exact: true }).click();
  const download = await downloadEvent;
  // Resolves when the download is complete, in Playwright's own download folder (no copy).
  const path = await download.path();
  return { download, path };
}

const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

/** `preferred` when nothing listens there, else a port the system picks. */
export function freePort(preferred) {
  return new Promise((done) => {
    const server = createServer();
    server.once('error', () => {
      const other = createServer();
      other.listen(0, '127.0.0.1', () => {
        const { port } = other.address();
        other.close(() => done(port));
      });
    });
    server.listen(preferred, '127.0.0.1', () => server.close(() => done(preferred)));
  });
}

/**
 * `vite preview` of the built app in `outDir`, as a child of this process, on 127.0.0.1:`port`.
 * Resolves once it answers; rejects when it exits or stays silent for 60 s. (Mind the Fetch
 * standard's blocked ports, such as 4190: fetch and Chromium refuse to connect to them.)
 */
export async function servePreview(outDir, port, probe = '') {
  const vite = join(REPO, 'node_modules', 'vite', 'bin', 'vite.js');
  const child = spawn(
    process.execPath,
    [
      vite,
      'preview',
      '--outDir',
      outDir,
      '--port',
      String(port),
      '--strictPort',
      '--host',
      '127.0.0.1',
    ],
    { cwd: REPO, stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let stderr = '';
  child.stderr.on('data', (chunk) => (stderr += chunk));
  const url = `http://127.0.0.1:${port}/`;
  for (const deadline = Date.now() + 60_000; Date.now() < deadline;) {
    if (child.exitCode !== null) {
      throw new Error(`vite preview exited: ${stderr.trim().split('\n').pop() ?? ''}`);
    }
    try {
      if ((await fetch(new URL(probe, url))).ok) return { child, url };
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  child.kill();
  throw new Error('vite preview did not answer within 60 s');
}
