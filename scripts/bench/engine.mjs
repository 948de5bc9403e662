#!/usr/bin/env node
/**
 * `npm run bench`: times Veil's engine against a plain copy, gdcmanon and dcmjs's anonymizer on the
 * same data, and checks the engine's targets. A report, not a gate: it always exits 0. Two floors
 * run beside them (parseFloor.ts): each file parsed with dicom-parser once, and twice (input and
 * post-check), and written back unchanged; the targets print what they cost on the same yardstick.
 *
 *   node scripts/bench/engine.mjs [--runs 3] [--datasets ct,small,multiframe]
 *                                 [--contenders copy,gdcmanon,dicom-parser,dicom-parser-2x,dcmjs,veil-engine,veil] [--out .bench/out]
 *
 * Each contender runs as its own child process over a whole dataset folder, into an output folder
 * that is emptied, and the disk synced, before every run (so one run's writeback does not land in
 * the next one's time). `--out /dev/shm/…` takes the disk out of the measurement altogether. Wall time is the harness's clock around the child (so process
 * start-up counts, the same for everyone); peak memory is the child's max RSS from
 * `/usr/bin/time -f '%e %M'` (Debian package `time`). Without /usr/bin/time, node contenders are
 * started with `--import reportRss.mjs`, which reports process.resourceUsage().maxRSS, and
 * gdcmanon's memory is not measured. Every number is the median of --runs runs, taken in turns
 * (run 1 of every contender, then run 2…) so that drift in the machine spreads over all of them.
 *
 * gdcmanon runs in its PS3.15 mode, `-e` (de-identify, the Basic Application Level Confidentiality
 * Profile with new UIDs), which needs a certificate: the original values are encrypted into
 * (0400,0500) Encrypted Attributes Sequence. A self-signed one is made once with openssl under
 * .bench/gdcm/. Its `--dumb` mode only does what it is told tag by tag, which is not the job.
 */
import { spawnSync } from 'node:child_process';
import { cpus } from 'node:os';
import { existsSync, mkdirSync, readFileSync, rmdirSync, rmSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { listFiles } from './walk.mjs';
import { bundleBenchScript, bundleVeilEngine, WORKER_HEAP_FLAGS } from './bundleEngine.mjs';

const HERE = dirname(fileURLToPath(import.meta.url));
const ROOT = resolve(HERE, '../..');
const BENCH = join(ROOT, '.bench');
const DATA = join(BENCH, 'data');
// BENCH_NO_TIME=1 forces the fallback below, to check it on a machine that has /usr/bin/time.
const TIME = process.env.BENCH_NO_TIME ? '/nonexistent/time' : '/usr/bin/time';
const NODE = process.execPath;
const MB = 1e6;

const TARGETS = {
  ctVsCopy: 1.3,
  vsGdcmanon: 0.75,
  memoryOverFile: 100 * MB,
};

const { values: args } = parseArgs({
  options: {
    runs: { type: 'string', default: '3' },
    datasets: { type: 'string', default: 'ct,small,multiframe' },
    contenders: {
      type: 'string',
      default: 'copy,gdcmanon,dicom-parser,dicom-parser-2x,dcmjs,veil-engine,veil',
    },
    out: { type: 'string', default: join(BENCH, 'out') },
    help: { type: 'boolean', default: false },
  },
});
if (args.help) {
  console.log(
    'usage: node scripts/bench/engine.mjs [--runs N] [--datasets ct,small,multiframe] ' +
      '[--contenders copy,gdcmanon,dicom-parser,dicom-parser-2x,dcmjs,veil-engine,veil] [--out DIR]',
  );
  process.exit(0);
}
const runs = Math.max(1, Number.parseInt(args.runs, 10) || 3);
const datasetNames = args.datasets.split(',').filter(Boolean);
const contenderNames = args.contenders.split(',').filter(Boolean);
const OUT = resolve(args.out);

const hasCommand = (name) => spawnSync('sh', ['-c', `command -v ${name}`]).status === 0;

function run(command, argv, options = {}) {
  return spawnSync(command, argv, { cwd: ROOT, encoding: 'utf8', maxBuffer: 64 * MB, ...options });
}

function ensureData() {
  // generate.ts knows the spec and skips when the data is current; tsx runs it as TypeScript.
  const gen = run(NODE, ['--import', 'tsx', join(HERE, 'generate.ts')], { stdio: 'inherit' });
  if (gen.status !== 0) {
    console.error('bench: generating the data failed');
    process.exit(0);
  }
}

function ensureCertificate() {
  const dir = join(BENCH, 'gdcm');
  const cert = join(dir, 'cert.pem');
  if (existsSync(cert)) return undefined;
  if (!hasCommand('openssl')) return 'openssl is needed to make its certificate';
  mkdirSync(dir, { recursive: true });
  const made = run('openssl', [
    'req',
    '-x509',
    '-newkey',
    'rsa:2048',
    '-nodes',
    '-keyout',
    join(dir, 'key.pem'),
    '-out',
    cert,
    '-subj',
    '/CN=veil-bench',
    '-days',
    '3650',
  ]);
  return made.status === 0 ? undefined : `openssl failed: ${made.stderr.trim().split('\n').pop()}`;
}

const VEIL_MAIN = join(ROOT, 'dist-cli', 'main.js');
const VEIL_ENGINE = join(BENCH, 'veil-engine.mjs');
const PARSE_FLOOR = join(BENCH, 'parse-floor.mjs');

/** Bundles scripts/bench/veilEngine.ts (core in one thread) with esbuild, fresh for every run. */
function ensureVeilEngine() {
  const keyProblem = ensureVeilKey();
  if (keyProblem) return keyProblem;
  return bundleVeilEngine(VEIL_ENGINE);
}

const VEIL_KEY = join(BENCH, 'bench.key');

/** Bundles scripts/bench/parseFloor.ts (the dicom-parser floors) with esbuild, fresh for every run. */
const ensureParseFloor = () => bundleBenchScript('parseFloor.ts', PARSE_FLOOR);

function ensureVeilKey() {
  if (existsSync(VEIL_KEY)) return undefined;
  const made = run(NODE, [join(ROOT, 'bin', 'veil.mjs'), 'keygen', VEIL_KEY]);
  if (made.status === 0 && existsSync(VEIL_KEY)) return undefined;
  return `veil keygen failed (exit ${made.status}): ${(made.stderr || '').trim().split('\n').pop()}`;
}

function dcmjsInstalled() {
  return existsSync(join(ROOT, 'node_modules', 'dcmjs', 'package.json'));
}

/** Every contender: whether it can run here, what it needs first, and its command line. */
const CONTENDERS = [
  {
    name: 'copy',
    node: true,
    available: () => true,
    command: (input, output) => [NODE, [join(HERE, 'copy.mjs'), input, output]],
  },
  {
    name: 'gdcmanon',
    node: false,
    available: () => hasCommand('gdcmanon') || 'gdcmanon not installed (Debian libgdcm-tools)',
    prepare: ensureCertificate,
    command: (input, output) => [
      'gdcmanon',
      [
        '-e',
        '--certificate',
        join(BENCH, 'gdcm', 'cert.pem'),
        '--continue',
        '--recursive',
        '-i',
        input,
        '-o',
        output,
      ],
    ],
  },
  // Floors, not contenders: dicom-parser reading each file (twice: input and post-check), no
  // de-identification. With the veil-engine contender's heap.
  ...[1, 2].map((times) => ({
    name: times === 1 ? 'dicom-parser' : 'dicom-parser-2x',
    node: true,
    available: () => true,
    prepare: ensureParseFloor,
    command: (input, output) => [
      NODE,
      [...WORKER_HEAP_FLAGS, PARSE_FLOOR, input, output, '--times', String(times)],
    ],
  })),
  {
    name: 'dcmjs',
    node: true,
    available: () => dcmjsInstalled() || 'dcmjs not installed',
    command: (input, output) => [NODE, [join(HERE, 'dcmjsAnon.mjs'), input, output]],
  },
  {
    name: 'veil-engine',
    node: true,
    available: () => true,
    prepare: ensureVeilEngine,
    command: (input, output) => [
      NODE,
      [...WORKER_HEAP_FLAGS, VEIL_ENGINE, input, output, VEIL_KEY],
    ],
  },
  {
    name: 'veil',
    node: true,
    available: () => existsSync(VEIL_MAIN) || 'not available (dist-cli/main.js is not built)',
    prepare: ensureVeilKey,
    command: (input, output) => [
      NODE,
      [
        join(ROOT, 'bin', 'veil.mjs'),
        'deidentify',
        input,
        output,
        '--jobs',
        '1',
        '--key-file',
        VEIL_KEY,
      ],
    ],
  },
];

function describeDataset(name) {
  const dir = join(DATA, name);
  const files = listFiles(dir);
  let bytes = 0;
  let largest = 0;
  for (const rel of files) {
    const size = statSync(join(dir, rel)).size;
    bytes += size;
    largest = Math.max(largest, size);
  }
  return { name, dir, files: files.length, bytes, largest };
}

/** One timed run of one contender over one dataset. */
function measure(contender, dataset) {
  const output = outputDir(contender);
  rmSync(output, { recursive: true, force: true });
  mkdirSync(output, { recursive: true });
  const [command, argv] = contender.command(dataset.dir, output);
  const timeFile = join(BENCH, 'time.out');
  const rssFile = join(BENCH, 'rss.out');
  rmSync(timeFile, { force: true });
  rmSync(rssFile, { force: true });
  spawnSync('sync');

  let spawnCommand = command;
  let spawnArgs = argv;
  const env = { ...process.env };
  if (existsSync(TIME)) {
    spawnCommand = TIME;
    spawnArgs = ['-f', '%e %M', '-o', timeFile, command, ...argv];
  } else if (contender.node) {
    spawnArgs = ['--import', join(HERE, 'reportRss.mjs'), ...argv];
    env.BENCH_RSS_FILE = rssFile;
  }
  const started = process.hrtime.bigint();
  const child = run(spawnCommand, spawnArgs, { env, stdio: ['ignore', 'ignore', 'pipe'] });
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;

  let rssKB;
  if (existsSync(timeFile)) {
    // On failure time writes "Command exited with non-zero status N" first: take the last line.
    const last = readFileSync(timeFile, 'utf8').trim().split('\n').pop() ?? '';
    rssKB = Number(last.split(' ')[1]);
  } else if (existsSync(rssFile)) {
    rssKB = Number(readFileSync(rssFile, 'utf8'));
  }
  return {
    seconds,
    rssBytes: Number.isFinite(rssKB) ? rssKB * 1024 : undefined,
    status: child.status,
    stderr: (child.stderr ?? '').trim(),
    // .dcm only: a contender may add a report of its own (veil writes veil-report.json).
    outFiles: listFiles(output).filter((f) => f.endsWith('.dcm')).length,
  };
}

/** Only these folders are ever deleted under --out, never --out itself. */
const outputDir = (contender) => join(OUT, `veil-bench-${contender.name}`);

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

const fixed = (n, digits) => (n === undefined || !Number.isFinite(n) ? '–' : n.toFixed(digits));

function environment() {
  const gdcm = hasCommand('gdcmanon') ? run('gdcmanon', ['--version']).stdout.trim() : 'absent';
  return [
    `node ${process.version}`,
    `${cpus()[0]?.model ?? 'unknown CPU'} × ${cpus().length}`,
    gdcm,
    `memory via ${existsSync(TIME) ? '/usr/bin/time %M' : 'process.resourceUsage().maxRSS (node only)'}`,
    `${runs} run(s), medians`,
  ].join('; ');
}

function main() {
  ensureData();
  mkdirSync(OUT, { recursive: true });
  const datasets = datasetNames.map(describeDataset);
  const contenders = CONTENDERS.filter((c) => contenderNames.includes(c.name)).map((c) => {
    const ok = c.available();
    if (ok !== true) return { ...c, unavailable: ok };
    const problem = c.prepare?.();
    return problem ? { ...c, unavailable: problem } : c;
  });

  console.log(`\nbench: ${environment()}\n`);
  const results = new Map(); // `${dataset}/${contender}` → summary
  for (const dataset of datasets) {
    const samples = new Map(contenders.map((c) => [c.name, []]));
    for (let r = 0; r < runs; r++) {
      for (const contender of contenders) {
        if (contender.unavailable) continue;
        const m = measure(contender, dataset);
        samples.get(contender.name).push(m);
        const rss = m.rssBytes === undefined ? '–' : `${fixed(m.rssBytes / MB, 0)} MB`;
        console.log(
          `  ${dataset.name} ${contender.name} run ${r + 1}: ${fixed(m.seconds, 2)} s, ${rss}` +
            (m.status === 0 ? '' : ` (exit ${m.status})`),
        );
      }
    }
    for (const contender of contenders) {
      const list = samples.get(contender.name);
      const key = `${dataset.name}/${contender.name}`;
      if (contender.unavailable) {
        results.set(key, { dataset, contender, unavailable: contender.unavailable });
        continue;
      }
      const rssList = list.map((m) => m.rssBytes).filter((v) => v !== undefined);
      const failed = list.find((m) => m.status !== 0);
      results.set(key, {
        dataset,
        contender,
        seconds: median(list.map((m) => m.seconds)),
        minSeconds: Math.min(...list.map((m) => m.seconds)),
        maxSeconds: Math.max(...list.map((m) => m.seconds)),
        rssBytes: rssList.length ? median(rssList) : undefined,
        outFiles: Math.min(...list.map((m) => m.outFiles)),
        failed,
      });
    }
  }
  for (const contender of contenders)
    rmSync(outputDir(contender), { recursive: true, force: true });
  rmSync(join(BENCH, 'time.out'), { force: true });
  rmSync(join(BENCH, 'rss.out'), { force: true });
  try {
    rmdirSync(OUT); // only when empty: --out may be a folder of the user's
  } catch {
    // not empty or already gone
  }

  printTable(datasets, contenders, results);
  printTargets(datasets, results);
}

function printTable(datasets, contenders, results) {
  const header = [
    'dataset',
    'contender',
    'files',
    'MB',
    'median s',
    'range s',
    'MB/s',
    'files/s',
    'peak RSS MB',
    '× copy',
    '× gdcmanon',
    'out .dcm',
  ];
  const rows = [header, header.map(() => '---')];
  const notes = [];
  for (const dataset of datasets) {
    const copy = results.get(`${dataset.name}/copy`);
    const gdcm = results.get(`${dataset.name}/gdcmanon`);
    for (const contender of contenders) {
      const r = results.get(`${dataset.name}/${contender.name}`);
      const base = [
        dataset.name,
        contender.name,
        String(dataset.files),
        fixed(dataset.bytes / MB, 0),
      ];
      if (r.unavailable) {
        rows.push([...base, r.unavailable, '', '', '', '', '', '', '']);
        continue;
      }
      const ratio = (other) => (other?.seconds ? fixed(r.seconds / other.seconds, 2) : '–');
      rows.push([
        ...base,
        fixed(r.seconds, 2) + (r.failed ? ` (exit ${r.failed.status})` : ''),
        `${fixed(r.minSeconds, 2)}–${fixed(r.maxSeconds, 2)}`,
        fixed(dataset.bytes / MB / r.seconds, 0),
        fixed(dataset.files / r.seconds, 0),
        r.rssBytes === undefined ? '–' : fixed(r.rssBytes / MB, 0),
        ratio(copy),
        ratio(gdcm),
        String(r.outFiles),
      ]);
      if (r.failed) {
        const tail = r.failed.stderr.split('\n').slice(-3).join(' | ');
        notes.push(`${dataset.name}/${contender.name} exited ${r.failed.status}: ${tail}`);
      }
    }
  }
  console.log('\n' + rows.map((cells) => `| ${cells.join(' | ')} |`).join('\n'));
  for (const note of notes) console.log(`\nnote: ${note}`);
}

function printTargets(datasets, results) {
  console.log(
    '\ntargets (veil-engine: core in one thread, basic profile with UID remapping; the veil row is the full CLI with hashing and report):',
  );
  const check = (label, measured, limit, unit) => {
    if (measured === undefined) {
      console.log(`  N/A   ${label}: not measured`);
      return;
    }
    const verdict = measured <= limit ? 'PASS' : 'FAIL';
    console.log(
      `  ${verdict}  ${label}: ${fixed(measured, 2)}${unit} (target ≤ ${fixed(limit, 2)}${unit})`,
    );
  };
  const usable = (r) => (r && !r.unavailable && !r.failed ? r : undefined);
  const ratio = (a, b) => (usable(a) && usable(b) ? a.seconds / b.seconds : undefined);
  const veil = (name) => results.get(`${name}/veil-engine`);
  const has = (name) => datasets.some((d) => d.name === name);
  // What reading alone costs against the same yardstick: below it no engine that reads with
  // dicom-parser (and reads its output back) can go.
  const floors = (name, yardstick, limit) => {
    for (const floor of ['dicom-parser', 'dicom-parser-2x']) {
      const r = ratio(results.get(`${name}/${floor}`), results.get(`${name}/${yardstick}`));
      if (r === undefined) continue;
      const above = r > limit ? ' (above the target already)' : '';
      console.log(`        floor ${floor}: ${fixed(r, 2)}×${above}`);
    }
  };

  if (has('ct')) {
    check(
      'ct: time vs plain copy',
      ratio(veil('ct'), results.get('ct/copy')),
      TARGETS.ctVsCopy,
      '×',
    );
    floors('ct', 'copy', TARGETS.ctVsCopy);
    check(
      'ct: time vs gdcmanon',
      ratio(veil('ct'), results.get('ct/gdcmanon')),
      TARGETS.vsGdcmanon,
      '×',
    );
    floors('ct', 'gdcmanon', TARGETS.vsGdcmanon);
  }
  if (has('small')) {
    check(
      'small: time vs gdcmanon',
      ratio(veil('small'), results.get('small/gdcmanon')),
      TARGETS.vsGdcmanon,
      '×',
    );
    floors('small', 'gdcmanon', TARGETS.vsGdcmanon);
  }
  for (const dataset of datasets) {
    const r = usable(veil(dataset.name));
    check(
      `${dataset.name}: peak RSS vs largest input file + 100 MB`,
      r?.rssBytes === undefined ? undefined : r.rssBytes / MB,
      (dataset.largest + TARGETS.memoryOverFile) / MB,
      ' MB',
    );
  }
  const veilState = results.get(`${datasets[0]?.name}/veil`);
  if (veilState?.unavailable) console.log(`  (veil: ${veilState.unavailable})`);
}

main();
