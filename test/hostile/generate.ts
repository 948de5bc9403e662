import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { VeilErrorCode } from '../../src/core/errors';
import { readFixture } from '../fixtures';
import { dicomFile, item, type DicomFileBuilder } from '../support/dicomBuilder';
import { makePhiFile } from '../support/phiCanaries';
import { TS } from '../support/transferSyntax';
import { copiesFor, deflateZeros, zipBomb } from './bombs';
import { ascii, concat, explicitElement, u16, u32 } from '../support/bytes';
import { cut, flip, patch, randomInt, seededRandom, splice } from './bytes';
import { layFile, type LaidElement, type LaidFile } from './layout';
import { nestedSequences } from './nesting';
import { tinyPdf, tinyPng } from './nonDicom';

/**
 * The hostile corpus: broken, hostile and foreign files, each with the outcome Veil must give.
 * Deterministic (one seed, hand-written bombs, no clock): `npx tsx test/hostile/generate.ts`
 * rewrites test/hostile/corpus/ and corpus.test.ts proves the committed files are what this makes.
 *
 * Outcomes, for `deidentify` (basic profile) and for the header reader (parseHeader):
 *   'ok'       the file is legitimately readable (de-identified / summarised);
 *   'skipped'  not DICOM at all (NOT_DICOM: the CLI and the app skip it);
 *   a code     it must fail closed with exactly this VeilError code;
 *   'error'    it must fail closed, with any code but NOT_DICOM: damage that makes a reader read
 *              garbage (a misaligned length, a lying transfer syntax), where which check trips first
 *              depends on the garbage;
 *   'closed'   random damage: any of the above is right.
 */

export type Outcome = 'ok' | 'skipped' | 'error' | 'closed' | VeilErrorCode;

export interface CorpusEntry {
  readonly file: string;
  readonly category:
    | 'truncated'
    | 'flipped'
    | 'length'
    | 'undefined-length'
    | 'nesting'
    | 'vr'
    | 'odd-length'
    | 'structure'
    | 'deflate'
    | 'not-dicom';
  /** How the file was made, in words. */
  readonly made: string;
  readonly expect: { readonly deidentify: Outcome; readonly header: Outcome };
  /** Identifying values in the file that no error message may quote. */
  readonly phi: readonly string[];
  readonly bytes: number;
  readonly sha256: string;
}

export interface Corpus {
  readonly entries: readonly CorpusEntry[];
  readonly files: ReadonlyMap<string, Uint8Array>;
}

export const CORPUS_DIR = fileURLToPath(new URL('./corpus/', import.meta.url));
export const MANIFEST = 'MANIFEST.json';
const SEED = 0x5eed_0005;

const PIXEL_DATA = 0x7fe00010;
const SOP_CLASS = 0x00080016;
const SOP_INSTANCE = 0x00080018;

/** Values planted in the builder-made files of this corpus (not the canary generator's). */
const HOSTILE_NAME = 'HOSTILEFAMILY^HOSTILEGIVEN';
const HOSTILE_ID = 'HOSTILEPID0001';
const HOSTILE_PHI = ['HOSTILEFAMILY', 'HOSTILEGIVEN', HOSTILE_ID];

type Expect = CorpusEntry['expect'];
const both = (outcome: Outcome): Expect => ({ deidentify: outcome, header: outcome });

class CorpusWriter {
  readonly entries: CorpusEntry[] = [];
  readonly files = new Map<string, Uint8Array>();

  add(
    file: string,
    category: CorpusEntry['category'],
    made: string,
    expect: Expect,
    bytes: Uint8Array,
    phi: readonly string[],
  ): void {
    if (this.files.has(file)) throw new Error(`duplicate corpus file ${file}`);
    if (!/^[a-z0-9][a-z0-9.-]*$/.test(file)) throw new Error(`bad corpus file name ${file}`);
    this.files.set(file, bytes);
    this.entries.push({
      file,
      category,
      made,
      expect,
      phi,
      bytes: bytes.length,
      sha256: sha256(bytes),
    });
  }
}

export const sha256 = (bytes: Uint8Array): string =>
  createHash('sha256').update(bytes).digest('hex');

// ---- sources ----------------------------------------------------------------------------------

interface Source {
  readonly id: string;
  readonly label: string;
  readonly bytes: Uint8Array;
  readonly lay: LaidFile;
  readonly phi: readonly string[];
}

/** Patient-level values of a well-formed source, read through the corpus's own lister. */
function identifyingValues(bytes: Uint8Array, lay: LaidFile): string[] {
  const tags = [0x00100010, 0x00100020, 0x00101000, 0x00080050, 0x00080080, 0x00080090];
  const values = new Set<string>();
  for (const element of lay.dataset ?? []) {
    if (!tags.includes(element.tag)) continue;
    const text = String.fromCharCode(
      ...bytes.subarray(element.valueOffset, element.valueOffset + element.length),
    );
    for (const part of text.split(/[\\^=]/)) {
      const value = part.replace(/[\0 ]+$/, '').trim();
      if (value.length >= 4) values.add(value);
    }
  }
  return [...values];
}

function fixtureSource(name: string, id: string): Source {
  const bytes = readFixture(name);
  const lay = layFile(bytes);
  return {
    id,
    label: `test/fixtures/pydicom/${name}`,
    bytes,
    lay,
    phi: identifyingValues(bytes, lay),
  };
}

function phiSource(id: string, transferSyntax: string, seed: number, label: string): Source {
  const made = makePhiFile({ transferSyntax, seed });
  return {
    id,
    label: `makePhiFile(${label}, seed ${seed})`,
    bytes: made.bytes,
    lay: layFile(made.bytes),
    phi: made.canaries,
  };
}

/** A small, valid object of this corpus's own: the base most structural cases break one thing in. */
function baseFile(
  transferSyntax: string,
  options: Parameters<typeof dicomFile>[1] = {},
): DicomFileBuilder {
  return dicomFile(transferSyntax, options)
    .str(SOP_CLASS, 'UI', '1.2.840.10008.5.1.4.1.1.7')
    .str(SOP_INSTANCE, 'UI', '2.25.300000000000000000000000000000000001')
    .str(0x00080060, 'CS', 'OT');
}

const patientOf = (builder: DicomFileBuilder): DicomFileBuilder =>
  builder.str(0x00100010, 'PN', HOSTILE_NAME).str(0x00100020, 'LO', HOSTILE_ID);

// ---- truncation ---------------------------------------------------------------------------------

function findTop(lay: LaidFile, tag: number): LaidElement | undefined {
  return lay.dataset?.find((e) => e.tag === tag);
}

/**
 * The outcome of cutting a well-formed source at `at`, from where the cut falls:
 * - before `DICM` (or inside the first 8 bytes of a bare dataset): not DICOM;
 * - inside the meta group, right after it (no dataset), or strictly inside a dataset element:
 *   TRUNCATED;
 * - on an element boundary: a shorter, valid file, which de-identifies when it still holds the SOP
 *   Class and Instance UIDs (else UNSUPPORTED) and whose header always reads;
 * - the header reader stops at Pixel Data, so a cut inside its value (or after it) leaves the
 *   header whole.
 */
function truncationOutcome(source: Source, at: number): Expect {
  const { lay } = source;
  const hasMeta = lay.meta.length > 0;
  if (at === 0) return both('skipped');
  if (hasMeta && at < 132) return both('skipped');
  if (!hasMeta && at < 8) return both('skipped');
  // A cut at the end of the meta group leaves no dataset at all: truncated too.
  if (at < lay.datasetStart || (hasMeta && at === lay.datasetStart)) return both('TRUNCATED');
  const elements = lay.dataset!;
  const inside = elements.find((e) => e.start < at && at < e.end);
  if (inside) {
    const headerWhole =
      inside.tag > PIXEL_DATA || (inside.tag === PIXEL_DATA && at >= inside.valueOffset);
    return { deidentify: 'TRUNCATED', header: headerWhole ? 'ok' : 'TRUNCATED' };
  }
  const kept = elements.filter((e) => e.end <= at).map((e) => e.tag);
  const sopClass = kept.includes(SOP_CLASS) || lay.meta.some((e) => e.tag === 0x00020002);
  const complete = sopClass && kept.includes(SOP_INSTANCE);
  return { deidentify: complete ? 'ok' : 'UNSUPPORTED', header: 'ok' };
}

function truncations(w: CorpusWriter, source: Source, random: () => number, pixels: boolean): void {
  const { lay, bytes } = source;
  const points = new Map<number, string>();
  const add = (at: number | undefined, why: string) => {
    if (at === undefined || at <= 0 || at >= bytes.length || points.has(at)) return;
    points.set(at, why);
  };
  const elements = lay.dataset!;
  const pixel = findTop(lay, PIXEL_DATA);
  const headerEnd = pixel?.start ?? bytes.length;
  if (lay.meta.length > 0) {
    const ts = lay.meta.find((e) => e.tag === 0x00020010)!;
    add(ts.valueOffset + 3, 'inside the Transfer Syntax UID of the meta group');
  }
  add(lay.datasetStart, 'right after the meta group (no dataset at all)');
  add(lay.datasetStart + 3, 'inside the tag of the first dataset element');
  const name = findTop(lay, 0x00100010);
  if (name && name.length > 2)
    add(name.valueOffset + (name.length >>> 1), "inside the Patient's Name value");
  const sequence = elements.find((e) => e.items && e.items.length > 0 && e.tag !== PIXEL_DATA);
  if (sequence)
    add(sequence.items![0]!.valueOffset + 2, 'inside the first item of the first sequence');
  const instance = findTop(lay, SOP_INSTANCE);
  if (instance) add(instance.end, 'on the element boundary right after SOP Instance UID');
  if (pixel) {
    add(pixel.start, 'on the boundary just before Pixel Data');
    add(pixel.start + 6, 'inside the Pixel Data element header');
  }
  if (pixels && pixel) {
    add(
      pixel.valueOffset + ((pixel.end - pixel.valueOffset) >>> 1),
      'in the middle of the Pixel Data',
    );
    add(bytes.length - 1, 'one byte short of the end');
  }
  for (let i = 0; i < 3; i++) {
    add(randomInt(random, 1, (pixels ? bytes.length : headerEnd) - 1), 'at a random offset');
  }
  for (const [at, why] of [...points].sort((a, b) => a[0] - b[0])) {
    w.add(
      `truncated-${source.id}-at-${String(at).padStart(5, '0')}.dcm`,
      'truncated',
      `${source.label} cut at byte ${at} (${why})`,
      truncationOutcome(source, at),
      cut(bytes, at),
      source.phi,
    );
  }
}

// ---- the corpus -------------------------------------------------------------------------------

export function generateCorpus(): Corpus {
  const w = new CorpusWriter();
  const random = seededRandom(SEED);

  const ct = fixtureSource('CT_small.dcm', 'ct');
  const mrImplicit = fixtureSource('MR_small_implicit.dcm', 'mr-implicit');
  const mrBig = fixtureSource('MR_small_bigendian.dcm', 'mr-bigendian');
  const j2k = fixtureSource('JPEG2000.dcm', 'jpeg2000');
  const rtstruct = fixtureSource('rtstruct.dcm', 'rtstruct-no-meta');
  const sr = fixtureSource('test-SR.dcm', 'sr');
  const phiExplicit = phiSource('phi-explicit', TS.explicitLE, 501, 'explicit VR LE');
  const phiImplicit = phiSource('phi-implicit', TS.implicitLE, 502, 'implicit VR LE');
  const phiJ2k = phiSource('phi-j2k', TS.jpeg2000, 503, 'JPEG 2000 fragments');

  // Truncation: pixel-data cuts only on the small sources, to keep the corpus small.
  truncations(w, ct, random, false);
  truncations(w, mrImplicit, random, false);
  truncations(w, mrBig, random, false);
  truncations(w, j2k, random, true);
  truncations(w, rtstruct, random, false);
  truncations(w, sr, random, false);
  truncations(w, phiExplicit, random, true);
  truncations(w, phiImplicit, random, true);
  truncations(w, phiJ2k, random, true);
  w.add(
    'truncated-phi-explicit-at-00100.dcm',
    'truncated',
    `${phiExplicit.label} cut at byte 100 (inside the preamble)`,
    both('skipped'),
    cut(phiExplicit.bytes, 100),
    phiExplicit.phi,
  );
  w.add(
    'truncated-phi-explicit-at-00132.dcm',
    'truncated',
    `${phiExplicit.label} cut at byte 132 (DICM and nothing after it)`,
    both('TRUNCATED'),
    cut(phiExplicit.bytes, 132),
    phiExplicit.phi,
  );

  flips(w, random, { ct, j2k, sr, rtstruct, phiExplicit, phiImplicit, phiJ2k });
  lengths(w, random, { phiExplicit, phiImplicit, phiJ2k, mrBig });
  undefinedLengths(w, { phiExplicit, phiJ2k });
  nesting(w);
  vrs(w);
  oddLengths(w);
  structure(w, random, phiExplicit);
  deflate(w);
  notDicom(w, random);

  w.entries.sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : 0));
  return { entries: w.entries, files: w.files };
}

type Sources = Record<string, Source>;

function flips(w: CorpusWriter, random: () => number, s: Sources): void {
  // Random damage anywhere: any coded outcome is right (the suite checks the invariants).
  const pool = [s.j2k!, s.sr!, s.rtstruct!, s.phiExplicit!, s.phiImplicit!, s.phiJ2k!];
  for (const source of pool) {
    for (let i = 1; i <= 3; i++) {
      const count = randomInt(random, 1, 8);
      const headerEnd = findTop(source.lay, PIXEL_DATA)?.start ?? source.bytes.length;
      const { bytes, offsets } = flip(source.bytes, random, count, 0, headerEnd);
      w.add(
        `flipped-${source.id}-${i}.dcm`,
        'flipped',
        `${source.label} with ${count} random byte(s) changed before Pixel Data, at ${offsets.join(', ')}`,
        both('closed'),
        bytes,
        source.phi,
      );
    }
  }
  // The CT header region only (its pixel data would make the corpus large for nothing).
  for (let i = 1; i <= 3; i++) {
    const { ct } = s;
    const pixel = findTop(ct!.lay, PIXEL_DATA)!;
    const { bytes, offsets } = flip(ct!.bytes, random, randomInt(random, 1, 8), 0, pixel.start);
    w.add(
      `flipped-ct-${i}.dcm`,
      'flipped',
      `${ct!.label} cut before Pixel Data, with bytes changed at ${offsets.join(', ')}`,
      both('closed'),
      cut(bytes, pixel.start),
      ct!.phi,
    );
  }
  // Damage that cannot touch the structure: the outcome is known.
  const phi = s.phiExplicit!;
  const pixel = findTop(phi.lay, PIXEL_DATA)!;
  const inPixels = flip(phi.bytes, random, 16, pixel.valueOffset, pixel.end);
  w.add(
    'flipped-phi-explicit-pixels.dcm',
    'flipped',
    `${phi.label} with 16 bytes of Pixel Data changed (values only)`,
    both('ok'),
    inPixels.bytes,
    phi.phi,
  );
  const description = findTop(phi.lay, 0x00081030)!;
  const text = Uint8Array.from(phi.bytes);
  for (let at = description.valueOffset; at < description.end - 1; at++) {
    text[at] = randomInt(random, 0x41, 0x5a);
  }
  w.add(
    'flipped-phi-explicit-text.dcm',
    'flipped',
    `${phi.label} with Study Description overwritten by random capital letters`,
    both('ok'),
    text,
    phi.phi,
  );
}

function lengths(w: CorpusWriter, random: () => number, s: Sources): void {
  const phi = s.phiExplicit!;
  const { bytes, lay } = phi;
  const add = (file: string, made: string, expect: Expect, out: Uint8Array, source = phi) =>
    w.add(`length-${file}.dcm`, 'length', `${source.label}: ${made}`, expect, out, source.phi);
  const meta = (tag: number) => lay.meta.find((e) => e.tag === tag)!;
  const top = (tag: number) => findTop(lay, tag)!;

  const groupLength = meta(0x00020000);
  // The header reader bounds the meta group by its group number, not by (0002,0000): it reads on.
  add(
    'meta-group-ffffffff',
    '(0002,0000) group length set to 0xFFFFFFFF',
    { deidentify: 'TRUNCATED', header: 'ok' },
    patch(bytes, groupLength.valueOffset, 4, 0xffffffff),
  );
  add(
    'meta-group-zero',
    '(0002,0000) group length set to 0',
    both('BAD_STRUCTURE'),
    patch(bytes, groupLength.valueOffset, 4, 0),
  );
  const ts = meta(0x00020010);
  add(
    'meta-group-short',
    '(0002,0000) group length ends inside the Transfer Syntax UID',
    { deidentify: 'error', header: 'ok' },
    patch(bytes, groupLength.valueOffset, 4, ts.valueOffset + 4 - 144),
  );
  add(
    'meta-ts-ffff',
    '(0002,0010) length set to 0xFFFF (past the end of the file)',
    both('TRUNCATED'),
    patch(bytes, ts.lengthField, 2, 0xffff),
  );
  const version = meta(0x00020001);
  add(
    'meta-ob-ffffffff',
    '(0002,0001) OB length set to 0xFFFFFFFF',
    both('error'),
    patch(bytes, version.lengthField, 4, 0xffffffff),
  );

  const name = top(0x00100010);
  add(
    'element-ffff',
    "Patient's Name (PN, 16-bit length) set to 0xFFFF",
    both('TRUNCATED'),
    patch(bytes, name.lengthField, 2, 0xffff),
  );
  add(
    'element-short-by-2',
    "Patient's Name length 2 less than its value",
    both('error'),
    patch(bytes, name.lengthField, 2, name.length - 2),
  );
  const pixel = top(PIXEL_DATA);
  add(
    'pixel-native-ffffffff',
    'native Pixel Data (OW) length set to 0xFFFFFFFF',
    { deidentify: 'error', header: 'ok' },
    patch(bytes, pixel.lengthField, 4, 0xffffffff),
  );
  add(
    'pixel-native-large',
    'native Pixel Data (OW) length set to 0x7FFFFFF0',
    { deidentify: 'TRUNCATED', header: 'ok' },
    patch(bytes, pixel.lengthField, 4, 0x7ffffff0),
  );

  const defined = top(0x00081110); // Referenced Study Sequence: defined lengths
  add(
    'sq-ffffffff-no-delimiter',
    'a defined-length sequence made undefined-length, with no delimiter',
    both('error'),
    patch(bytes, defined.lengthField, 4, 0xffffffff),
  );
  // Past its true end a sequence meets the next elements where items should be: garbage either way.
  add(
    'sq-larger-than-file',
    'a sequence length set to 0x00FFFFF0',
    both('error'),
    patch(bytes, defined.lengthField, 4, 0x00fffff0),
  );
  add(
    'sq-random-large',
    'a sequence length set to a random value past the end',
    both('error'),
    patch(bytes, defined.lengthField, 4, randomInt(random, bytes.length * 2, 0x7fffffff)),
  );
  const item = defined.items![0]!;
  add(
    'item-ffffffff',
    'the item of a defined-length sequence made undefined-length, with no delimiter',
    both('error'),
    patch(bytes, item.lengthField, 4, 0xffffffff),
  );
  add(
    'item-larger-than-sequence',
    'an item 8 bytes longer than its (defined-length) sequence',
    both('error'),
    patch(bytes, item.lengthField, 4, item.end - item.valueOffset + 8),
  );
  add(
    'item-larger-than-file',
    'an item length set to 0x0FFFFFFF',
    both('TRUNCATED'),
    patch(bytes, item.lengthField, 4, 0x0fffffff),
  );

  const j2k = s.phiJ2k!;
  const fragments = findTop(j2k.lay, PIXEL_DATA)!.items!;
  const jAdd = (file: string, made: string, expect: Expect, out: Uint8Array) =>
    add(file, made, expect, out, j2k);
  jAdd(
    'fragment-ffffffff',
    'a Pixel Data fragment length set to 0xFFFFFFFF',
    { deidentify: 'error', header: 'ok' },
    patch(j2k.bytes, fragments[1]!.lengthField, 4, 0xffffffff),
  );
  jAdd(
    'fragment-larger-than-file',
    'a Pixel Data fragment length set to 0x00FFFFF0',
    { deidentify: 'TRUNCATED', header: 'ok' },
    patch(j2k.bytes, fragments[1]!.lengthField, 4, 0x00fffff0),
  );
  jAdd(
    'offset-table-ffffffff',
    'the Basic Offset Table item length set to 0xFFFFFFFF',
    { deidentify: 'error', header: 'ok' },
    patch(j2k.bytes, fragments[0]!.lengthField, 4, 0xffffffff),
  );

  const implicit = s.phiImplicit!;
  const iName = findTop(implicit.lay, 0x00100010)!;
  add(
    'implicit-element-ffffffff',
    "implicit VR Patient's Name length set to 0xFFFFFFFF",
    { deidentify: 'error', header: 'closed' },
    patch(implicit.bytes, iName.lengthField, 4, 0xffffffff),
    implicit,
  );
  add(
    'implicit-element-large',
    "implicit VR Patient's Name length set to 0x40000000",
    both('TRUNCATED'),
    patch(implicit.bytes, iName.lengthField, 4, 0x40000000),
    implicit,
  );

  const big = s.mrBig!;
  const bName = findTop(big.lay, 0x00100010)!;
  add(
    'bigendian-swapped',
    "big endian Patient's Name length written little endian",
    both('TRUNCATED'),
    patch(big.bytes, bName.lengthField, 2, bName.length, true),
    big,
  );

  // A UT value (32-bit length) in a file of our own.
  const ut = (length: number) =>
    patientOf(baseFile(TS.explicitLE))
      .raw(explicitElement(0x0040a160, 'UT', ascii('FREE TEXT '), { long: true, length }))
      .build();
  w.add(
    'length-ut-ffffffff.dcm',
    'length',
    'a UT Text Value with length 0xFFFFFFFF',
    { deidentify: 'error', header: 'closed' },
    ut(0xffffffff),
    HOSTILE_PHI,
  );
  w.add(
    'length-ut-large.dcm',
    'length',
    'a UT Text Value with length 0x7FFFFFF0',
    both('TRUNCATED'),
    ut(0x7ffffff0),
    HOSTILE_PHI,
  );
  const un = patientOf(baseFile(TS.explicitLE))
    .raw(
      concat(
        explicitElement(0x00090010, 'LO', ascii('HOSTILE ')),
        explicitElement(0x00091001, 'UN', ascii('NOT AN ITEM AT ALL!!'), {
          long: true,
          length: 0xffffffff,
        }),
      ),
    )
    .build();
  w.add(
    'length-un-private-ffffffff.dcm',
    'length',
    'a private UN element with undefined length and no items or delimiter',
    both('error'),
    un,
    HOSTILE_PHI,
  );
}

function undefinedLengths(w: CorpusWriter, s: Sources): void {
  const phi = s.phiExplicit!;
  const { bytes, lay } = phi;
  // Procedure Code Sequence: undefined length, defined items.
  const procedure = findTop(lay, 0x00081032)!;
  w.add(
    'undefined-sq-no-delimiter.dcm',
    'undefined-length',
    `${phi.label}: the Sequence Delimitation Item of an undefined-length sequence cut out (the elements after it follow)`,
    both('error'),
    splice(bytes, procedure.end - 8, 8),
    phi.phi,
  );
  // Request Attributes Sequence: undefined length, undefined-length item.
  const request = findTop(lay, 0x00400275)!;
  const requestItem = request.items![0]!;
  w.add(
    'undefined-item-no-delimiter.dcm',
    'undefined-length',
    `${phi.label}: the Item Delimitation Item of an undefined-length item cut out`,
    both('error'),
    splice(bytes, requestItem.end - 8, 8),
    phi.phi,
  );

  const atEnd = patientOf(baseFile(TS.explicitLE))
    .raw(
      concat(
        u16(0x0040),
        u16(0xa730),
        ascii('SQ'),
        u16(0),
        u32(0xffffffff),
        u16(0xfffe),
        u16(0xe000),
        u32(0xffffffff),
        explicitElement(0x0040a160, 'UT', ascii('NO DELIMITER'), { long: true }),
      ),
    )
    .build();
  w.add(
    'undefined-sq-at-end-no-delimiters.dcm',
    'undefined-length',
    'an undefined-length sequence and item as the last element, with neither delimiter (the file just ends)',
    both('TRUNCATED'),
    atEnd,
    HOSTILE_PHI,
  );

  const j2k = s.phiJ2k!;
  w.add(
    'undefined-pixel-no-delimiter.dcm',
    'undefined-length',
    `${j2k.label}: the Sequence Delimitation Item after the last Pixel Data fragment cut off`,
    { deidentify: 'TRUNCATED', header: 'ok' },
    cut(j2k.bytes, j2k.bytes.length - 8),
    j2k.phi,
  );
}

function nesting(w: CorpusWriter): void {
  const nested = (
    file: string,
    made: string,
    expect: Outcome,
    transferSyntax: string,
    raw: Uint8Array,
  ) =>
    w.add(
      `nesting-${file}.dcm`,
      'nesting',
      made,
      both(expect),
      patientOf(baseFile(transferSyntax)).raw(raw).build(),
      HOSTILE_PHI,
    );
  nested(
    '10000-explicit-defined',
    'Content Sequence nested 10,000 deep, explicit VR, defined lengths',
    'TOO_DEEP',
    TS.explicitLE,
    nestedSequences(10_000, { explicit: true, undefinedLength: false }),
  );
  nested(
    '10000-implicit-undefined',
    'Content Sequence nested 10,000 deep, implicit VR, undefined lengths with delimiters',
    'TOO_DEEP',
    TS.implicitLE,
    nestedSequences(10_000, { explicit: false, undefinedLength: true }),
  );
  nested(
    '2000-explicit-undefined-no-delimiters',
    'Content Sequence nested 2,000 deep, undefined lengths, no delimiter at all',
    'error',
    TS.explicitLE,
    nestedSequences(2_000, { explicit: true, undefinedLength: true, delimiters: false }),
  );
  // parseNormalize.ts MAX_DEPTH is 64: 64 levels of items read, 65 are refused.
  nested(
    '64-explicit-undefined',
    'Content Sequence nested 64 deep (the deepest Veil reads)',
    'ok',
    TS.explicitLE,
    nestedSequences(64, { explicit: true, undefinedLength: true }),
  );
  // The header reader does not limit depth; it reads 65 levels, and must map a stack overflow.
  w.add(
    'nesting-65-explicit-undefined.dcm',
    'nesting',
    'Content Sequence nested 65 deep (one level past the limit)',
    { deidentify: 'TOO_DEEP', header: 'ok' },
    patientOf(baseFile(TS.explicitLE))
      .raw(nestedSequences(65, { explicit: true, undefinedLength: true }))
      .build(),
    HOSTILE_PHI,
  );
}

function vrs(w: CorpusWriter): void {
  const vr = (file: string, made: string, expect: Expect, bytes: Uint8Array) =>
    w.add(`vr-${file}.dcm`, 'vr', made, expect, bytes, HOSTILE_PHI);
  const withRaw = (raw: Uint8Array, sortTag: number) =>
    patientOf(baseFile(TS.explicitLE)).raw(raw, sortTag).sort().build();
  // The header reader does not check VRs (dicom-parser reads a 16-bit length after any two letters).
  vr(
    'invalid-letters',
    'Study Description with the VR "ZZ"',
    { deidentify: 'BAD_STRUCTURE', header: 'ok' },
    withRaw(explicitElement(0x00081030, 'ZZ', ascii('CHEST ')), 0x00081030),
  );
  vr(
    'lowercase',
    'Referring Physician\'s Name with the VR "pn"',
    { deidentify: 'BAD_STRUCTURE', header: 'ok' },
    withRaw(explicitElement(0x00080090, 'pn', ascii('HOSTILEREF^DOC ')), 0x00080090),
  );
  vr(
    'patient-name-us',
    "Patient's Name written as US (binary)",
    { deidentify: 'error', header: 'ok' },
    baseFile(TS.explicitLE)
      .raw(explicitElement(0x00100010, 'US', new Uint8Array([1, 0, 2, 0])), 0x00100010)
      .str(0x00100020, 'LO', HOSTILE_ID)
      .sort()
      .build(),
  );
  vr(
    'patient-name-sq',
    "Patient's Name written as a sequence holding the name in an item",
    { deidentify: 'error', header: 'ok' },
    baseFile(TS.explicitLE)
      .seq(0x00100010, [(i) => i.str(0x00100010, 'PN', HOSTILE_NAME)])
      .str(0x00100020, 'LO', HOSTILE_ID)
      .sort()
      .build(),
  );
  vr(
    'sop-instance-ob',
    'SOP Instance UID written as OB',
    { deidentify: 'error', header: 'ok' },
    dicomFile(TS.explicitLE, { mediaStorageSopInstanceUid: '2.25.1' })
      .str(SOP_CLASS, 'UI', '1.2.840.10008.5.1.4.1.1.7')
      .bin(SOP_INSTANCE, 'OB', ascii('2.25.300000000000000000000000000000000001'))
      .str(0x00100010, 'PN', HOSTILE_NAME)
      .build(),
  );
  vr(
    'study-description-un',
    'Study Description written as UN holding its text',
    both('ok'),
    withRaw(
      explicitElement(0x00081030, 'UN', ascii('CHEST HOSTILEFAMILY'), { long: true }),
      0x00081030,
    ),
  );
  // dicom-parser reads OV's reserved bytes as a 16-bit length of 0, then garbage: Veil reads a
  // top-level 64-bit VR itself (parseTopLevel.ts), and refuses one inside a sequence.
  vr(
    'ov',
    'an element with VR OV at the top level (a 64-bit VR that dicom-parser misreads)',
    both('ok'),
    withRaw(explicitElement(0x00189807, 'OV', new Uint8Array(8), { long: true }), 0x00189807),
  );
  vr(
    'ov-in-sequence',
    'an element with VR OV inside a sequence item (fails closed: dicom-parser reads items itself)',
    both('error'),
    patientOf(baseFile(TS.explicitLE))
      .seq(0x00081115, [
        item((i) =>
          i
            .raw(explicitElement(0x00189807, 'OV', new Uint8Array(8), { long: true }), 0x00189807)
            .str(0x00200013, 'IS', '1'),
        ),
      ])
      .sort()
      .build(),
  );
  const lie = (declared: string, actual: string) =>
    patientOf(baseFile(actual, { declaredTransferSyntax: declared }))
      .str(0x00081030, 'LO', 'CHEST')
      .build();
  vr(
    'explicit-declared-implicit',
    'explicit VR little endian data in a file whose meta says implicit VR',
    both('error'),
    lie(TS.implicitLE, TS.explicitLE),
  );
  vr(
    'implicit-declared-explicit',
    'implicit VR data in a file whose meta says explicit VR',
    both('error'),
    lie(TS.explicitLE, TS.implicitLE),
  );
  vr(
    'little-declared-big',
    'explicit VR little endian data in a file whose meta says big endian',
    both('error'),
    lie(TS.explicitBE, TS.explicitLE),
  );
}

function oddLengths(w: CorpusWriter): void {
  const odd = (file: string, made: string, expect: Expect, bytes: Uint8Array) =>
    w.add(`odd-${file}.dcm`, 'odd-length', made, expect, bytes, HOSTILE_PHI);
  odd(
    'lo',
    'Patient ID with an odd length (3, no padding)',
    both('ok'),
    baseFile(TS.explicitLE)
      .str(0x00100010, 'PN', HOSTILE_NAME)
      .raw(explicitElement(0x00100020, 'LO', ascii('ODD')), 0x00100020)
      .sort()
      .build(),
  );
  odd(
    'private-ob',
    'a private OB value of 3 bytes',
    both('ok'),
    patientOf(baseFile(TS.explicitLE))
      .privateBlock(0x0009, 0x10, 'HOSTILE', (b) =>
        b.bin(0x01, 'OB', new Uint8Array([1, 2, 3]), { pad: false }),
      )
      .build(),
  );
  odd(
    'us',
    'Rows (US) with 3 bytes',
    both('ok'),
    patientOf(baseFile(TS.explicitLE))
      .raw(explicitElement(0x00280010, 'US', new Uint8Array([1, 0, 2])), 0x00280010)
      .sort()
      .build(),
  );
  odd(
    'pixel-data',
    'native Pixel Data (OB) with an odd length of 511',
    both('ok'),
    patientOf(baseFile(TS.explicitLE))
      .bin(PIXEL_DATA, 'OB', new Uint8Array(511).fill(7), { pad: false })
      .build(),
  );
  odd(
    'item',
    'a sequence item holding a 3-byte UI value (odd item length)',
    both('ok'),
    patientOf(baseFile(TS.explicitLE))
      .seq(0x00081110, [(i) => i.raw(explicitElement(0x00081150, 'UI', ascii('1.2')))])
      .build(),
  );
  odd(
    'fragment',
    'an encapsulated Pixel Data fragment of odd length (7 bytes)',
    both('ok'),
    patientOf(baseFile(TS.jpeg2000))
      .raw(
        concat(
          u16(0x7fe0),
          u16(0x0010),
          ascii('OB'),
          u16(0),
          u32(0xffffffff),
          u16(0xfffe),
          u16(0xe000),
          u32(0),
          u16(0xfffe),
          u16(0xe000),
          u32(7),
          new Uint8Array([1, 2, 3, 4, 5, 6, 7]),
          u16(0xfffe),
          u16(0xe0dd),
          u32(0),
        ),
      )
      .build(),
  );
}

function structure(w: CorpusWriter, random: () => number, phi: Source): void {
  const add = (
    file: string,
    made: string,
    expect: Expect,
    bytes: Uint8Array,
    values: readonly string[] = HOSTILE_PHI,
  ) => w.add(`structure-${file}.dcm`, 'structure', made, expect, bytes, values);
  // dicom-parser keeps the second; only the strict reader's tiling check sees the duplicate.
  add(
    'duplicate-tag',
    "Patient's Name twice",
    { deidentify: 'BAD_STRUCTURE', header: 'ok' },
    baseFile(TS.explicitLE)
      .str(0x00100010, 'PN', HOSTILE_NAME)
      .str(0x00100010, 'PN', 'HOSTILEOTHER^NAME')
      .str(0x00100020, 'LO', HOSTILE_ID)
      .build(),
    [...HOSTILE_PHI, 'HOSTILEOTHER'],
  );
  // Non-conformant but complete: the elements still tile the file, nothing can hide.
  add(
    'out-of-order',
    "Patient's Name before SOP Class UID (tags not ascending)",
    both('ok'),
    patientOf(dicomFile(TS.explicitLE, { mediaStorageSopClassUid: '1.2.840.10008.5.1.4.1.1.7' }))
      .str(SOP_CLASS, 'UI', '1.2.840.10008.5.1.4.1.1.7')
      .str(SOP_INSTANCE, 'UI', '2.25.300000000000000000000000000000000001')
      .build(),
  );
  // The header reader ends the meta group at the first element of another group and reads on.
  add(
    'meta-foreign-element',
    'a (0008,0005) element inside the file meta group',
    { deidentify: 'BAD_STRUCTURE', header: 'ok' },
    patientOf(baseFile(TS.explicitLE))
      .fileMeta((m) => m.str(0x00080005, 'CS', 'ISO_IR 100'))
      .build(),
  );
  add(
    'unknown-transfer-syntax',
    'a Transfer Syntax UID nobody defines',
    both('UNSUPPORTED_TRANSFER_SYNTAX'),
    patientOf(
      baseFile(TS.explicitLE, { declaredTransferSyntax: '1.2.826.0.1.3680043.99999.1' }),
    ).build(),
  );
  add(
    'transfer-syntax-holds-a-name',
    "the Transfer Syntax UID field holds the patient's name",
    both('UNSUPPORTED_TRANSFER_SYNTAX'),
    patientOf(baseFile(TS.explicitLE, { declaredTransferSyntax: HOSTILE_NAME })).build(),
  );
  add(
    'no-sop-instance',
    'a valid file without SOP Instance UID',
    { deidentify: 'UNSUPPORTED', header: 'ok' },
    patientOf(dicomFile(TS.explicitLE).str(SOP_CLASS, 'UI', '1.2.840.10008.5.1.4.1.1.7')).build(),
  );
  add(
    'group-length-wrong',
    'a retired (0008,0000) group length with a wrong value',
    both('ok'),
    baseFile(TS.explicitLE)
      .raw(explicitElement(0x00080000, 'UL', u32(3)), 0x00080000)
      .sort()
      .str(0x00100010, 'PN', HOSTILE_NAME)
      .build(),
  );
  // The meta group without (0002,0010): the group length is fixed up, the syntax must be sniffed.
  const ts = phi.lay.meta.find((e) => e.tag === 0x00020010)!;
  const groupLength = phi.lay.meta.find((e) => e.tag === 0x00020000)!;
  const withoutTs = splice(phi.bytes, ts.start, ts.end - ts.start);
  const view = new DataView(withoutTs.buffer);
  view.setUint32(
    groupLength.valueOffset,
    view.getUint32(groupLength.valueOffset, true) - (ts.end - ts.start),
    true,
  );
  add(
    'meta-without-transfer-syntax',
    `${phi.label} without (0002,0010) (group length adjusted)`,
    both('ok'),
    withoutTs,
    phi.phi,
  );

  const preamble = concat(new Uint8Array(128), ascii('DICM'));
  const garbage = new Uint8Array(2048).map(() => randomInt(random, 0, 255));
  add(
    'dicm-then-random',
    '128 zero bytes, DICM, then 2 KB of random bytes',
    both('BAD_STRUCTURE'),
    concat(preamble, garbage),
  );
  add(
    'dicm-then-text',
    '128 zero bytes, DICM, then a line of text',
    both('BAD_STRUCTURE'),
    concat(preamble, ascii(`Referral for ${HOSTILE_NAME}, ID ${HOSTILE_ID}. Please scan.\n`)),
  );
  add('dicm-only', '128 zero bytes and DICM, nothing else', both('TRUNCATED'), preamble);
}

function deflate(w: CorpusWriter): void {
  const add = (
    file: string,
    made: string,
    expect: Outcome,
    bytes: Uint8Array,
    values: readonly string[],
  ) => w.add(`deflate-${file}.dcm`, 'deflate', made, both(expect), bytes, values);
  // A meta group saying deflated, then a stream that inflates 1 MiB past the 1 GiB limit.
  const meta = patientOf(baseFile(TS.deflatedLE)).build();
  const metaEnd = layFile(meta).datasetStart;
  const bomb = concat(meta.subarray(0, metaEnd), deflateZeros(copiesFor(2 ** 30 + 2 ** 20)));
  add(
    'bomb',
    'a deflated-syntax file whose dataset inflates to 1 GiB + 1 MiB of zeros (~1 MB on disk)',
    'UNSUPPORTED',
    bomb,
    HOSTILE_PHI,
  );

  const dfl = readFixture('image_dfl.dcm');
  const start = layFile(dfl).datasetStart;
  const invalid = Uint8Array.from(dfl);
  invalid[start] = invalid[start]! | 0x06; // BTYPE 11: a reserved (invalid) block type
  add(
    'invalid-block',
    'test/fixtures/pydicom/image_dfl.dcm with its first deflate block type set to the reserved 11',
    'INFLATE_FAILED',
    invalid,
    [],
  );
  add(
    'cut-stream',
    'test/fixtures/pydicom/image_dfl.dcm cut in the middle of its deflate stream',
    'INFLATE_FAILED',
    cut(dfl, start + ((dfl.length - start) >>> 1)),
    [],
  );
  const plain = patientOf(
    baseFile(TS.explicitLE, { declaredTransferSyntax: TS.deflatedLE }),
  ).build();
  add(
    'not-deflated',
    'a plain explicit VR dataset in a file whose meta says deflated',
    'INFLATE_FAILED',
    plain,
    HOSTILE_PHI,
  );
}

function notDicom(w: CorpusWriter, random: () => number): void {
  const add = (file: string, made: string, bytes: Uint8Array, values: readonly string[] = []) =>
    w.add(`not-dicom-${file}`, 'not-dicom', made, both('skipped'), bytes, values);
  add('empty.dcm', 'a zero-byte file named .dcm', new Uint8Array(0));
  add('image.png', 'a valid 2×2 greyscale PNG', tinyPng());
  add('letter.pdf', 'a valid one-page PDF', tinyPdf());
  add(
    'notes.txt',
    'plain text naming a patient',
    ascii(`Patient ${HOSTILE_NAME} (ID ${HOSTILE_ID}) called about the results.\n`.repeat(4)),
    HOSTILE_PHI,
  );
  add(
    'random.bin',
    '4 KB of seeded random bytes',
    new Uint8Array(4096).map(() => randomInt(random, 0, 255)),
  );
  add(
    'zip-bomb.zip',
    'a zip of 4 entries overlapping on one deflate stream, each inflating to 1 GiB of zeros (4 GiB from ~1 MB)',
    zipBomb(copiesFor(2 ** 30), 4),
  );
}

// ---- writing --------------------------------------------------------------------------------------

/** The manifest's content (corpus.test.ts compares it with the committed MANIFEST.json). */
export function manifestOf(entries: readonly CorpusEntry[]) {
  return { format: 'veil-hostile-corpus', version: 1, seed: SEED, entries } as const;
}

async function write(): Promise<void> {
  const corpus = generateCorpus();
  mkdirSync(CORPUS_DIR, { recursive: true });
  for (const name of readdirSync(CORPUS_DIR)) rmSync(join(CORPUS_DIR, name));
  for (const [name, bytes] of corpus.files) writeFileSync(join(CORPUS_DIR, name), bytes);
  // Written as the repository's Prettier would, so that `npm run format:check` passes.
  const prettier = await import('prettier');
  const path = join(CORPUS_DIR, MANIFEST);
  const options = (await prettier.resolveConfig(path)) ?? {};
  const text = await prettier.format(JSON.stringify(manifestOf(corpus.entries)), {
    ...options,
    filepath: path,
  });
  writeFileSync(path, text);
  const total = corpus.entries.reduce((n, e) => n + e.bytes, 0);
  console.log(
    `${corpus.entries.length} files, ${(total / 1048576).toFixed(2)} MiB in ${CORPUS_DIR}`,
  );
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) await write();
