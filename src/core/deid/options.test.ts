// The table-driven proof that each option changes what Table E.1-1 says it changes, and nothing
// else: one synthetic file holds an element for every row that has an option cell; the change list
// under the basic profile is compared, row by row, with the one under basic + option.
import { describe, expect, it } from 'vitest';
import { readWithDcmjs } from '../../../test/support/dcmjsReader';
import {
  changeAt,
  changesUnder,
  daysBetween,
  deid,
  planWith,
  profileWith,
} from '../../../test/support/deid';
import { dicomFile, type DatasetBuilder } from '../../../test/support/dicomBuilder';
import { makePhiFile } from '../../../test/support/phiCanaries';
import { TS } from '../../../test/support/transferSyntax';
import { lookupTag } from '../dicom/dictionary';
import { formatTag, groupOf, parseTag, type Tag } from '../dicom/tag';
import { isStringVr, isTextVr } from '../dicom/vr';
import { OPTION_NAMES, type OptionName } from './options';
import { buildPlan } from './plan';
import { PROFILE_ROWS, rowForTag, type ProfileRow } from './table';
import type { Change, DeidSuccess } from './types';

/** CID 7050 (PS3.16), written out here rather than taken from options.ts, so that it is a check. */
const CID_7050: Readonly<Record<OptionName, string>> = {
  CleanGraph: '113103',
  CleanStructCont: '113104',
  CleanDesc: '113105',
  RetainLongFullDates: '113106',
  RetainLongModifDates: '113107',
  RetainPatientChars: '113108',
  RetainDeviceIdent: '113109',
  RetainUIDs: '113110',
  RetainSafePrivate: '113111',
  RetainInstitutionIdent: '113112',
};

const SOP_CLASS = '1.2.840.10008.5.1.4.1.1.7';
const UID_ROOT = '1.2.826.0.1.3680043.2.1143.9';
const PATIENT_NAME = 'DOE^JANE';
/** The identifier every text value carries, so that cleaning has something to clean. */
const NAME_WORD = 'DOE';

const optionRows = PROFILE_ROWS.filter((row) => Object.keys(row.options).length > 0);
const patternRows = optionRows.filter((row) => row.tag === undefined);
const unknownRows = optionRows.filter((row) => row.tag !== undefined && !lookupTag(row.tag));
// The dataset walk removes group 0002 wherever it appears (it belongs in the file meta), so
// MediaStorageSOPInstanceUID is checked through the rebuilt meta instead.
const metaRows = optionRows.filter((row) => row.tag !== undefined && groupOf(row.tag) === 0x0002);
const rows = optionRows.filter(
  (row): row is ProfileRow & { tag: Tag } =>
    row.tag !== undefined && lookupTag(row.tag) !== undefined && groupOf(row.tag) !== 0x0002,
);
const vrOf = (row: { tag: Tag }): string => lookupTag(row.tag)!.vr;

/** The tag's hex as letters G–V: a word unique to the element, with no digits for cleanText to eat. */
const wordFor = (tag: Tag): string =>
  [...tag.toString(16).padStart(8, '0')].map((c) => 'GHIJKLMNOPQRSTUV'[parseInt(c, 16)]).join('');

const dateFor = (n: number): string =>
  new Date(Date.UTC(2020, 0, 1 + n)).toISOString().slice(0, 10).replace(/-/g, '');

/** A value valid for the VR, distinct per row; text carries the patient's family name. */
function addRow(b: DatasetBuilder, tag: Tag, vr: string, n: number): void {
  const word = wordFor(tag);
  const item = (i: DatasetBuilder) =>
    i.str(0x00080100, 'SH', 'VEIL01').str(0x00081155, 'UI', `${UID_ROOT}.2.${n}`);
  switch (vr) {
    case 'AE':
    case 'CS':
      return void b.str(tag, vr, word);
    case 'AS':
      return void b.str(tag, vr, '045Y');
    case 'DA':
      return void b.str(tag, vr, dateFor(n));
    case 'DT':
      return void b.str(tag, vr, `${dateFor(n)}103000`);
    case 'TM':
      return void b.str(tag, vr, '103000');
    case 'DS':
      return void b.str(tag, vr, '1.5');
    case 'IS':
      return void b.str(tag, vr, '7');
    case 'UI':
      return void b.str(tag, vr, `${UID_ROOT}.1.${n}`);
    case 'UR':
      return void b.str(tag, vr, `urn:veil:test:${word}`);
    case 'US':
    case 'SS':
    case 'UL':
    case 'SL':
    case 'FL':
    case 'FD':
      return void b.num(tag, vr, 7);
    case 'AT':
      return void b.at(tag, 0x00100010);
    case 'SQ':
      return void b.seq(tag, [item]);
    default:
      if (isTextVr(vr)) return void b.str(tag, vr, `${word} ${NAME_WORD}`);
      return void b.bin(tag, vr, new Uint8Array([1, 2, 3, 4]));
  }
}

function rowsFile(): Uint8Array {
  const file = dicomFile(TS.explicitLE)
    .str(0x00080016, 'UI', SOP_CLASS)
    .str(0x00100010, 'PN', PATIENT_NAME)
    .str(0x00100020, 'LO', 'ZZID');
  rows.forEach((row, n) => addRow(file, row.tag, vrOf(row), n));
  if (!rows.some((row) => row.tag === 0x00080018)) file.str(0x00080018, 'UI', `${UID_ROOT}.0`);
  return file.sort().build();
}

const input = rowsFile();
const basic = deid(input, planWith());
const withOption = new Map(OPTION_NAMES.map((o) => [o, deid(input, planWith([o]))] as const));

/** The kept/not-kept outcome of a row, which for a sequence includes what happened inside it. */
const subtreeKept = (result: DeidSuccess, path: string): boolean =>
  changesUnder(result, path).every((c) => c.kind === 'kept');

/** The rule label a row gives under one option, as plan.ts writes it; undefined for no row. */
function labelFor(tag: Tag, option: OptionName): string | undefined {
  const row = rowForTag(tag);
  if (!row) return undefined;
  const code = row.options[option];
  return code ? `E.1-1 ${option} ${code}` : `E.1-1 basic ${row.basic}`;
}

const outcome = (c: Change) => ({ kind: c.kind, after: c.after, rule: c.rule });

describe('the synthetic file covers Table E.1-1', () => {
  it(`holds one element for each of the ${rows.length} option rows the dictionary knows`, () => {
    expect(rows.length + unknownRows.length + metaRows.length + patternRows.length).toBe(
      optionRows.length,
    );
    // The 2026d rows newer than dcmjs's dictionary (table.test.ts lists them): no VR to build with.
    expect(unknownRows.length).toBe(18);
    expect(metaRows.map((r) => formatTag(r.tag!))).toEqual(['(0002,0003)']);
    expect(patternRows.map((r) => r.pattern).sort()).toEqual([
      'curve',
      'overlay-comments',
      'overlay-data',
      'private',
    ]);
    for (const row of rows) expect(changeAt(basic, formatTag(row.tag)).rule).toMatch(/^E\.1-1 /);
  });
});

describe.each(OPTION_NAMES)('%s', (option) => {
  const result = withOption.get(option)!;
  const withCell = (code: 'K' | 'C') => rows.filter((row) => row.options[option] === code);
  const without = rows.filter((row) => row.options[option] === undefined);

  it('keeps every K row that the basic profile does not keep', () => {
    for (const row of withCell('K')) {
      const path = formatTag(row.tag);
      const change = changeAt(result, path);
      expect(outcome(change), path).toMatchObject({ kind: 'kept', rule: `E.1-1 ${option} K` });
      // A kept sequence keeps its items, and each element inside follows its own row.
      for (const inner of changesUnder(result, path).slice(1)) {
        expect(inner.rule, inner.path).toBe(labelFor(parseTag(inner.tag)!, option) ?? inner.rule);
      }
      // apply.ts: a sequence of references (X/Z/U*) is kept by the basic profile too, with every
      // UID inside replaced; the option is what keeps those UIDs.
      if (row.basic === 'X/Z/U*') {
        expect(changeAt(basic, path).kind, path).toBe('kept');
        expect(
          changesUnder(basic, path).some((c) => c.kind === 'uid-remapped'),
          path,
        ).toBe(true);
        expect(subtreeKept(result, path), path).toBe(true);
      } else {
        expect(changeAt(basic, path).kind, path).not.toBe('kept');
      }
    }
  });

  it('gives every C row the C handling', () => {
    const offsets = new Set<number>();
    for (const row of withCell('C')) {
      const path = formatTag(row.tag);
      const before = changeAt(basic, path).before;
      const change = changeAt(result, path);
      expect(change.rule, path).toBe(`E.1-1 ${option} C`);
      const vr = vrOf(row);
      if (vr === 'SQ') {
        // A sequence is kept and its items walked, each element by its own rule.
        expect(change.kind, path).toBe('cleaned');
        expect(changesUnder(result, path).length, path).toBeGreaterThan(1);
      } else if ((vr === 'DA' || vr === 'DT') && option === 'RetainLongModifDates') {
        expect(change.kind, path).toBe('date-shifted');
        offsets.add(daysBetween(before!.slice(0, 8), change.after!.slice(0, 8)));
        expect(change.after!.slice(8), path).toBe(before!.slice(8));
      } else if (vr === 'DA' || vr === 'DT') {
        expect(change.kind, path).toBe('emptied');
      } else if (vr === 'PN') {
        expect(change.kind, path).toBe('emptied');
      } else if (isTextVr(vr)) {
        expect(outcome(change), path).toMatchObject({
          kind: 'cleaned',
          after: before!.replaceAll(NAME_WORD, '***'),
        });
      } else if (!isStringVr(vr)) {
        // Binary values (outside overlays and curves) cannot be cleaned: they are removed.
        expect(change.kind, path).toBe('removed');
      } else {
        // Codes, numbers and times (whole-day shifts keep the time of day): nothing to clean.
        expect(change.kind, path).toBe('kept');
      }
    }
    if (option === 'RetainLongModifDates') {
      // One offset for every date of the patient, keyed, whole days into the past.
      expect(offsets.size).toBe(1);
      const [offset] = offsets;
      expect(offset).toBeGreaterThanOrEqual(-365);
      expect(offset).toBeLessThanOrEqual(-1);
    }
  });

  const binaryDates = withCell('C').filter((row) => !isStringVr(vrOf(row)));
  if (option === 'RetainLongModifDates' && binaryDates.length > 0) {
    // A binary timestamp under RetainLongModifDates C, such as Certified Timestamp (0400,0310) or
    // Frame Origin Timestamp (0034,0007) (OB), cannot be shifted, so it must not stay as it was.
    it('does not keep a binary timestamp it cannot shift', () => {
      for (const row of binaryDates) {
        const path = formatTag(row.tag);
        expect(changeAt(result, path).kind, path).not.toBe('kept');
      }
    });
  }

  it('leaves every row without a cell for it as the basic profile does', () => {
    expect(without.length).toBeGreaterThan(0);
    for (const row of without) {
      const path = formatTag(row.tag);
      expect(outcome(changeAt(result, path)), path).toEqual(outcome(changeAt(basic, path)));
    }
  });

  it('writes the PS3.15 E.1.1 marks for the basic profile and this option', () => {
    const phi = makePhiFile({ transferSyntax: TS.explicitLE, seed: 9 });
    const { natural } = readWithDcmjs(deid(phi.bytes, planWith([option])).bytes);
    expect(natural.PatientIdentityRemoved).toBe('YES');
    const codes = natural.DeidentificationMethodCodeSequence as Record<string, string>[];
    expect(codes.map((c) => c.CodeValue)).toEqual(['113100', CID_7050[option]]);
    expect(codes.every((c) => c.CodingSchemeDesignator === 'DCM')).toBe(true);
    expect(natural.LongitudinalTemporalInformationModified).toBe(
      option === 'RetainLongFullDates'
        ? 'UNMODIFIED'
        : option === 'RetainLongModifDates'
          ? 'MODIFIED'
          : 'REMOVED',
    );
  });
});

describe('options and the rest of the profile', () => {
  it('refuses RetainLongFullDates with RetainLongModifDates', () => {
    expect(() =>
      buildPlan(profileWith(['RetainLongFullDates', 'RetainLongModifDates'])),
    ).toThrowError(expect.objectContaining({ code: 'BAD_PROFILE' }));
  });

  it('writes the marks of the basic profile alone', () => {
    const phi = makePhiFile({ transferSyntax: TS.explicitLE, seed: 9 });
    const { natural } = readWithDcmjs(deid(phi.bytes, planWith()).bytes);
    expect(natural.PatientIdentityRemoved).toBe('YES');
    const codes = natural.DeidentificationMethodCodeSequence as Record<string, string>[];
    expect(codes.map((c) => c.CodeValue)).toEqual(['113100']);
    expect(natural.LongitudinalTemporalInformationModified).toBe('REMOVED');
  });

  it('RetainUIDs keeps the SOP Instance UID in the rebuilt meta (row (0002,0003))', () => {
    const sop = changeAt(basic, '(0008,0018)').before!;
    const kept = readWithDcmjs(withOption.get('RetainUIDs')!.bytes).meta['00020003']?.Value;
    const replaced = readWithDcmjs(basic.bytes).meta['00020003']?.Value;
    expect(kept).toEqual([sop]);
    expect(replaced).toEqual([basic.identity.sopInstanceUid]);
    expect(replaced).not.toEqual([sop]);
  });
});

describe('the repeating-group rows: overlays (60xx,3000), (60xx,4000) and curves (50xx)', () => {
  const overlay = dicomFile(TS.explicitLE)
    .str(0x00080016, 'UI', SOP_CLASS)
    .str(0x00080018, 'UI', `${UID_ROOT}.3.1`)
    .str(0x00100010, 'PN', PATIENT_NAME)
    .num(0x50000005, 'US', 1)
    .bin(0x50003000, 'OB', new Uint8Array([9, 9, 9, 9]))
    .num(0x60000010, 'US', 4)
    .bin(0x60003000, 'OW', new Uint16Array([0xffff, 0x0f0f]))
    .str(0x60004000, 'LT', `MARKED BY ${NAME_WORD}`)
    .bin(0x60023000, 'OW', new Uint16Array([0x00ff, 0xff00]))
    .sort()
    .build();
  const paths = ['(5000,0005)', '(5000,3000)', '(6000,3000)', '(6000,4000)', '(6002,3000)'];

  it('removes curves, overlay data and overlay comments under the basic profile', () => {
    const result = deid(overlay, planWith());
    for (const path of paths) {
      expect(outcome(changeAt(result, path)), path).toMatchObject({ kind: 'removed' });
      expect(changeAt(result, path).rule, path).toBe('E.1-1 basic X');
    }
    // Overlay Rows (60xx,0010) is in no row: kept.
    expect(changeAt(result, '(6000,0010)').kind).toBe('kept');
  });

  it('CleanGraph keeps them, the comments cleaned and the binary data flagged for review', () => {
    const result = deid(overlay, planWith(['CleanGraph']));
    for (const path of paths) expect(changeAt(result, path).rule, path).toBe('E.1-1 CleanGraph C');
    expect(changeAt(result, '(6000,4000)')).toMatchObject({
      kind: 'cleaned',
      after: 'MARKED BY ***',
    });
    for (const path of ['(5000,0005)', '(5000,3000)', '(6000,3000)', '(6002,3000)']) {
      expect(changeAt(result, path).kind, path).toBe('kept');
    }
    const flagged = result.warnings.filter((w) => w.code === 'GRAPHICS_KEPT').map((w) => w.path);
    expect(flagged).toEqual(expect.arrayContaining(['(5000,3000)', '(6000,3000)', '(6002,3000)']));
  });

  it.each(OPTION_NAMES.filter((o) => o !== 'CleanGraph'))('%s does not touch them', (option) => {
    const result = deid(overlay, planWith([option]));
    for (const path of paths) expect(changeAt(result, path).kind, path).toBe('removed');
  });
});
