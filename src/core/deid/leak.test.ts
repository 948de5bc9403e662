// The leak test: synthetic files full of canaries (test/support/phiCanaries.ts), de-identified in
// every native transfer syntax, then searched byte by byte (a deflated output is inflated first).
// Under the basic profile no canary may survive; under an option only the kinds of canary that the
// option exists to keep may come back.
import { describe, expect, it } from 'vitest';
import { findCanaries } from '../../../test/support/canaryScan';
import { changeAt, deid, planWith } from '../../../test/support/deid';
import {
  CORPUS_TRANSFER_SYNTAXES,
  makePhiFile,
  type CanaryKind,
  type PhiFile,
} from '../../../test/support/phiCanaries';
import { TS } from '../../../test/support/transferSyntax';
import { elementOf, groupOf, isPrivateCreatorTag, isPrivateTag, parseTag } from '../dicom/tag';
import { OPTION_NAMES, type OptionName } from './options';
import { findSafePrivate } from './safePrivate';
import type { Change, DeidSuccess } from './types';

/**
 * Canaries planted where PS3.15 keeps the value on purpose. Procedure Code Sequence (0008,1032)
 * and its Code Meaning (0008,0104) have no row in Table E.1-1: coded content is not identifying,
 * and emptying a Code Meaning breaks the code (Type 1 in the Code Sequence Macro). Veil keeps it,
 * cleaned of the file's own identifiers (docs/DEIDENTIFICATION.md, "Unlisted attributes"); the
 * generator's canary there is not one of the patient's identifiers, so it stays, by design.
 */
const KEPT_BY_THE_STANDARD: readonly { readonly path: string; readonly why: string }[] = [
  {
    path: '(0008,1032)[0]/(0008,0104)',
    why: 'Code Meaning of an unlisted code sequence is kept (cleaned)',
  },
];

/**
 * The kinds of canary each option exists to keep (PS3.15 E.3). RetainLongModifDates shifts dates
 * by whole days, so a time of day (TM, or the time part of a DT) legitimately stays as it was.
 * CleanDesc keeps descriptions and free text, cleaned only of the file's own identifiers, which a
 * canary is not. RetainSafePrivate: the one safe private element planted, (0043,xx27), holds no
 * canary, so no canary may come back (the private elements are checked one by one below).
 */
const KEPT_KINDS: Readonly<Record<OptionName, readonly CanaryKind[]>> = {
  RetainSafePrivate: [],
  RetainUIDs: ['uid'],
  RetainDeviceIdent: ['device'],
  RetainInstitutionIdent: ['institution'],
  RetainPatientChars: [],
  RetainLongFullDates: ['date', 'time'],
  RetainLongModifDates: ['time'],
  CleanDesc: ['description', 'text'],
  CleanStructCont: [],
  CleanGraph: [],
};

const TS_NAME: Readonly<Record<string, string>> = {
  [TS.implicitLE]: 'implicit VR LE',
  [TS.explicitLE]: 'explicit VR LE',
  [TS.explicitBE]: 'explicit VR BE',
  [TS.deflatedLE]: 'deflated explicit VR LE',
};

const knownLeakValues = (phi: PhiFile): Set<string> =>
  new Set(
    phi.planted
      .filter((p) => KEPT_BY_THE_STANDARD.some((k) => k.path === p.path))
      .map((p) => p.value),
  );

const plans = new Map(
  [undefined, ...OPTION_NAMES].map((o) => [o, planWith(o ? [o] : [])] as const),
);

describe.each(CORPUS_TRANSFER_SYNTAXES.map((ts) => [TS_NAME[ts] ?? ts, ts] as const))(
  'canaries in %s',
  (_name, transferSyntax) => {
    const phi = makePhiFile({ transferSyntax, seed: 3, patient: 1, study: 1, instance: 2 });
    const basic = deid(phi.bytes, plans.get(undefined)!, { fileName: 'phi.dcm' });
    const known = knownLeakValues(phi);

    it('plants canaries of every kind the options are tested on', () => {
      const kinds = new Set(phi.planted.map((p) => p.kind));
      for (const kind of Object.values(KEPT_KINDS).flat()) expect(kinds).toContain(kind);
      // Every planted path (or a sequence above it) has a recorded change, so a leak names its rule.
      for (const { path } of phi.planted) expect(decidingChange(basic, path), path).toBeDefined();
    });

    const cases = phi.canaries.map((value) => {
      const where = phi.planted.filter((p) => p.value === value);
      const label = `${where[0]!.kind} canary at ${where.map((p) => p.path).join(', ')}`;
      return { value, label, known: known.has(value) };
    });

    for (const { value, label, known: isKnown } of cases) {
      const test = (): void => {
        expect(findCanaries(basic.bytes, [value]), rulesAt(basic, phi, value)).toEqual([]);
      };
      if (isKnown) {
        it(`basic profile keeps the ${label}, as PS3.15 does`, () => {
          expect(findCanaries(basic.bytes, [value])).toEqual([value]);
        });
      } else it(`basic profile removes the ${label}`, test);
    }

    it.each(OPTION_NAMES)('%s brings back only the canaries it exists to keep', (option) => {
      const result = deid(phi.bytes, plans.get(option)!, { fileName: 'phi.dcm' });
      const kept = phi.planted.filter((p) => KEPT_KINDS[option].includes(p.kind));
      const allowed = new Set([...kept.map((p) => p.value), ...known]);
      const found = findCanaries(result.bytes, phi.canaries);
      const unexpected = found.filter((value) => !allowed.has(value));
      expect(unexpected.map((v) => rulesAt(result, phi, v))).toEqual([]);
      // The reverse: what the change list says was kept is really in the bytes, and the option
      // does keep something whenever it has kinds to keep.
      const keptByChanges = kept.filter((p) => decidingChange(result, p.path)?.kind === 'kept');
      for (const { value } of keptByChanges) expect(found).toContain(value);
      if (KEPT_KINDS[option].length > 0) expect(keptByChanges.length).toBeGreaterThan(0);
    });

    it('RetainSafePrivate keeps exactly the safe-list private elements and their creator', () => {
      const result = deid(phi.bytes, plans.get('RetainSafePrivate')!, { fileName: 'phi.dcm' });
      const creators = new Map<number, string>();
      const privateChanges = result.changes.filter((c) => {
        const tag = parseTag(c.tag);
        return tag !== undefined && isPrivateTag(tag) && !c.path.includes('/');
      });
      for (const change of privateChanges) {
        const tag = parseTag(change.tag)!;
        if (isPrivateCreatorTag(tag)) creators.set(tag, change.before ?? '');
      }
      const kept: string[] = [];
      for (const change of privateChanges) {
        const tag = parseTag(change.tag)!;
        if (isPrivateCreatorTag(tag)) continue;
        const block = ((groupOf(tag) << 16) | (elementOf(tag) >>> 8)) >>> 0;
        const creator = creators.get(block);
        const safe =
          creator !== undefined && findSafePrivate(creator, groupOf(tag), elementOf(tag) & 0xff);
        expect(change.kind, change.path).toBe(safe ? 'kept' : 'removed');
        if (safe) kept.push(change.path);
      }
      // GEMS_PARM_01 xx27 (Scan Pitch Ratio) is on Table E.3.10-1; xx62 and our own block are not.
      expect(kept).toEqual(['(0043,1027)']);
      expect(changeAt(result, '(0043,0010)').kind).toBe('kept');
      expect(changeAt(result, '(0009,0010)').kind).toBe('removed');
      expect(changeAt(result, '(0043,1062)').kind).toBe('removed');
      expect(findCanaries(result.bytes, ['/1.375:1'])).toEqual(['/1.375:1']);
    });
  },
);

/** The change at `path`, or at the nearest sequence above it when that one was not walked into. */
function decidingChange(result: DeidSuccess, path: string): Change | undefined {
  for (let at = path; ; at = at.slice(0, at.lastIndexOf('['))) {
    const change = result.changes.find((c) => c.path === at);
    if (change || !at.includes('[')) return change;
  }
}

/** For a failure message: where a canary was planted and which rule fired there (no PHI: canaries). */
function rulesAt(result: DeidSuccess, phi: PhiFile, value: string): string {
  return phi.planted
    .filter((p) => p.value === value)
    .map((p) => {
      const change = decidingChange(result, p.path);
      return `${p.path}: ${change ? `${change.kind} by "${change.rule}"` : 'no change recorded'}`;
    })
    .join('; ');
}
