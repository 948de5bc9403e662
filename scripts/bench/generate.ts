/**
 * Writes the benchmark data once under .bench/data (run with `npx tsx scripts/bench/generate.ts`;
 * `npm run bench` does it when the data is missing). Every file is a full-header synthetic CT from
 * the PHI canary generator, explicit VR little endian, with deterministic pseudo-random pixels.
 * A marker file holding the spec is written last: data from an interrupted run or an older spec
 * is thrown away and made again.
 */
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { makePhiFile } from '../../test/support/phiCanaries';
import { TS } from '../../test/support/transferSyntax';

export const SPEC = {
  version: 2,
  transferSyntax: TS.explicitLE,
  // A 600-slice CT series, 512×512×16 bits: ~0.5 MB a file, ~317 MB in all.
  ct: { files: 600, rows: 512, columns: 512 },
  // 2,000 small files of 10–30 KB: 64×64 to 112×112 pixels over ~4 KB of header.
  small: { files: 2000, minSide: 64, maxSide: 112 },
  // Three 200-frame files, 512×512×16 bits: ~105 MB each.
  multiframe: { files: 3, frames: 200, rows: 512, columns: 512 },
} as const;

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
export const DATA_DIR = join(root, '.bench', 'data');
const MARKER = join(DATA_DIR, '.complete.json');

const pad = (n: number, width: number) => String(n).padStart(width, '0');

function write(dir: string, name: string, bytes: Uint8Array): number {
  writeFileSync(join(dir, name), bytes);
  return bytes.length;
}

function generate(): void {
  rmSync(DATA_DIR, { recursive: true, force: true });
  const started = Date.now();
  const ts = SPEC.transferSyntax;

  const ctDir = join(DATA_DIR, 'ct');
  mkdirSync(ctDir, { recursive: true });
  let bytes = 0;
  for (let i = 0; i < SPEC.ct.files; i++) {
    const { rows, columns } = SPEC.ct;
    const file = makePhiFile({ transferSyntax: ts, seed: 11, instance: i, rows, columns });
    bytes += write(ctDir, `ct-${pad(i + 1, 4)}.dcm`, file.bytes);
  }
  console.log(`bench data: ct ${SPEC.ct.files} files, ${(bytes / 1e6).toFixed(0)} MB`);

  const smallDir = join(DATA_DIR, 'small');
  mkdirSync(smallDir, { recursive: true });
  bytes = 0;
  const { minSide, maxSide } = SPEC.small;
  for (let i = 0; i < SPEC.small.files; i++) {
    // Sides spread evenly over the range by a stride coprime with its width.
    const side = minSide + ((i * 7) % (maxSide - minSide + 1));
    const file = makePhiFile({
      transferSyntax: ts,
      seed: 12,
      patient: i % 40,
      study: Math.floor(i / 40) % 2,
      series: Math.floor(i / 80) % 3,
      instance: i,
      rows: side,
      columns: side,
    });
    bytes += write(smallDir, `small-${pad(i + 1, 4)}.dcm`, file.bytes);
  }
  console.log(`bench data: small ${SPEC.small.files} files, ${(bytes / 1e6).toFixed(0)} MB`);

  const mfDir = join(DATA_DIR, 'multiframe');
  mkdirSync(mfDir, { recursive: true });
  bytes = 0;
  for (let i = 0; i < SPEC.multiframe.files; i++) {
    const { frames, rows, columns } = SPEC.multiframe;
    const file = makePhiFile({ transferSyntax: ts, seed: 13, patient: i, frames, rows, columns });
    bytes += write(mfDir, `mf-${i + 1}.dcm`, file.bytes);
  }
  console.log(
    `bench data: multiframe ${SPEC.multiframe.files} files, ${(bytes / 1e6).toFixed(0)} MB`,
  );

  writeFileSync(MARKER, JSON.stringify(SPEC));
  console.log(`bench data: written in ${((Date.now() - started) / 1000).toFixed(1)} s`);
}

function isCurrent(): boolean {
  if (!existsSync(MARKER)) return false;
  try {
    return readFileSync(MARKER, 'utf8') === JSON.stringify(SPEC);
  } catch {
    return false;
  }
}

if (isCurrent()) {
  console.log(`bench data: present in ${DATA_DIR}`);
} else {
  generate();
}
