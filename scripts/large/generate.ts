/**
 * Writes a synthetic batch of about `bytes` of DICOM into `dir` for scripts/large/run.mjs, with the
 * PHI canary generator the engine benchmark uses (scripts/bench/generate.ts): CT series of
 * 512×512×16-bit slices (~0.5 MB each) across a few patients, studies and series, plus a handful
 * of 200-frame files (~105 MB each) so that single large files are in the mix too.
 *
 *   npx tsx scripts/large/generate.ts <dir> <bytes>
 *
 * Prints one JSON line: { files, bytes }.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { makePhiFile } from '../../test/support/phiCanaries';
import { TS } from '../../test/support/transferSyntax';

const [dir, target] = [process.argv[2], Number(process.argv[3])];
if (!dir || !Number.isFinite(target) || target <= 0) {
  console.error('usage: generate.ts <dir> <bytes>');
  process.exit(2);
}

const ts = TS.explicitLE;
const MULTIFRAME_FILES = 4;
const SLICES_PER_SERIES = 250;
const pad = (n: number, width: number) => String(n).padStart(width, '0');

mkdirSync(dir, { recursive: true });
let bytes = 0;
let files = 0;
for (let i = 0; i < MULTIFRAME_FILES && bytes < target; i++) {
  const file = makePhiFile({
    transferSyntax: ts,
    seed: 23,
    patient: i,
    frames: 200,
    rows: 512,
    columns: 512,
  });
  const folder = join(dir, `mf`);
  mkdirSync(folder, { recursive: true });
  writeFileSync(join(folder, `mf-${i + 1}.dcm`), file.bytes);
  bytes += file.bytes.length;
  files++;
}
for (let i = 0; bytes < target; i++) {
  const series = Math.floor(i / SLICES_PER_SERIES);
  const patient = series % 5;
  const study = Math.floor(series / 5) % 2;
  const folder = join(dir, `p${patient}`, `s${study}`, `series-${pad(series, 3)}`);
  if (i % SLICES_PER_SERIES === 0) mkdirSync(folder, { recursive: true });
  const file = makePhiFile({
    transferSyntax: ts,
    seed: 21,
    patient,
    study,
    series,
    instance: i % SLICES_PER_SERIES,
    rows: 512,
    columns: 512,
  });
  writeFileSync(join(folder, `ct-${pad(i + 1, 5)}.dcm`), file.bytes);
  bytes += file.bytes.length;
  files++;
}
console.log(JSON.stringify({ files, bytes }));
