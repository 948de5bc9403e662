#!/usr/bin/env node
/**
 * The 2 GB batch (issue 5 §6): a tab must de-identify and export it without exceeding 1.5 GB of
 * memory, because bytes are read from the File handles when needed, outputs go to work files on
 * disk, and the zip is streamed to disk.
 *
 *   node scripts/large/run.mjs [--gb 2] [--limit-gb 1.5] [--keep] [--no-build]
 *
 * 1. Generates about --gb GB of synthetic DICOM into a temporary folder (scripts/large/generate.ts:
 *    CT series of 0.5 MB slices and four 105 MB multi-frame files).
 * 2. Builds the app (vite build into VEIL_E2E_DIST, default a temporary folder; --no-build serves
 *    what is there) and serves it with vite preview on VEIL_E2E_PORT (default 4177, or a free one).
 * 3. In Debian's Chromium on a fresh persistent profile (scripts/bench/tab.mjs): every file through
 *    "Open files", De-identify (basic profile), Export zip by the download path (no save dialog).
 * 4. Checks the zip: one .dcm entry per input file, report.json says all were included, and
 *    `unzip -tq` finds no error (when unzip is installed).
 * 5. Asserts the tab's peak memory stays under --limit-gb: the peak resident set of its renderer
 *    process (VmHWM, or the largest VmRSS sampled every 100 ms if higher), which holds the page's
 *    JS heap and every worker. Prints that, the peak JS heap, the browser process's peak, the
 *    whole browser's peak PSS and the largest processes (see scripts/bench/tab.mjs).
 *
 * Exits 0 when every check passes, 1 otherwise. The temporary folders are removed unless --keep.
 */
import { spawnSync } from 'node:child_process';
import { closeSync, existsSync, mkdtempSync, openSync, readSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import {
  deidentify,
  exportZip,
  freePort,
  importFiles,
  MB,
  openApp,
  servePreview,
} from '../bench/tab.mjs';
import { listFiles } from '../bench/walk.mjs';

const HERE = dirname(fileURLToPath(import.meta.url));
const ROOT = resolve(HERE, '../..');
const NODE = process.execPath;
const GB = 1e9;
// A slow shared machine must give a (slow) result, not a timeout.
const STEP_TIMEOUT_MS = 30 * 60_000;

const { values: args } = parseArgs({
  options: {
    gb: { type: 'string', default: '2' },
    'limit-gb': { type: 'string', default: '1.5' },
    keep: { type: 'boolean', default: false },
    'no-build': { type: 'boolean', default: false },
    help: { type: 'boolean', default: false },
  },
});
if (args.help) {
  console.log('usage: node scripts/large/run.mjs [--gb 2] [--limit-gb 1.5] [--keep] [--no-build]');
  process.exit(0);
}
const targetBytes = Number(args.gb) * GB;
const limitBytes = Number(args['limit-gb']) * GB;

const temporary = [];
function tempDir(prefix) {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  temporary.push(dir);
  return dir;
}
function cleanUp() {
  if (args.keep) {
    if (temporary.length > 0) console.log(`kept: ${temporary.join(', ')}`);
    return;
  }
  for (const dir of temporary) rmSync(dir, { recursive: true, force: true });
}

function fail(message) {
  console.error(`test:large: ${message}`);
  cleanUp();
  process.exit(1);
}

const lastLine = (text) => (text || '').trim().split('\n').pop() ?? '';

function generate(dir) {
  const made = spawnSync(
    NODE,
    ['--import', 'tsx', join(HERE, 'generate.ts'), dir, String(targetBytes)],
    { cwd: ROOT, encoding: 'utf8' },
  );
  if (made.status !== 0) fail(`generating the data failed: ${lastLine(made.stderr)}`);
  return JSON.parse(lastLine(made.stdout));
}

function build(outDir) {
  const vite = join(ROOT, 'node_modules', 'vite', 'bin', 'vite.js');
  const built = spawnSync(
    NODE,
    [vite, 'build', '--outDir', outDir, '--emptyOutDir', '--logLevel', 'error'],
    { cwd: ROOT, stdio: ['ignore', 'ignore', 'inherit'] },
  );
  if (built.status !== 0) fail('vite build failed');
}

/** The zip's entry names, from its central directory (read from the end of the file, Zip64 aware). */
function zipNames(path) {
  const size = statSync(path).size;
  const fd = openSync(path, 'r');
  try {
    const read = (at, length) => {
      const buffer = Buffer.alloc(length);
      readSync(fd, buffer, 0, length, at);
      return buffer;
    };
    const tailLength = Math.min(size, 22 + 20 + 56);
    const tail = read(size - tailLength, tailLength);
    const end = tail.length - 22;
    if (tail.readUInt32LE(end) !== 0x06054b50) throw new Error('no end of central directory');
    let count = tail.readUInt16LE(end + 10);
    let dirSize = tail.readUInt32LE(end + 12);
    let dirOffset = tail.readUInt32LE(end + 16);
    if (count === 0xffff || dirSize === 0xffffffff || dirOffset === 0xffffffff) {
      const record = end - 20 - 56;
      if (tail.readUInt32LE(record) !== 0x06064b50) throw new Error('no Zip64 end record');
      count = Number(tail.readBigUInt64LE(record + 32));
      dirSize = Number(tail.readBigUInt64LE(record + 40));
      dirOffset = Number(tail.readBigUInt64LE(record + 48));
    }
    const directory = read(dirOffset, dirSize);
    const names = [];
    for (let at = 0, n = 0; n < count; n++) {
      if (directory.readUInt32LE(at) !== 0x02014b50) throw new Error('bad central directory');
      const nameLength = directory.readUInt16LE(at + 28);
      const extra = directory.readUInt16LE(at + 30);
      const comment = directory.readUInt16LE(at + 32);
      names.push(directory.toString('utf8', at + 46, at + 46 + nameLength));
      at += 46 + nameLength + extra + comment;
    }
    return names;
  } finally {
    closeSync(fd);
  }
}

function zipEntryText(path, name) {
  const shown = spawnSync('unzip', ['-p', path, name], { encoding: 'utf8', maxBuffer: 256 * MB });
  return shown.status === 0 ? shown.stdout : null;
}

function hasUnzip() {
  return spawnSync('unzip', ['-v'], { stdio: 'ignore' }).status === 0;
}

const fixed = (n, digits = 0) => (n === undefined || !Number.isFinite(n) ? '–' : n.toFixed(digits));

async function main() {
  const started = Date.now();
  const dataDir = tempDir('veil-large-data-');
  console.log(`generating about ${fixed(targetBytes / GB, 1)} GB in ${dataDir} …`);
  const generated = generate(dataDir);
  const files = listFiles(dataDir).map((f) => join(dataDir, f));
  console.log(`  ${files.length} files, ${fixed(generated.bytes / MB)} MB`);

  const outDir = process.env.VEIL_E2E_DIST
    ? resolve(process.env.VEIL_E2E_DIST)
    : tempDir('veil-large-app-');
  if (!args['no-build']) build(outDir);
  else if (!existsSync(join(outDir, 'index.html'))) fail(`--no-build: no app built in ${outDir}`);
  // Not 4190, which the Fetch standard blocks (fetch and Chromium refuse to connect to it).
  const port = await freePort(Number(process.env.VEIL_E2E_PORT ?? 4177));
  const { child: preview, url } = await servePreview(outDir, port).catch((error) =>
    fail(error.message),
  );

  let app;
  let result;
  try {
    app = await openApp(url, { timeoutMs: STEP_TIMEOUT_MS });
    const clock = Date.now();
    const lap = () => (Date.now() - clock) / 1000;
    await importFiles(app, files);
    const imported = lap();
    const status = await deidentify(app);
    const deidentified = lap();
    const { download, path: zipPath } = await exportZip(app);
    const exported = lap();
    const measured = await app.measure();
    const names = zipNames(zipPath);
    const dicoms = names.filter((n) => n.endsWith('.dcm')).length;
    const report = hasUnzip() ? JSON.parse(zipEntryText(zipPath, 'report.json') ?? 'null') : null;
    const tested = hasUnzip()
      ? spawnSync('unzip', ['-tq', zipPath], { encoding: 'utf8', maxBuffer: 64 * MB })
      : null;
    result = {
      status: status.replace(/\s+/g, ' ').trim(),
      imported,
      deidentified,
      exported,
      zipBytes: statSync(zipPath).size,
      dicoms,
      included: report?.summary?.included,
      unzip: tested
        ? tested.status === 0
          ? 'ok'
          : lastLine(tested.stdout || tested.stderr)
        : null,
      ...measured,
    };
    await download.delete();
  } finally {
    await app?.close();
    preview.kill();
  }

  const r = result;
  console.log(`\ntest:large: ${files.length} files, ${fixed(generated.bytes / MB)} MB`);
  console.log(
    `  import ${fixed(r.imported, 1)} s, de-identify ${fixed(r.deidentified - r.imported, 1)} s, ` +
      `export ${fixed(r.exported - r.deidentified, 1)} s; status "${r.status}"`,
  );
  console.log(
    `  zip ${fixed(r.zipBytes / MB)} MB, ${r.dicoms} .dcm entries, report: ${r.included ?? '?'} ` +
      `included, unzip -t: ${r.unzip ?? 'not installed'}`,
  );
  console.log(
    `  peak tab (renderer) RSS ${fixed(r.rendererRss / MB)} MB (limit ${fixed(limitBytes / MB)} MB, ` +
      `peaked during ${r.rendererPeakStep ?? '?'}), ` +
      `peak JS heap ${fixed(r.heapPeak / MB)} MB, peak browser-process RSS ` +
      `${fixed(r.browserRss / MB)} MB, peak whole-browser PSS ${fixed(r.totalPssPeak / MB)} MB, ` +
      `longest main-thread task ${fixed(r.longestTaskMs)} ms`,
  );
  const processes = r.pssPeaks
    .slice(0, 4)
    .map((p) => `${p.type} ${fixed(p.peak / MB)} MB`)
    .join(', ');
  console.log(`  largest PSS peaks by process: ${processes}`);
  if (r.tasksOver100.length > 0) {
    const tasks = r.tasksOver100.map((t) => `${t.duration} ms (${t.step})`).join(', ');
    console.log(`  main-thread tasks over 100 ms: ${tasks}`);
  }

  const problems = [];
  if (r.dicoms !== files.length)
    problems.push(`${r.dicoms} .dcm in the zip for ${files.length} files`);
  if (r.included !== undefined && r.included !== files.length) {
    problems.push(`report.json includes ${r.included} of ${files.length} files`);
  }
  if (r.unzip !== null && r.unzip !== 'ok') problems.push(`unzip -t: ${r.unzip}`);
  if (r.rendererRss === undefined) problems.push('the renderer process was not found');
  else if (r.rendererRss >= limitBytes) {
    problems.push(`the tab peaked at ${fixed(r.rendererRss / MB)} MB`);
  }
  console.log(`  ${((Date.now() - started) / 1000).toFixed(0)} s in all`);
  cleanUp();
  if (problems.length > 0) {
    console.error(`test:large: FAIL: ${problems.join('; ')}`);
    process.exit(1);
  }
  console.log('test:large: PASS');
}

main().catch((error) => fail(error?.stack ?? String(error)));
