import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  appendEntry,
  describeVerdict,
  hashEntry,
  linkBefore,
  logAnchor,
  verifyChain,
  type ChainLink,
} from './chain';
import type { AuditEntry, AuditEvent } from './events';
import { sampleEvents } from './samples';

const LOG_ID = '0123456789abcdef0123456789abcdef';
const nodeSha256 = (text: string): string =>
  createHash('sha256').update(text, 'utf8').digest('hex');

/** An independent canonical JSON (sorted keys, no whitespace) to judge hashEntry by. */
const sortedJson = (value: unknown): string =>
  Array.isArray(value)
    ? `[${value.map(sortedJson).join(',')}]`
    : typeof value === 'object' && value !== null
      ? `{${Object.keys(value)
          .sort()
          .map((k) => `${JSON.stringify(k)}:${sortedJson((value as Record<string, unknown>)[k])}`)
          .join(',')}}`
      : JSON.stringify(value);

const EVENTS: AuditEvent[] = Object.values(sampleEvents());

function buildChain(events: readonly AuditEvent[], start = Date.UTC(2024, 4, 1)) {
  const anchor = logAnchor(LOG_ID);
  const entries: AuditEntry[] = [];
  let prev: ChainLink = linkBefore(anchor);
  events.forEach((event, k) => {
    const entry = appendEntry(prev, {
      time: new Date(start + k * 60_000).toISOString(),
      operator: k % 2 ? 'Dr. Ada Lovelace' : 'Jean-Luc Tremblay',
      appVersion: '0.1.0',
      event,
    });
    entries.push(entry);
    prev = entry;
  });
  const head: ChainLink = { seq: prev.seq, hash: prev.hash };
  return { anchor, entries, head };
}

/** A forged entry, well formed and correctly hashed, linking to `prev`. */
const forge = (prev: ChainLink): AuditEntry =>
  appendEntry(prev, {
    time: '2030-01-01T00:00:00.000Z',
    operator: 'Mallory',
    appVersion: '0.1.0',
    event: { type: 'key-exported', fingerprint: 'f'.repeat(16) },
  });

/** Recomputes the hash after a change: a tamperer who knows the format does this. */
const rehash = (entry: AuditEntry): AuditEntry => ({ ...entry, hash: hashEntry(entry) });

describe('the hash chain', () => {
  it('links each entry to the previous one, starting from the log anchor', () => {
    const { entries, anchor, head } = buildChain(EVENTS);
    expect(anchor.hash).toBe(nodeSha256(`veil-audit-log:${LOG_ID}`));
    expect(entries.map((e) => e.seq)).toEqual(EVENTS.map((_, k) => k + 1));
    expect(entries[0]!.prevHash).toBe(anchor.hash);
    for (let k = 0; k < entries.length; k++) {
      const { hash, ...rest } = entries[k]!;
      expect(hash).toBe(nodeSha256(sortedJson(rest)));
      if (k > 0) expect(entries[k]!.prevHash).toBe(entries[k - 1]!.hash);
    }
    expect(verifyChain(entries, anchor, head)).toEqual({ ok: true });
    expect(verifyChain([], anchor, linkBefore(anchor))).toEqual({ ok: true });
  });

  it('refuses to append an event that fails the PHI-shape guard', () => {
    const prev = linkBefore(logAnchor(LOG_ID));
    const draft = { time: '2024-05-01T00:00:00.000Z', operator: 'Ada', appVersion: '0.1.0' };
    const leaky = {
      type: 'file-failed',
      batchId: 'b'.repeat(32),
      inputHash: 'DOE^JOHN',
      errorCode: 'TRUNCATED',
    };
    expect(() => appendEntry(prev, { ...draft, event: leaky as AuditEvent })).toThrow(
      /event\.inputHash must be a SHA-256 hex digest/,
    );
    expect(() => appendEntry(prev, { ...draft, time: '2024-05-01', event: EVENTS[0]! })).toThrow(
      /time/,
    );
  });

  describe('names the first entry that was tampered with', () => {
    const { entries, anchor, head } = buildChain(EVENTS);
    const n = entries.length;
    const verify = (list: readonly AuditEntry[], a = anchor) => verifyChain(list, a, head);
    const at = (k: number): AuditEntry => entries[k - 1]!;
    const without = (k: number) => entries.filter((e) => e.seq !== k);
    const withEntry = (k: number, entry: AuditEntry) =>
      entries.map((e) => (e.seq === k ? entry : e));

    it('an edited field', () => {
      expect(verify(withEntry(3, { ...at(3), operator: 'Someone Else' }))).toEqual({
        ok: false,
        firstBad: 3,
        index: 2,
        reason: 'altered',
      });
      const event = at(1).event as Extract<AuditEvent, { type: 'files-imported' }>;
      expect(verify(withEntry(1, { ...at(1), event: { ...event, count: 3 } }))).toMatchObject({
        firstBad: 1,
        reason: 'altered',
      });
      expect(verify(withEntry(5, { ...at(5), time: '2024-05-01T00:04:59.000Z' }))).toMatchObject({
        firstBad: 5,
        reason: 'altered',
      });
    });

    it('an edited field whose hash was recomputed', () => {
      expect(verify(withEntry(4, rehash({ ...at(4), operator: 'Someone Else' })))).toMatchObject({
        firstBad: 4,
        reason: 'altered',
      });
      expect(verify(withEntry(n, rehash({ ...at(n), operator: 'Someone Else' })))).toMatchObject({
        firstBad: n,
        reason: 'altered',
      });
      expect(verify(withEntry(6, rehash({ ...at(6), seq: 60 })))).toMatchObject({
        firstBad: 6,
        reason: 'altered',
      });
    });

    it('a deleted entry', () => {
      expect(verify(without(4))).toEqual({ ok: false, firstBad: 4, index: 3, reason: 'removed' });
      expect(verify(without(1))).toMatchObject({ firstBad: 1, reason: 'removed' });
      expect(verify(without(n))).toMatchObject({ firstBad: n, reason: 'removed' });
      // Without the head, a cut at the end cannot be seen: nothing says how long a chain is.
      expect(verifyChain(without(n), anchor)).toEqual({ ok: true });
    });

    it('two entries swapped, or one moved', () => {
      const swap = (a: number, b: number) =>
        entries.map((e) => (e.seq === a ? at(b) : e.seq === b ? at(a) : e));
      expect(verify(swap(3, 4))).toEqual({ ok: false, firstBad: 3, index: 2, reason: 'reordered' });
      expect(verify(swap(2, 9))).toMatchObject({ firstBad: 2, reason: 'reordered' });
      expect(verify(swap(1, n))).toMatchObject({ firstBad: 1, reason: 'reordered' });
      expect(verify([...without(2), at(2)])).toMatchObject({ firstBad: 2, reason: 'reordered' });
      expect(verify([at(1), at(7), ...without(7).slice(1)])).toMatchObject({
        firstBad: 2,
        reason: 'reordered',
      });
    });

    it('an inserted entry', () => {
      const forged = forge(at(3));
      const inserted = [...entries.slice(0, 3), forged, ...entries.slice(3)];
      expect(verify(inserted)).toEqual({ ok: false, firstBad: 4, index: 3, reason: 'inserted' });
      expect(verify([forge(linkBefore(anchor)), ...entries])).toMatchObject({
        firstBad: 1,
        index: 0,
        reason: 'inserted',
      });
      expect(verify([...entries, forge(at(n))])).toMatchObject({
        firstBad: n + 1,
        reason: 'inserted',
      });
      // A stranger that links to nothing, and a copy of a real entry.
      const stranger = rehash({ ...forged, prevHash: 'e'.repeat(64), seq: 99 });
      expect(verify([...entries.slice(0, 5), stranger, ...entries.slice(5)])).toMatchObject({
        index: 5,
        reason: 'inserted',
      });
      expect(verify([...entries.slice(0, 5), at(3), ...entries.slice(5)])).toMatchObject({
        firstBad: 3,
        index: 5,
        reason: 'inserted',
      });
    });

    it('a changed anchor (or log id)', () => {
      const other = logAnchor('fedcba9876543210fedcba9876543210');
      expect(verify(entries, other)).toEqual({
        ok: false,
        firstBad: 1,
        index: 0,
        reason: 'bad-anchor',
      });
    });

    it('and says so in words', () => {
      const verdict = verify(without(4));
      expect(describeVerdict(verdict)).toBe(
        'entry 4 was removed (the chain skips from the entry before it)',
      );
      expect(describeVerdict({ ok: true })).toBe('the chain is intact');
    });
  });
});

// ---- Property tests: any single mutation of a valid chain is detected, and named. -------------

const hex = (length: number) =>
  fc
    .uint8Array({ minLength: length / 2, maxLength: length / 2 })
    .map((bytes) => Buffer.from(bytes).toString('hex'));

const eventArb: fc.Arbitrary<AuditEvent> = fc.oneof(
  fc.constantFrom(...EVENTS),
  fc.array(hex(64), { minLength: 0, maxLength: 4 }).chain((inputHashes) =>
    fc.record({
      type: fc.constant('files-imported' as const),
      batchId: hex(32),
      count: fc.constant(inputHashes.length),
      bytes: fc.nat(),
      inputHashes: fc.constant(inputHashes),
    }),
  ),
  fc.record({
    type: fc.constant('exported' as const),
    batchId: hex(32),
    archiveHash: hex(64),
    fileCount: fc.nat({ max: 10_000 }),
    mappingIncluded: fc.boolean(),
  }),
  fc.record({ type: fc.constant('key-generated' as const), fingerprint: hex(16) }),
);

/** Every leaf of an entry, as a path of keys (an empty list counts as a leaf). */
function leafPaths(value: unknown, path: (string | number)[] = []): (string | number)[][] {
  if (Array.isArray(value)) {
    return value.length === 0 ? [path] : value.flatMap((v, k) => leafPaths(v, [...path, k]));
  }
  if (typeof value === 'object' && value !== null) {
    return Object.entries(value).flatMap(([k, v]) => leafPaths(v, [...path, k]));
  }
  return [path];
}

/** A copy of `entry` with the leaf at `path` changed to a different value. */
function changeLeaf(entry: AuditEntry, path: (string | number)[]): AuditEntry {
  const copy = structuredClone(entry) as unknown as Record<string | number, unknown>;
  let parent = copy;
  for (const key of path.slice(0, -1)) parent = parent[key] as Record<string | number, unknown>;
  const last = path[path.length - 1]!;
  const old = parent[last];
  parent[last] =
    typeof old === 'number'
      ? old + 1
      : typeof old === 'boolean'
        ? !old
        : typeof old === 'string'
          ? old.slice(0, -1) + (old.endsWith('0') ? '1' : '0')
          : ['0'.repeat(64)];
  return copy as unknown as AuditEntry;
}

type Mutation =
  | { kind: 'edit'; at: number; leaf: number; rehash: boolean }
  | { kind: 'delete'; at: number }
  | { kind: 'swap'; a: number; b: number }
  | { kind: 'insert'; at: number }
  | { kind: 'duplicate'; at: number; to: number }
  | { kind: 'anchor' };

const mutationArb: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({
    kind: fc.constant('edit' as const),
    at: fc.nat(),
    leaf: fc.nat(),
    rehash: fc.boolean(),
  }),
  fc.record({ kind: fc.constant('delete' as const), at: fc.nat() }),
  fc.record({ kind: fc.constant('swap' as const), a: fc.nat(), b: fc.nat() }),
  fc.record({ kind: fc.constant('insert' as const), at: fc.nat() }),
  fc.record({ kind: fc.constant('duplicate' as const), at: fc.nat(), to: fc.nat() }),
  fc.constant({ kind: 'anchor' as const }),
);

describe('any single mutation of a valid chain', () => {
  it('is detected, and the first bad entry is named', () => {
    fc.assert(
      fc.property(fc.array(eventArb, { minLength: 1, maxLength: 24 }), mutationArb, (events, m) => {
        const { entries, anchor, head } = buildChain(events);
        const n = entries.length;
        const list = [...entries];
        let usedAnchor = anchor;
        let expected: { firstBad?: number; reason: string };
        switch (m.kind) {
          case 'edit': {
            const k = m.at % n;
            const paths = leafPaths(entries[k]).filter(
              // Recomputing the hash after editing the hash itself is no edit at all.
              (p) => !(m.rehash && p[0] === 'hash'),
            );
            const changed = changeLeaf(entries[k]!, paths[m.leaf % paths.length]!);
            list[k] = m.rehash ? rehash(changed) : changed;
            expected = { firstBad: k + 1, reason: 'altered' };
            break;
          }
          case 'delete': {
            const k = m.at % n;
            list.splice(k, 1);
            expected = { firstBad: k + 1, reason: 'removed' };
            break;
          }
          case 'swap': {
            if (n < 2) return;
            const a = m.a % n;
            const b = (a + 1 + (m.b % (n - 1))) % n;
            [list[a], list[b]] = [list[b]!, list[a]!];
            expected = { firstBad: Math.min(a, b) + 1, reason: 'reordered' };
            break;
          }
          case 'insert': {
            const k = m.at % (n + 1);
            list.splice(k, 0, forge(k === 0 ? linkBefore(anchor) : entries[k - 1]!));
            expected = { firstBad: k + 1, reason: 'inserted' };
            break;
          }
          case 'duplicate': {
            const k = m.at % n;
            list.splice(m.to % (n + 1), 0, entries[k]!);
            expected = { firstBad: k + 1, reason: 'inserted' };
            break;
          }
          case 'anchor':
            usedAnchor = logAnchor('ffffffffffffffffffffffffffffffff');
            expected = { firstBad: 1, reason: 'bad-anchor' };
            break;
        }
        const verdict = verifyChain(list, usedAnchor, head);
        expect(verdict.ok).toBe(false);
        expect(verdict).toMatchObject(expected);
      }),
      { numRuns: 2000 },
    );
  });

  it('is detected without the head too, except cutting entries off the end', () => {
    fc.assert(
      fc.property(
        fc.array(eventArb, { minLength: 2, maxLength: 16 }),
        fc.nat(),
        fc.nat(),
        (events, at, leaf) => {
          const { entries, anchor } = buildChain(events);
          const k = at % (entries.length - 1);
          const paths = leafPaths(entries[k]);
          const list = [...entries];
          list[k] = changeLeaf(entries[k]!, paths[leaf % paths.length]!);
          expect(verifyChain(list, anchor)).toMatchObject({ firstBad: k + 1, reason: 'altered' });
          expect(verifyChain(entries.toSpliced(k, 1), anchor)).toMatchObject({
            firstBad: k + 1,
            reason: 'removed',
          });
        },
      ),
      { numRuns: 500 },
    );
  });
});
