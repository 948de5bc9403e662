import { SAFE_PRIVATE_ROWS } from './safePrivate.generated';

/** One row of PS3.15 Table E.3.10-1 (2026d): a private element thought safe to keep under RetainSafePrivate. */
export interface SafePrivateEntry {
  /** The Private Creator value that reserves the block, exactly as published (case and inner spaces matter). */
  readonly creator: string;
  /** Odd group. */
  readonly group: number;
  /** Low byte of the element: (gggg,xxEE) → 0xEE, whatever block xx the creator reserved. */
  readonly elementOffset: number;
  /** As published: 'OW/OB' for 2 rows, null for the 5 the table gives none. */
  readonly vr: string | null;
  /** The table's "Meaning", null for the 2 rows where it is blank. */
  readonly name: string | null;
}

export interface SafePrivateMatch {
  readonly entry: SafePrivateEntry;
  /**
   * false when the creator in the file matched the published one only ignoring case. Vendors are not
   * always consistent; the caller decides whether that is good enough, and should say so in a warning.
   */
  readonly caseExact: boolean;
}

export const SAFE_PRIVATE: readonly SafePrivateEntry[] = SAFE_PRIVATE_ROWS.map(
  ([creator, group, elementOffset, vr, name]) => ({ creator, group, elementOffset, vr, name }),
);

const key = (creator: string, group: number, elementOffset: number): string =>
  `${group}/${elementOffset}/${creator}`;

const EXACT = new Map<string, SafePrivateEntry>();
const FOLDED = new Map<string, SafePrivateEntry>();
for (const entry of SAFE_PRIVATE) {
  EXACT.set(key(entry.creator, entry.group, entry.elementOffset), entry);
  FOLDED.set(key(entry.creator.toLowerCase(), entry.group, entry.elementOffset), entry);
}

/**
 * LO values are padded to even length with a space, and some writers pad with NUL instead; leading
 * and trailing spaces are not significant in LO (PS3.5 Table 6.2-1).
 */
const normalizeCreator = (creator: string): string =>
  creator.replace(/[\0 ]+$/, '').replace(/^ +/, '');

/**
 * Match by Private Creator (after trimming padding; exactly as published first, then ignoring case),
 * odd group and the element's low byte. Undefined when the element is not in the table.
 */
export function matchSafePrivate(
  creator: string,
  group: number,
  elementOffset: number,
): SafePrivateMatch | undefined {
  const trimmed = normalizeCreator(creator);
  const exact = EXACT.get(key(trimmed, group, elementOffset));
  if (exact) return { entry: exact, caseExact: true };
  const folded = FOLDED.get(key(trimmed.toLowerCase(), group, elementOffset));
  return folded ? { entry: folded, caseExact: false } : undefined;
}

/** `matchSafePrivate` without the case report; prefer it where the case matters to the user. */
export function findSafePrivate(
  creator: string,
  group: number,
  elementOffset: number,
): SafePrivateEntry | undefined {
  return matchSafePrivate(creator, group, elementOffset)?.entry;
}
