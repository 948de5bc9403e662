import { lookupTag } from '../dicom/dictionary';
import { elementOf, groupOf, isPrivateTag, makeTag, type Tag } from '../dicom/tag';
import { VeilError } from '../errors';
import { isOptionName, type OptionName } from './options';
import {
  TABLE_E1_1_2024B,
  TABLE_E1_1_2026D_ADDITIONS,
  type RawProfileRow,
} from './table.generated';

/**
 * Basic Profile action codes of PS3.15 Table E.1-1. Compound codes choose by the attribute's Type in
 * the IOD (Z/D: Z unless Type 1 needs D; X/Z: X unless Type 2; X/D; X/Z/D; X/Z/U* for sequences of
 * UID references); the table does not carry the Type (see data/README.md §1).
 */
export type BasicAction =
  'X' | 'D' | 'Z' | 'K' | 'C' | 'U' | 'Z/D' | 'X/Z' | 'X/D' | 'X/Z/D' | 'X/Z/U*';
export const BASIC_ACTIONS: readonly BasicAction[] = [
  'X',
  'D',
  'Z',
  'K',
  'C',
  'U',
  'Z/D',
  'X/Z',
  'X/D',
  'X/Z/D',
  'X/Z/U*',
];

export type OptionAction = 'K' | 'C';

/**
 * The four rows that are patterns, not tags: curve = every element of even groups 5000–501E (retired);
 * overlay data / comments = element 3000 / 4000 of even groups 6000–601E; private = every odd group.
 */
export type RowPattern = 'curve' | 'overlay-data' | 'overlay-comments' | 'private';

export interface ProfileRow {
  /** undefined for the pattern rows. */
  readonly tag: Tag | undefined;
  readonly pattern?: RowPattern;
  /**
   * PS3.6 keyword: the table's, or for the 2026d rows published without one the dictionary's.
   * '' when neither has one (the curve and private pattern rows, and 26 attributes newer than the
   * dictionary: see table.test.ts).
   */
  readonly keyword: string;
  /** The attribute name as printed in Table E.1-1. */
  readonly name: string;
  readonly basic: BasicAction;
  readonly options: Readonly<Partial<Record<OptionName, OptionAction>>>;
  readonly edition: '2024b' | '2026d';
  /** The table's "In Std. Comp. IOD" column. */
  readonly inStdCompIod: boolean;
  /**
   * 2026d rows: the table's Retired column. 2024b rows (no such column): the dictionary's flag, which
   * is only as recent as dcmjs's PS3.6 (it does not yet retire e.g. Other Patient IDs (0010,1000)).
   */
  readonly retired: boolean;
}

export const TABLE_EDITIONS: { readonly base: '2024b'; readonly additions: '2026d' } = {
  base: '2024b',
  additions: '2026d',
};

const PATTERNS: ReadonlySet<string> = new Set<RowPattern>([
  'curve',
  'overlay-data',
  'overlay-comments',
  'private',
]);
const isBasicAction = (code: string): code is BasicAction =>
  (BASIC_ACTIONS as readonly string[]).includes(code);

function bad(raw: RawProfileRow, what: string): never {
  return fail(`PS3.15 table row ${raw[0]}: ${what}; regenerate it with npm run gen:ps315`);
}

function fail(message: string): never {
  throw new VeilError('INTERNAL', message);
}

/** Pattern rows have no tag to ask the dictionary about: these stand for them (all of 50xx is retired). */
const PATTERN_SAMPLE: Readonly<Record<RowPattern, Tag | undefined>> = {
  curve: makeTag(0x5000, 0x3000),
  'overlay-data': makeTag(0x6000, 0x3000),
  'overlay-comments': makeTag(0x6000, 0x4000),
  private: undefined,
};

function toRow(raw: RawProfileRow, edition: '2024b' | '2026d'): ProfileRow {
  const [id, keyword, name, basic, optionCells, flags] = raw;
  const pattern = PATTERNS.has(id) ? (id as RowPattern) : undefined;
  let tag: Tag | undefined;
  if (pattern === undefined) {
    if (!/^[0-9A-F]{8}$/.test(id)) bad(raw, 'not a tag');
    tag = parseInt(id, 16) >>> 0;
  }
  if (!isBasicAction(basic)) bad(raw, `unknown action ${basic}`);
  const options: Partial<Record<OptionName, OptionAction>> = {};
  for (const cell of optionCells === '' ? [] : optionCells.split(' ')) {
    const [option = '', action = ''] = cell.split(':');
    if (!isOptionName(option) || (action !== 'K' && action !== 'C'))
      bad(raw, `unknown option cell ${cell}`);
    options[option] = action;
  }
  const sample = pattern === undefined ? tag : PATTERN_SAMPLE[pattern];
  const entry = sample === undefined ? undefined : lookupTag(sample);
  return {
    tag,
    ...(pattern !== undefined ? { pattern } : {}),
    keyword:
      keyword !== '' ? keyword : ((pattern === undefined ? entry?.keyword : undefined) ?? ''),
    name,
    basic,
    options,
    edition,
    inStdCompIod: (flags & 1) === 1,
    retired: edition === '2026d' ? (flags & 2) === 2 : (entry?.retired ?? false),
  };
}

/** Every row of Table E.1-1: the 621 of 2024b, then the 36 that 2026d adds. */
export const PROFILE_ROWS: readonly ProfileRow[] = [
  ...TABLE_E1_1_2024B.map((raw) => toRow(raw, '2024b')),
  ...TABLE_E1_1_2026D_ADDITIONS.map((raw) => toRow(raw, '2026d')),
];

const BY_TAG = new Map<Tag, ProfileRow>();
const BY_PATTERN = new Map<RowPattern, ProfileRow>();
for (const row of PROFILE_ROWS) {
  if (row.pattern !== undefined) BY_PATTERN.set(row.pattern, row);
  else BY_TAG.set(row.tag!, row);
}

function patternRow(pattern: RowPattern): ProfileRow {
  return (
    BY_PATTERN.get(pattern) ??
    fail(`PS3.15 table has no ${pattern} row; regenerate it with npm run gen:ps315`)
  );
}

const CURVE_ROW = patternRow('curve');
const OVERLAY_DATA_ROW = patternRow('overlay-data');
const OVERLAY_COMMENTS_ROW = patternRow('overlay-comments');

/** The "(GGGG,EEEE) where GGGG is odd" row: X, or C (keep the safe ones) with RetainSafePrivate. */
export const PRIVATE_ROW: ProfileRow = patternRow('private');

/**
 * The row that governs a non-private tag: an exact row first, then the patterns: curve = every
 * element of even groups 5000–501E; overlay data = element 3000 and overlay comments = element 4000
 * of even groups 6000–601E (PS3.5 §7.6: odd groups there are private, 6020 and up are not overlays).
 * Undefined when no row applies, and always for private tags (the caller applies PRIVATE_ROW).
 */
export function rowForTag(tag: Tag): ProfileRow | undefined {
  if (isPrivateTag(tag)) return undefined;
  const exact = BY_TAG.get(tag);
  if (exact) return exact;
  const group = groupOf(tag);
  if (group >= 0x5000 && group <= 0x501e) return CURVE_ROW;
  if (group >= 0x6000 && group <= 0x601e) {
    const element = elementOf(tag);
    if (element === 0x3000) return OVERLAY_DATA_ROW;
    if (element === 0x4000) return OVERLAY_COMMENTS_ROW;
  }
  return undefined;
}
