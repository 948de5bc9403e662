// THE table test: the project's guarantee that no PS3.15 rule is a silent no-op. Every row must be
// read (known action codes and option cells), must reach an element (a dictionary tag, or one of the
// four pattern rows), and must agree with the dictionary on what it names.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { lookupTag } from '../dicom/dictionary';
import { formatTag, makeTag } from '../dicom/tag';
import { OPTION_NAMES } from './options';
import {
  BASIC_ACTIONS,
  PRIVATE_ROW,
  PROFILE_ROWS,
  TABLE_EDITIONS,
  rowForTag,
  type ProfileRow,
} from './table';

interface JsonRow {
  tag: string;
  keyword: string | null;
  name: string;
  basic: string;
  in_std_comp_iod: boolean;
  retired?: boolean;
  options: Record<string, string>;
}
const readTable = (file: string): JsonRow[] =>
  (
    JSON.parse(readFileSync(new URL(`./data/${file}`, import.meta.url), 'utf8')) as {
      attributes: JsonRow[];
    }
  ).attributes;

const base = PROFILE_ROWS.filter((row) => row.edition === '2024b');
const additions = PROFILE_ROWS.filter((row) => row.edition === '2026d');
const tagged = PROFILE_ROWS.filter(
  (row): row is ProfileRow & { tag: number } => row.tag !== undefined,
);
const show = (row: ProfileRow): string =>
  row.tag === undefined ? row.pattern! : formatTag(row.tag);

/**
 * 2026d rows for attributes added to PS3.6 after the edition dcmjs 0.52.2's dictionary was built from.
 * Their rules still apply (they are keyed by tag: see the test below) but implicit VR files read them
 * as UN, and they have no keyword. This list may only shrink: a new gap fails the test.
 */
const NEWER_THAN_DICTIONARY = [
  0x00081301, 0x00081302, 0x00081303, 0x00081304, 0x00100011, 0x00100012, 0x00100013, 0x00100014,
  0x00100015, 0x00100016, 0x00100041, 0x00100042, 0x00100043, 0x00100044, 0x00100045, 0x00100046,
  0x00100047, 0x00102162, 0x0040a034, 0x0040a035, 0x0040b034, 0x0040b036, 0x0040b03b, 0x0040b03f,
  0x0040e012, 0x3004007f,
];

describe('Table E.1-1 as data', () => {
  it('has the 621 rows of 2024b and the 36 that 2026d adds', () => {
    expect(TABLE_EDITIONS).toEqual({ base: '2024b', additions: '2026d' });
    expect(PROFILE_ROWS).toHaveLength(657);
    expect(base).toHaveLength(621);
    expect(additions).toHaveLength(36);
  });

  it('is exactly the vendored JSON (the generated file is up to date)', () => {
    const json = [...readTable('table-e1-1.json'), ...readTable('table-e1-1-additions-2026d.json')];
    expect(json).toHaveLength(PROFILE_ROWS.length);
    json.forEach((source, i) => {
      const row = PROFILE_ROWS[i]!;
      expect(row.tag === undefined ? source.tag : formatTag(row.tag), source.tag).toBe(source.tag);
      expect(row.basic, source.tag).toBe(source.basic);
      expect(row.options, source.tag).toEqual(source.options);
      expect(row.name, source.tag).toBe(source.name);
      expect(row.inStdCompIod, source.tag).toBe(source.in_std_comp_iod);
      if (source.keyword) expect(row.keyword, source.tag).toBe(source.keyword);
      if (source.retired !== undefined) expect(row.retired, source.tag).toBe(source.retired);
    });
  });

  it('has four pattern rows and otherwise one row per tag', () => {
    const patterns = PROFILE_ROWS.filter((row) => row.pattern !== undefined);
    expect(patterns.map((row) => [row.pattern, row.tag])).toEqual([
      ['curve', undefined],
      ['overlay-comments', undefined],
      ['overlay-data', undefined],
      ['private', undefined],
    ]);
    expect(tagged).toHaveLength(653);
    expect(new Set(tagged.map((row) => row.tag)).size).toBe(653);
    expect(tagged.every((row) => row.pattern === undefined && (row.tag >>> 16) % 2 === 0)).toBe(
      true,
    );
  });

  it('2026d adds 36 rows with no tag in common with 2024b', () => {
    const baseTags = new Set(base.map((row) => row.tag).filter((tag) => tag !== undefined));
    expect(additions.every((row) => row.tag !== undefined && !baseTags.has(row.tag))).toBe(true);
  });

  it('every row resolves to a dictionary tag or is a pattern row (gaps listed, and still applied)', () => {
    const unresolved = tagged.filter((row) => lookupTag(row.tag) === undefined);
    expect(unresolved.map((row) => formatTag(row.tag)).sort()).toEqual(
      NEWER_THAN_DICTIONARY.map(formatTag).sort(),
    );
    for (const row of unresolved) {
      // Not a silent no-op: a tag-keyed rule matches the element whether or not the dictionary knows it.
      expect(row.edition, show(row)).toBe('2026d');
      expect(rowForTag(row.tag), show(row)).toBe(row);
      expect(row.keyword, show(row)).toBe('');
    }
    expect(PROFILE_ROWS.length - unresolved.length - 4).toBe(627);
  });

  it('every keyword agrees with the dictionary', () => {
    const disagreements = tagged
      .map((row) => ({ row, entry: lookupTag(row.tag) }))
      .filter(({ row, entry }) => entry !== undefined && entry.keyword !== row.keyword)
      .map(({ row, entry }) => `${show(row)} table ${row.keyword} dictionary ${entry!.keyword}`);
    expect(disagreements).toEqual([]);
    // The two pattern rows that name one attribute agree too.
    expect(lookupTag(makeTag(0x6000, 0x3000))?.keyword).toBe(rowForTag(0x60003000)?.keyword);
    expect(lookupTag(makeTag(0x6000, 0x4000))?.keyword).toBe(rowForTag(0x60004000)?.keyword);
  });

  it('fills the keywords 2026d publishes as null from the dictionary, where it knows them', () => {
    expect(rowForTag(0x00102161)).toMatchObject({
      keyword: 'EthnicGroupCodeSequence',
      edition: '2026d',
    });
    expect(rowForTag(0x300a0054)).toMatchObject({
      keyword: 'TableTopPositionAlignmentUID',
      basic: 'U',
    });
  });

  it('2026d’s Retired column agrees with the dictionary where both know the attribute', () => {
    for (const row of additions) {
      const entry = lookupTag(row.tag!);
      if (entry) expect(row.retired, show(row)).toBe(entry.retired);
    }
    expect(rowForTag(0x00181011)).toMatchObject({
      keyword: 'HardcopyCreationDeviceID',
      retired: true,
    });
  });

  it('uses only the 11 known action codes, and K or C in option cells', () => {
    expect(BASIC_ACTIONS).toHaveLength(11);
    for (const row of PROFILE_ROWS) {
      expect(BASIC_ACTIONS, show(row)).toContain(row.basic);
      for (const [option, action] of Object.entries(row.options)) {
        expect(OPTION_NAMES, show(row)).toContain(option);
        expect(['K', 'C'], show(row)).toContain(action);
      }
    }
  });

  it('has the per-action counts of the README', () => {
    const count = (rows: readonly ProfileRow[]): Record<string, number> => {
      const counts: Record<string, number> = {};
      for (const row of rows) counts[row.basic] = (counts[row.basic] ?? 0) + 1;
      return counts;
    };
    expect(count(base)).toEqual({
      X: 384,
      D: 92,
      U: 54,
      Z: 42,
      'X/D': 22,
      'X/Z': 11,
      'X/Z/D': 8,
      'Z/D': 6,
      'X/Z/U*': 2,
    });
    // 2026d as a whole, which pymedphys's own test asserts
    expect(count(PROFILE_ROWS)).toEqual({
      X: 417,
      D: 93,
      U: 55,
      Z: 42,
      'X/D': 23,
      'X/Z': 11,
      'X/Z/D': 8,
      'Z/D': 6,
      'X/Z/U*': 2,
    });
    const cells: Record<string, number> = {};
    for (const row of base) {
      for (const [option, action] of Object.entries(row.options)) {
        cells[`${option} ${action}`] = (cells[`${option} ${action}`] ?? 0) + 1;
      }
    }
    expect(cells).toEqual({
      'RetainLongFullDates K': 165,
      'RetainLongModifDates C': 165,
      'CleanDesc C': 125,
      'RetainUIDs K': 59,
      'RetainDeviceIdent K': 46,
      'RetainDeviceIdent C': 11,
      'RetainInstitutionIdent K': 10,
      'RetainPatientChars K': 9,
      'RetainPatientChars C': 4,
      'CleanGraph C': 4,
      'CleanStructCont C': 3,
      'RetainSafePrivate C': 1,
    });
  });

  it('matches the README’s spot checks', () => {
    expect(rowForTag(0x00100010)).toMatchObject({
      keyword: 'PatientName',
      basic: 'Z',
      options: {},
    });
    expect(rowForTag(0x00100020)).toMatchObject({
      keyword: 'PatientID',
      basic: 'Z/D',
      options: {},
    });
    expect(rowForTag(0x0020000d)).toMatchObject({
      keyword: 'StudyInstanceUID',
      basic: 'U',
      options: { RetainUIDs: 'K' },
    });
    expect(rowForTag(0x00080020)).toMatchObject({
      keyword: 'StudyDate',
      basic: 'Z',
      options: { RetainLongFullDates: 'K', RetainLongModifDates: 'C' },
    });
    expect(rowForTag(0x00080080)).toMatchObject({
      basic: 'X/Z/D',
      options: { RetainInstitutionIdent: 'K' },
    });
    expect(rowForTag(0x00181000)).toMatchObject({
      keyword: 'DeviceSerialNumber',
      basic: 'X/Z/D',
      options: { RetainDeviceIdent: 'K' },
    });
    expect(rowForTag(0x00100040)).toMatchObject({
      keyword: 'PatientSex',
      basic: 'Z',
      options: { RetainPatientChars: 'K' },
    });
    expect(rowForTag(0x00081030)).toMatchObject({
      keyword: 'StudyDescription',
      basic: 'X',
      options: { CleanDesc: 'C' },
    });
    expect(rowForTag(0x0040a730)).toMatchObject({
      keyword: 'ContentSequence',
      basic: 'D',
      options: { CleanStructCont: 'C' },
    });
    expect(rowForTag(0x300a00b2)).toMatchObject({ basic: 'X/Z' });
    expect(rowForTag(0x30100077)).toMatchObject({ basic: 'X/D' });
    expect(rowForTag(0x00700006)).toMatchObject({
      keyword: 'UnformattedTextValue',
      basic: 'D',
      edition: '2026d',
    });
    expect(rowForTag(0x60003000)).toMatchObject({
      tag: undefined,
      pattern: 'overlay-data',
      keyword: 'OverlayData',
      basic: 'X',
      options: { CleanGraph: 'C' },
      retired: false,
    });
  });
});

describe('rowForTag', () => {
  it('finds every tagged row by its tag', () => {
    for (const row of tagged) expect(rowForTag(row.tag), show(row)).toBe(row);
  });

  it('matches overlay data and comments only in even groups 6000–601E', () => {
    expect(rowForTag(0x60023000)?.pattern).toBe('overlay-data');
    expect(rowForTag(0x601e3000)?.pattern).toBe('overlay-data');
    expect(rowForTag(0x60013000)).toBeUndefined();
    expect(rowForTag(0x60203000)).toBeUndefined();
    expect(rowForTag(0x5ffe3000)).toBeUndefined();
    expect(rowForTag(0x60104000)?.pattern).toBe('overlay-comments');
    expect(rowForTag(0x60114000)).toBeUndefined();
    // Overlay Rows and the rest of the Overlay Plane module are not in the table.
    expect(rowForTag(0x60000010)).toBeUndefined();
  });

  it('matches every element of even groups 5000–501E as curve data', () => {
    expect(rowForTag(0x50000010)).toMatchObject({ pattern: 'curve', basic: 'X', retired: true });
    expect(rowForTag(0x501e3000)?.pattern).toBe('curve');
    expect(rowForTag(0x50020000)?.pattern).toBe('curve');
    expect(rowForTag(0x50010010)).toBeUndefined();
    expect(rowForTag(0x50200010)).toBeUndefined();
  });

  it('leaves private tags to PRIVATE_ROW, and unlisted tags to no row', () => {
    expect(PRIVATE_ROW).toMatchObject({
      pattern: 'private',
      tag: undefined,
      basic: 'X',
      options: { RetainSafePrivate: 'C' },
      name: 'Private Attributes',
    });
    expect(rowForTag(0x00190010)).toBeUndefined();
    expect(rowForTag(0x00191001)).toBeUndefined();
    expect(rowForTag(0x00280010)).toBeUndefined();
    expect(rowForTag(0x7fe00010)).toBeUndefined();
  });
});
