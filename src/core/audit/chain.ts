import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex, utf8ToBytes } from '@noble/hashes/utils.js';
import { canonicalJson } from '../deid/profile';
import type { AuditDraft, AuditEntry } from './events';
import { assertNoPhiShape, entryProblem } from './noPhiShape';

/**
 * The hash chain.
 *
 * - An entry's `hash` is SHA-256 (lower-case hex) of the canonical JSON (keys sorted at every
 *   level, no whitespace, absent fields left out) of the entry without its `hash` field.
 * - Entry n+1 stores entry n's hash as `prevHash`, and `seq` n+1.
 * - Entry 1 links to the log anchor: SHA-256 of `veil-audit-log:` + the log id, a random id made
 *   when the log was created. A log whose oldest entries were deleted by retention is anchored at
 *   the hash of the last deleted entry instead, which its first remaining entry already stores.
 *
 * Nothing here is secret: whoever can write the log can recompute every hash after the entry they
 * change. The chain makes a change evident to anyone holding an earlier export or the anchor and
 * the last hash (AuditLog keeps both in its meta record), and names where the chain breaks.
 */

/** Where a chain starts: the hash its first entry links to, and that entry's seq when known. */
export interface ChainAnchor {
  readonly hash: string;
  /** Unknown for a segment whose first entry is only known from the segment itself. */
  readonly seq?: number;
}

/** The last link of a chain: its seq and hash (for an empty chain: the anchor's, seq - 1). */
export interface ChainLink {
  readonly seq: number;
  readonly hash: string;
}

export type ChainFault = 'altered' | 'removed' | 'reordered' | 'inserted' | 'bad-anchor';

export type ChainVerdict =
  | { readonly ok: true }
  | {
      readonly ok: false;
      /** The seq of the first entry that was altered, removed, reordered or inserted. */
      readonly firstBad: number;
      /** Where in the given list the fault was found (for a removal: where the entry is missing). */
      readonly index: number;
      readonly reason: ChainFault;
    };

const ANCHOR_PREFIX = 'veil-audit-log:';

export const sha256Hex = (text: string): string => bytesToHex(sha256(utf8ToBytes(text)));

/** The anchor of a new log: its first entry (seq 1) links to this hash. */
export function logAnchor(logId: string): Required<ChainAnchor> {
  return { hash: sha256Hex(`${ANCHOR_PREFIX}${logId}`), seq: 1 };
}

/** SHA-256 hex of the canonical JSON of the entry without `hash`. */
export function hashEntry(entry: Omit<AuditEntry, 'hash'> | AuditEntry): string {
  const { seq, time, operator, appVersion, event, prevHash } = entry;
  return sha256Hex(canonicalJson({ seq, time, operator, appVersion, event, prevHash }));
}

/**
 * The entry that follows `prev` (the previous entry, or for a first entry the link just before
 * it: `{ seq: anchor.seq - 1, hash: anchor.hash }`). Throws when the result would not pass the
 * PHI-shape guard, so nothing unchecked can join a chain.
 */
export function appendEntry(prev: ChainLink, draft: AuditDraft): AuditEntry {
  const body = {
    seq: prev.seq + 1,
    time: draft.time,
    operator: draft.operator,
    appVersion: draft.appVersion,
    event: draft.event,
    prevHash: prev.hash,
  };
  const entry = { ...body, hash: hashEntry(body) };
  assertNoPhiShape(entry);
  return entry;
}

/** The link before a chain's first entry, so that `appendEntry` can start a chain. */
export const linkBefore = (anchor: Required<ChainAnchor>): ChainLink => ({
  seq: anchor.seq - 1,
  hash: anchor.hash,
});

/** Well formed, within the PHI-shape rules, and its hash is the hash of its content. */
export function isIntact(entry: unknown): entry is AuditEntry {
  return (
    entryProblem(entry) === undefined &&
    hashEntry(entry as AuditEntry) === (entry as AuditEntry).hash
  );
}

/**
 * Checks that `entries` form one unbroken chain from `anchor` and, when `head` is given, that it
 * ends exactly at `head`. On failure, names the first entry that was altered, removed, reordered
 * or inserted (see classifyBreak for how each is told apart).
 *
 * Without `head`, entries cut off at the end cannot be detected: nothing in a chain says how long
 * it should be.
 */
export function verifyChain(
  entries: readonly unknown[],
  anchor: ChainAnchor,
  head?: ChainLink,
): ChainVerdict {
  let expectedPrev = anchor.hash;
  let expectedSeq = anchor.seq ?? seqOf(entries[0]) ?? 1;
  for (let i = 0; i < entries.length; i++) {
    const entry = entries[i];
    if (!isIntact(entry)) {
      // A well-linked entry after it means this one is a stranger, not an edited original.
      if (prevOf(entries[i + 1]) === expectedPrev && seqOf(entries[i + 1]) === expectedSeq) {
        return bad(seqOf(entry) ?? expectedSeq, i, 'inserted');
      }
      return bad(expectedSeq, i, 'altered');
    }
    if (entry.prevHash === expectedPrev && entry.seq === expectedSeq) {
      expectedPrev = entry.hash;
      expectedSeq++;
      continue;
    }
    return classifyBreak({ entries, i, entry, expectedPrev, expectedSeq, anchor, head });
  }
  if (head === undefined) return { ok: true };
  const lastSeq = expectedSeq - 1;
  if (head.seq > lastSeq) return bad(lastSeq + 1, entries.length, 'removed');
  if (head.seq < lastSeq) {
    const index = entries.length - (lastSeq - head.seq);
    return bad(head.seq + 1, index, 'inserted');
  }
  if (head.hash !== expectedPrev) {
    return entries.length === 0
      ? bad(head.seq, 0, 'bad-anchor')
      : bad(lastSeq, entries.length - 1, 'altered');
  }
  return { ok: true };
}

interface Break {
  readonly entries: readonly unknown[];
  /** The first entry that does not link to what precedes it; intact (its own hash is right). */
  readonly i: number;
  readonly entry: AuditEntry;
  readonly expectedPrev: string;
  readonly expectedSeq: number;
  readonly anchor: ChainAnchor;
  readonly head: ChainLink | undefined;
}

/**
 * Names the fault at the first broken link. Everything before `i` is a sound chain. Each entry
 * carries its own hash and its predecessor's, so where the predecessor sits tells the cases apart:
 *
 * 1. The same entry occurs twice: the copy was inserted.
 * 2. The predecessor sits later in the list: entries were reordered. The first bad entry is the
 *    lowest seq not at its place: the one expected here, or the one found here.
 * 3. The predecessor sits earlier than the entry just before (or is the anchor): the entries in
 *    between were inserted.
 * 4. The next entry links to what this one should have: this one was inserted.
 * 5. The link is right but the seq is not: this entry's seq was changed (and its hash recomputed).
 * 6. At the start of the list: this entry was changed (when what follows no longer links to it),
 *    the first entries were removed (its seq is past the anchor's), or the anchor does not match.
 * 7. The seq jumps ahead: the entries in between were removed.
 * 8. Otherwise something was changed and its hash recomputed: this entry, when what follows no
 *    longer links to it either, else its predecessor.
 */
function classifyBreak(b: Break): ChainVerdict {
  const { entries, i, entry, expectedPrev, expectedSeq, anchor, head } = b;
  const next = entries[i + 1];
  const indexOfHash = (hash: string, from: number, to: number): number => {
    for (let j = from; j < to; j++) if (hashOf(entries[j]) === hash) return j;
    return -1;
  };

  const copies = entries.filter((e) => hashOf(e) === entry.hash).length;
  if (copies > 1) return bad(entry.seq, i, 'inserted');

  if (indexOfHash(entry.prevHash, i + 1, entries.length) !== -1) {
    return bad(Math.min(entry.seq, expectedSeq), i, 'reordered');
  }

  if (i >= 1) {
    const fork = entry.prevHash === anchor.hash ? -1 : indexOfHash(entry.prevHash, 0, i - 1);
    if (fork !== -1 || entry.prevHash === anchor.hash) {
      return bad(seqOf(entries[fork + 1]) ?? expectedSeq, fork + 1, 'inserted');
    }
  }

  if (next !== undefined && prevOf(next) === expectedPrev) return bad(entry.seq, i, 'inserted');

  if (entry.prevHash === expectedPrev) return bad(expectedSeq, i, 'altered');

  // Does what follows still link to this entry? If not, this entry's own hash changed.
  const successorLinks =
    next !== undefined
      ? prevOf(next) === entry.hash
      : head === undefined || head.hash === entry.hash;

  if (i === 0) {
    if (!successorLinks) return bad(expectedSeq, 0, 'altered');
    return anchor.seq !== undefined && entry.seq > anchor.seq
      ? bad(anchor.seq, 0, 'removed')
      : bad(entry.seq, 0, 'bad-anchor');
  }

  if (entry.seq > expectedSeq) return bad(expectedSeq, i, 'removed');

  return successorLinks ? bad(expectedSeq - 1, i - 1, 'altered') : bad(expectedSeq, i, 'altered');
}

const bad = (firstBad: number, index: number, reason: ChainFault): ChainVerdict => ({
  ok: false,
  firstBad,
  index,
  reason,
});

const field = (entry: unknown, key: string): unknown =>
  typeof entry === 'object' && entry !== null ? (entry as Record<string, unknown>)[key] : undefined;
const seqOf = (entry: unknown): number | undefined => {
  const seq = field(entry, 'seq');
  return typeof seq === 'number' && Number.isSafeInteger(seq) ? seq : undefined;
};
const hashOf = (entry: unknown): string | undefined => {
  const hash = field(entry, 'hash');
  return typeof hash === 'string' ? hash : undefined;
};
const prevOf = (entry: unknown): string | undefined => {
  const prev = field(entry, 'prevHash');
  return typeof prev === 'string' ? prev : undefined;
};

/** One line a person can act on: `entry 12 was altered`. */
export function describeVerdict(verdict: ChainVerdict): string {
  if (verdict.ok) return 'the chain is intact';
  const n = verdict.firstBad;
  switch (verdict.reason) {
    case 'altered':
      return `entry ${n} was altered (its content no longer matches its hash or its successor's link)`;
    case 'removed':
      return `entry ${n} was removed (the chain skips from the entry before it)`;
    case 'reordered':
      return `entry ${n} was reordered (entries are not in chain order from here)`;
    case 'inserted':
      return `an entry numbered ${n}, at position ${verdict.index + 1}, was inserted (it is not part of the chain)`;
    case 'bad-anchor':
      return `entry ${n} does not link to the log's anchor (the anchor or the log id was changed)`;
  }
}
