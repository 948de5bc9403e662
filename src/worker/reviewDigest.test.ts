import { describe, expect, it } from 'vitest';
import { readFixture } from '../../test/fixtures';
import { makePhiFile } from '../../test/support/phiCanaries';
import { TS } from '../../test/support/transferSyntax';
import { deidentify } from '../core/deid/deidentify';
import { buildPlan } from '../core/deid/plan';
import { defaultProfile } from '../core/deid/profile';
import { createProjectKey } from '../core/deid/projectKey';
import type { Change } from '../core/deid/types';
import { digestChanges, parseOutcomes, tagPathKey } from './reviewDigest';

const key = createProjectKey(new Uint8Array(32).fill(4));

function changesOf(bytes: Uint8Array, options: readonly string[] = []): readonly Change[] {
  const plan = buildPlan({ ...defaultProfile(), options: options as never });
  const result = deidentify(bytes, plan, { fileName: 'x.dcm', key, detail: 'full' });
  if (!result.ok) throw new Error(result.error.code);
  return result.changes;
}

describe('digestChanges', () => {
  it('keeps one line per tag, outcome and rule, with no value of the file in it', () => {
    const phi = makePhiFile({ transferSyntax: TS.explicitLE, seed: 3 });
    const changes = changesOf(phi.bytes);
    const digest = digestChanges(changes);
    const outcomes = parseOutcomes(digest.outcomes);
    // Exactly the distinct (tag path without items, kind, rule) of the changes, in order.
    const expected = [
      ...new Map(
        changes.map((c) => [`${tagPathKey(c.path)}|${c.kind}|${c.rule}`, c] as const),
      ).values(),
    ];
    expect(outcomes.map((o) => [o.path, o.kind, o.rule, o.keyword, o.vr])).toEqual(
      expected.map((c) => [tagPathKey(c.path), c.kind, c.rule, c.keyword, c.vr]),
    );
    expect(outcomes.some((o) => o.path.includes('/'))).toBe(true);
    expect(outcomes.some((o) => o.path.includes('['))).toBe(false);
    for (const canary of phi.canaries) expect(digest.outcomes).not.toContain(canary);
  });

  it('lists free text kept or cleaned, and private elements kept, by their full path', () => {
    const bytes = readFixture('CT_small.dcm');
    const kept = changesOf(bytes, ['RetainSafePrivate', 'RetainDeviceIdent']);
    const digest = digestChanges(kept);
    const privateKept = kept.filter(
      (c) =>
        (c.kind === 'kept' || c.kind === 'cleaned') &&
        /^\([0-9A-F]{3}[13579BDF],/i.test(c.tag) &&
        c.keyword !== 'PrivateCreator',
    );
    expect(digest.privateKept).toEqual(privateKept.map((c) => c.path));
    const freeText = kept.filter(
      (c) =>
        (c.kind === 'kept' || c.kind === 'cleaned') &&
        !/^\([0-9A-F]{3}[13579BDF],/i.test(c.tag) &&
        ['LO', 'LT', 'SH', 'ST', 'UT', 'UC', 'PN'].includes(c.vr) &&
        (c.before ?? '').trim() !== '',
    );
    expect(digest.freeText).toEqual(freeText.map((c) => c.path));
    expect(digest.freeText.length + digest.privateKept.length).toBeGreaterThan(0);
  });

  it('keeps a tab or newline in a private creator from breaking a line', () => {
    const change: Change = {
      path: '(0019,1001)',
      tag: '(0019,1001)',
      keyword: 'creator:AB\tC\nD:01',
      vr: 'LO',
      kind: 'removed',
      rule: 'private policy',
    };
    const [outcome, ...rest] = parseOutcomes(digestChanges([change]).outcomes);
    expect(rest).toEqual([]);
    expect(outcome).toEqual({
      path: '(0019,1001)',
      keyword: 'creator:AB C D:01',
      vr: 'LO',
      kind: 'removed',
      rule: 'private policy',
    });
    expect(parseOutcomes('')).toEqual([]);
  });
});
