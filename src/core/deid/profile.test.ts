import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { VeilError } from '../errors';
import { OPTION_NAMES } from './options';
import {
  canonicalJson,
  defaultProfile,
  isPresetId,
  parseProfile,
  PRESETS,
  profileFromPreset,
  profileHash,
  serializeProfile,
} from './profile';
import type { Profile } from './types';

const base = { format: 'veil-profile', version: 1 };
const withRules = (rules: unknown[]): string => JSON.stringify({ ...base, rules });

/** The problems listed in the one BAD_PROFILE error parseProfile throws. */
function problemsOf(json: string): string[] {
  try {
    parseProfile(json);
  } catch (error) {
    expect(error).toBeInstanceOf(VeilError);
    expect((error as VeilError).code).toBe('BAD_PROFILE');
    return (error as VeilError).message
      .split('\n')
      .slice(1)
      .map((line) => line.replace(/^ {2}- /, ''));
  }
  throw new Error('parseProfile accepted the profile');
}

describe('defaultProfile and presets', () => {
  it('is the basic profile with a keyed date shift of up to 365 days and ANON pseudonyms', () => {
    const p = defaultProfile();
    expect(p.options).toEqual([]);
    expect(p.dateShift).toEqual({ kind: 'keyed', maxDays: 365 });
    expect(p.pseudonyms).toEqual({ kind: 'keyed', prefix: 'ANON' });
    expect(p.rules).toEqual([]);
  });

  it('round-trips the default and every preset through serialize and parse', () => {
    const profiles = [
      defaultProfile(),
      ...Object.keys(PRESETS).map((id) => {
        if (!isPresetId(id)) throw new Error(id);
        return profileFromPreset(id);
      }),
    ];
    for (const p of profiles) {
      expect(parseProfile(serializeProfile(p))).toEqual(p);
    }
  });

  it('builds presets from known options only, none combining both longitudinal date options', () => {
    for (const preset of Object.values(PRESETS)) {
      for (const option of preset.options) expect(OPTION_NAMES).toContain(option);
      const options: readonly string[] = preset.options;
      expect(
        options.includes('RetainLongFullDates') && options.includes('RetainLongModifDates'),
      ).toBe(false);
    }
    expect(profileFromPreset('clinical-trial').options).toEqual([
      'RetainPatientChars',
      'RetainLongModifDates',
      'CleanDesc',
    ]);
    expect(isPresetId('toString')).toBe(false);
  });
});

describe('parseProfile', () => {
  it('fills omitted fields from the default profile and puts options in canonical order', () => {
    const p = parseProfile(
      JSON.stringify({ ...base, options: ['CleanDesc', 'RetainUIDs'], name: 'Trial 7' }),
    );
    expect(p.name).toBe('Trial 7');
    expect(p.options).toEqual(['RetainUIDs', 'CleanDesc']);
    expect(p.dateShift).toEqual(defaultProfile().dateShift);
    expect(p.pseudonyms).toEqual(defaultProfile().pseudonyms);
  });

  it('accepts every valid rule form', () => {
    const rules = [
      { tag: '(0010,0010)', action: 'replace', value: 'ANON^PATIENT' },
      { tag: 'StudyDate', action: 'shift', days: -30, note: 'protocol 12' },
      { tag: '0008,1030', action: 'keep' },
      { tag: 'x00081090', action: 'hash' },
      { tag: '(0019,xx0C)', creator: 'SIEMENS MR HEADER', action: 'keep' },
      { tag: '0029xx10', creator: 'SIEMENS CSA HEADER', action: 'remove' },
      { tag: '(0029,xx10)', creator: 'OTHER CREATOR', action: 'empty' },
    ];
    const p = parseProfile(
      JSON.stringify({
        ...base,
        dateShift: { kind: 'fixed', days: -400 },
        pseudonyms: { kind: 'table' },
        rules,
      }),
    );
    expect(p.rules).toEqual(rules);
    expect(p.dateShift).toEqual({ kind: 'fixed', days: -400 });
    expect(p.pseudonyms).toEqual({ kind: 'table' });
  });

  it('rejects text that is not a JSON object', () => {
    expect(() => parseProfile('{"format":')).toThrow(/not valid JSON/);
    expect(() => parseProfile('[]')).toThrow(/must be a JSON object/);
  });

  it('lists every top-level problem, with a hint for typos', () => {
    const problems = problemsOf(
      JSON.stringify({
        format: 'other',
        version: 2,
        name: '',
        optons: [],
        options: ['RetainUID', 'CleanDesc', 'CleanDesc', 7],
        dateShift: { kind: 'keyed', maxDays: 0, extra: true },
        pseudonyms: { kind: 'keyed', prefix: 'BAD PREFIX' },
        rules: {},
      }),
    );
    expect(problems).toEqual([
      'unknown field "optons" (did you mean "options"?)',
      '"format" must be "veil-profile"',
      '"version" must be 1 (the only version this Veil reads)',
      '"name" must be a non-empty string of at most 200 characters',
      expect.stringMatching(
        /^options\[0\]: unknown option "RetainUID" \(did you mean "RetainUIDs"\?\)/,
      ),
      'options[2]: CleanDesc is listed twice',
      expect.stringMatching(/^options\[3\]: unknown option 7; known: RetainSafePrivate/),
      'dateShift: unknown field "extra"',
      'dateShift: "maxDays" must be an integer from 1 to 36500',
      expect.stringMatching(/^pseudonyms: "prefix" must be 1 to 16 letters/),
      '"rules" must be an array',
    ]);
  });

  it('rejects both longitudinal date options together, a zero fixed shift and unknown kinds', () => {
    expect(
      problemsOf(
        JSON.stringify({ ...base, options: ['RetainLongModifDates', 'RetainLongFullDates'] }),
      ),
    ).toEqual([expect.stringMatching(/exclude each other/)]);
    expect(problemsOf(JSON.stringify({ ...base, dateShift: { kind: 'fixed', days: 0 } }))).toEqual([
      expect.stringMatching(/0 would keep the real dates/),
    ]);
    expect(
      problemsOf(JSON.stringify({ ...base, dateShift: { kind: 'random' }, pseudonyms: [] })),
    ).toEqual(['dateShift: "kind" must be "keyed" or "fixed"', '"pseudonyms" must be an object']);
  });

  it('names each bad rule by its index', () => {
    const problems = problemsOf(
      withRules([
        { tag: 'PatientName', action: 'remove' }, // fine
        { tag: 'PatientNme', action: 'remove' },
        { tag: '(0010,0020)', action: 'replace' },
        { tag: '(0008,0020)', action: 'shift', days: 1.5 },
        { tag: '(0008,0020)', action: 'shift' },
        { tag: '(0010,0030)', action: 'remove', acton: 'x' },
        { tag: '(0010,0040)', action: 'delete' },
        { tag: '(0010,1010)' },
        { tag: '(0019,xx0C)', action: 'keep' },
        { tag: '(0018,xx0C)', creator: 'ACME', action: 'keep' },
        { tag: '(0019,100C)', creator: 'ACME', action: 'keep' },
        { tag: '(0019,0010)', action: 'remove' },
        { tag: 'PatientID', creator: 'ACME', action: 'remove' },
        { tag: '(0008,0000)', action: 'remove' },
        { tag: 'PatientName', action: 'hash' },
        { tag: 'PatientSize', action: 'keep', value: '1.8', days: 3 },
        { tag: 'Modality', action: 'shift', days: 3 },
        'PatientWeight',
        { tag: '(0021,xx01)', creator: 'a\\b', action: 'keep' },
        { tag: 'StudyTime', action: 'keep', note: 5 },
        { tag: 'AcquisitionDate', action: 'shift', days: 40_000 },
        { tag: '(0010,1000)', action: 'shift', days: 2 },
      ]),
    );
    expect(problems).toEqual([
      'rules[1]: "PatientNme" is neither a tag like (0010,0010) nor a dictionary keyword',
      'rules[2]: "replace" needs a "value" string',
      expect.stringMatching(/^rules\[3\]: "shift" needs "days": a non-zero integer/),
      'rules[4]: targets the same element as rules[3]: merge them into one rule',
      expect.stringMatching(/^rules\[4\]: "shift" needs "days"/),
      'rules[5]: unknown field "acton" (did you mean "action"?)',
      expect.stringMatching(/^rules\[6\]: "action" is "delete"; use one of keep, remove/),
      expect.stringMatching(/^rules\[7\]: "action" is missing; use one of/),
      'rules[8]: private element "(0019,xx0C)" needs a "creator" (the Private Creator value)',
      expect.stringMatching(/^rules\[9\]: "\(0018,xx0C\)" is not a private element/),
      'rules[10]: private elements move between files: write (0019,xx0C) with a "creator" instead of (0019,100C)',
      expect.stringMatching(/^rules\[11\]: \(0019,0010\) is a Private Creator/),
      'rules[12]: "creator" only applies to private elements (gggg,xxEE), not PatientID',
      'rules[13]: (0008,0000) is a group length: the writer recomputes those',
      'rules[14]: targets the same element as rules[0]: merge them into one rule',
      'rules[15]: "value" is only used by "replace"',
      'rules[15]: "days" is only used by "shift"',
      'rules[16]: "shift" applies to dates (DA, DT); Modality has VR CS',
      expect.stringMatching(/^rules\[17\]: must be an object/),
      expect.stringMatching(/^rules\[18\]: "creator" must be 1 to 64 characters/),
      'rules[19]: "note" must be a string',
      expect.stringMatching(/^rules\[20\]: "shift" needs "days"/),
      'rules[21]: "shift" applies to dates (DA, DT); (0010,1000) has VR LO',
    ]);
  });

  it('treats a keyword and its tag as the same element', () => {
    expect(
      problemsOf(
        withRules([
          { tag: 'PatientID', action: 'remove' },
          { tag: '(0010,0020)', action: 'keep' },
        ]),
      ),
    ).toEqual(['rules[1]: targets the same element as rules[0]: merge them into one rule']);
    // The same private element under two creators is two different elements.
    expect(
      parseProfile(
        withRules([
          { tag: '(0029,xx10)', creator: 'A', action: 'remove' },
          { tag: '(0029,xx10)', creator: 'B', action: 'keep' },
        ]),
      ).rules,
    ).toHaveLength(2);
  });
});

describe('serializeProfile and profileHash', () => {
  const sample = (): Profile => ({
    ...defaultProfile(),
    name: 'Trial',
    options: ['CleanDesc', 'RetainPatientChars'],
    rules: [{ tag: 'PatientName', action: 'replace', value: 'X', note: undefined }],
  });

  it('writes fixed key order, canonical option order and no undefined fields', () => {
    const text = serializeProfile(sample());
    expect(text.endsWith('\n')).toBe(true);
    const parsed = JSON.parse(text) as Record<string, unknown>;
    expect(Object.keys(parsed)).toEqual([
      'format',
      'version',
      'name',
      'options',
      'dateShift',
      'pseudonyms',
      'rules',
    ]);
    expect(parsed.options).toEqual(['RetainPatientChars', 'CleanDesc']);
    expect(parsed.rules).toEqual([{ tag: 'PatientName', action: 'replace', value: 'X' }]);
  });

  it('hashes the canonical JSON with SHA-256', () => {
    const p = sample();
    const canonical = canonicalJson(JSON.parse(serializeProfile(p)));
    expect(canonical.startsWith('{"dateShift":{"kind":"keyed","maxDays":365},"format"')).toBe(true);
    expect(profileHash(p)).toBe(createHash('sha256').update(canonical, 'utf8').digest('hex'));
  });

  it('ignores option order and changes with any rule', () => {
    const p = sample();
    const reordered = { ...p, options: [...p.options].reverse() };
    expect(profileHash(reordered)).toBe(profileHash(p));
    const edited: Profile = {
      ...p,
      rules: [{ tag: 'PatientName', action: 'replace', value: 'Y' }],
    };
    expect(profileHash(edited)).not.toBe(profileHash(p));
    expect(profileHash(parseProfile(serializeProfile(p)))).toBe(profileHash(p));
  });

  it('sorts keys at every level and escapes strings in canonical JSON', () => {
    expect(canonicalJson({ b: [{ z: 1, a: 'é"' }], a: null, c: undefined })).toBe(
      '{"a":null,"b":[{"a":"é\\"","z":1}]}',
    );
  });
});
