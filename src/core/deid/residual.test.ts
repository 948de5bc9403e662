import { describe, expect, it } from 'vitest';
import { dicomFile, item, type DicomFileBuilder } from '../../../test/support/dicomBuilder';
import { makePhiFile } from '../../../test/support/phiCanaries';
import { TS } from '../../../test/support/transferSyntax';
import { readFixture } from '../../../test/fixtures';
import { parseFile } from '../dicom/parse';
import { deidentify } from './deidentify';
import { buildPlan } from './plan';
import { defaultProfile } from './profile';
import { createProjectKey } from './projectKey';
import {
  birthDateForms,
  collectIdentifiers,
  scanResidual,
  type IdentifierKind,
  type ResidualHit,
} from './residual';
import type { CustomRule, DeidSuccess } from './types';
import type { OptionName } from './options';

const key = createProjectKey(new Uint8Array(32).map((_, i) => (i * 13 + 5) & 0xff));
const SOP_CLASS = '1.2.840.10008.5.1.4.1.1.7';

/** The patient of these tests, with every kind of identifier the scan collects. */
const P = {
  name: 'DOE^JOHNATHAN^PERCIVAL',
  id: 'PID7765432',
  issuer: 'MERCY GENERAL',
  otherId: 'OTH44556',
  sequenceId: 'SEQID99887',
  accession: 'ACC2024555',
  birth: '19610312',
  address: '12 ELMWOOD STREET, SPRINGFIELDTON',
  phone: '555-0199-321',
  institution: 'SAINT BARNABY HOSPITAL',
  institutionAddress: '400 QUARRY LANE, OGDENVILLE',
  department: 'NEUROSURGERY WEST',
  referring: 'HOUSEMAN^GREGORY',
  operator: 'SMITHERS^WAYLON',
} as const;
const ALL_VALUES = [
  ...Object.values(P).flatMap((v) => v.split(/[\^, ]+/)),
  '1961-03-12',
  '12 Mar 1961',
].filter((v) => v.length >= 4);

/** An original holding the patient above, plus whatever `more` adds (in tag order). */
function original(
  more: (b: DicomFileBuilder) => void = () => undefined,
  ts: string = TS.explicitLE,
) {
  const b = dicomFile(ts)
    .str(0x00080016, 'UI', SOP_CLASS)
    .str(0x00080018, 'UI', '2.25.1234567')
    .str(0x00080050, 'SH', P.accession)
    .str(0x00080060, 'CS', 'OT')
    .str(0x00080080, 'LO', P.institution)
    .str(0x00080081, 'ST', P.institutionAddress)
    .str(0x00080090, 'PN', P.referring)
    .str(0x00081040, 'LO', P.department)
    .str(0x00081070, 'PN', P.operator)
    .str(0x00100010, 'PN', P.name)
    .str(0x00100020, 'LO', P.id)
    .str(0x00100021, 'LO', P.issuer)
    .str(0x00100030, 'DA', P.birth)
    .str(0x00101000, 'LO', P.otherId)
    .seq(0x00101002, [(i) => i.str(0x00100020, 'LO', P.sequenceId)])
    .str(0x00101040, 'LO', P.address)
    .str(0x00102154, 'SH', P.phone);
  more(b);
  return b.sort().build();
}

const parse = (bytes: Uint8Array) => parseFile(bytes, 'test.dcm');

/** The engine's output for `bytes` under the basic profile with `rules` and `options`. */
function deidentified(
  bytes: Uint8Array,
  rules: CustomRule[] = [],
  options: OptionName[] = [],
): DeidSuccess {
  const plan = buildPlan({ ...defaultProfile(), rules, options });
  const result = deidentify(bytes, plan, { fileName: 'test.dcm', key });
  if (!result.ok)
    throw new Error(`deidentify failed: ${result.error.code} ${result.error.message}`);
  return result;
}

/** Scan an output against the identifiers of its original. */
function scan(originalBytes: Uint8Array, output: Uint8Array, options: OptionName[] = []) {
  return scanResidual(parse(output), collectIdentifiers(parse(originalBytes), options));
}

const at = (hits: readonly ResidualHit[], path: string): IdentifierKind[] =>
  hits
    .filter((h) => h.path === path)
    .map((h) => h.kind)
    .sort();

describe('residual PHI scan on engine outputs', () => {
  it('finds the family name in a Study Description a custom rule kept, and nothing else', () => {
    const bytes = original((b) => b.str(0x00081030, 'LO', 'CT FOLLOW-UP FOR MR DOE'));
    const result = deidentified(bytes, [{ tag: '(0008,1030)', action: 'keep' }]);
    const hits = scan(bytes, result.bytes);
    expect(hits).toEqual([
      {
        path: '(0008,1030)',
        tag: '(0008,1030)',
        keyword: 'StudyDescription',
        vr: 'LO',
        kind: 'patient-name-family',
      },
    ]);
    // The path is the one the engine's own change list gives that element.
    expect(result.changes.map((c) => c.path)).toContain(hits[0]!.path);
  });

  it('finds a birth date written in words and an ID from a sequence in SR text the engine cleaned', () => {
    // The basic profile keeps Content Sequence (D) and cleans its Text Value of the identifiers it
    // gathers (names, top-level IDs, dates written as digits): these two get through.
    const bytes = original((b) =>
      b
        .str(0x0040a040, 'CS', 'CONTAINER')
        .seq(0x0040a730, [
          (c) =>
            c
              .str(0x0040a010, 'CS', 'CONTAINS')
              .str(0x0040a040, 'CS', 'TEXT')
              .str(0x0040a160, 'UT', 'Mr DOE, born 12 March 1961, also filed under SEQID99887.'),
        ]),
    );
    const result = deidentified(bytes);
    const hits = scan(bytes, result.bytes);
    expect(at(hits, '(0040,A730)[0]/(0040,A160)')).toEqual(['birth-date', 'other-patient-id']);
    expect(hits.every((h) => h.path === '(0040,A730)[0]/(0040,A160)')).toBe(true);
    expect(hits[0]).toMatchObject({ keyword: 'TextValue', vr: 'UT' });
  });

  it('finds the name in a private element a custom rule retained, named by its creator', () => {
    const bytes = original((b) =>
      b.privateBlock(0x0009, 0x10, 'ACME 1.0', (p) =>
        p.str(0x01, 'LO', 'REFERRED BY JOHNATHAN DOE'),
      ),
    );
    const result = deidentified(bytes, [
      { tag: '(0009,xx01)', creator: 'ACME 1.0', action: 'keep' },
    ]);
    const hits = scan(bytes, result.bytes);
    expect(hits.map((h) => h.keyword)).toEqual(['ACME 1.0:xx01', 'ACME 1.0:xx01']);
    expect(at(hits, '(0009,1001)')).toEqual(['patient-name', 'patient-name-family']);
  });

  it('finds nothing in the clean output of a canary-laden file, in every native transfer syntax', () => {
    for (const ts of [TS.explicitLE, TS.implicitLE, TS.explicitBE, TS.deflatedLE]) {
      const made = makePhiFile({ transferSyntax: ts, seed: 77 });
      const result = deidentified(made.bytes);
      const ids = collectIdentifiers(parse(made.bytes));
      expect(ids.count).toBeGreaterThan(10);
      expect(scanResidual(parse(result.bytes), ids), ts).toEqual([]);
      // The scan does see the identifiers where they are: in the original itself.
      expect(scanResidual(parse(made.bytes), ids).length, ts).toBeGreaterThan(10);
    }
  });

  it('finds nothing in the clean outputs of real SR, RT and charset files', () => {
    for (const name of ['test-SR.dcm', 'rtstruct.dcm', 'CT_small.dcm', 'chrH31.dcm']) {
      const bytes = readFixture(name);
      expect(scan(bytes, deidentified(bytes).bytes), name).toEqual([]);
    }
  });

  it('leaves the institution out when the profile keeps it on purpose', () => {
    const bytes = original();
    const result = deidentified(bytes, [], ['RetainInstitutionIdent']);
    expect(at(scan(bytes, result.bytes), '(0008,0080)')).toEqual(['institution-name']);
    expect(scan(bytes, result.bytes, ['RetainInstitutionIdent'])).toEqual([]);
  });
});

/** An "output" built directly: the scan reads any file, and these hold residuals on purpose. */
function output(build: (b: DicomFileBuilder) => void, ts: string = TS.explicitLE): Uint8Array {
  const b = dicomFile(ts).str(0x00080016, 'UI', SOP_CLASS).str(0x00080018, 'UI', '2.25.9');
  build(b);
  return b.sort().build();
}

describe('what the scan finds', () => {
  const ids = collectIdentifiers(parse(original()));

  it('reaches text at any depth, and names the path through items', () => {
    const out = output((b) =>
      b.seq(0x00400275, [
        (r) => r.str(0x00400007, 'LO', 'NOTHING HERE'),
        (r) =>
          r.seq(0x00400260, [
            (p) => p.str(0x00080104, 'LO', 'PROTOCOL'),
            item((p) => p.seq(0x00400440, [(c) => c.str(0x00080104, 'LO', `ref ${P.accession}`)]), {
              length: 'undefined',
            }),
          ]),
      ]),
    );
    expect(scanResidual(parse(out), ids)).toEqual([
      {
        path: '(0040,0275)[1]/(0040,0260)[1]/(0040,0440)[0]/(0008,0104)',
        tag: '(0008,0104)',
        keyword: 'CodeMeaning',
        vr: 'LO',
        kind: 'accession-number',
      },
    ]);
  });

  it('reads every scanned VR, private UN values of implicit VR files included', () => {
    const out = output(
      (b) =>
        b
          .str(0x00081030, 'LO', 'FOR HOUSEMAN')
          .str(0x00204000, 'LT', 'Address: 12 Elmwood Street, Springfieldton')
          .str(0x00400254, 'LO', `Institution ${P.department}`)
          .str(0x00081090, 'LO', 'SAINT BARNABY HOSPITAL SCANNER')
          .str(0x00180015, 'CS', 'SMITHERS')
          .privateBlock(0x0011, 0x10, 'VENDOR', (p) =>
            p.str(0x02, 'LO', `${P.otherId} ${P.phone}`),
          ),
      TS.implicitLE,
    );
    const hits = scanResidual(parse(out), ids);
    expect(at(hits, '(0008,1030)')).toEqual(['physician-name']);
    expect(at(hits, '(0020,4000)')).toEqual(['patient-address']);
    expect(at(hits, '(0040,0254)')).toEqual(['institutional-department']);
    expect(at(hits, '(0008,1090)')).toEqual(['institution-name']);
    expect(at(hits, '(0018,0015)')).toEqual(['operator-name']);
    expect(at(hits, '(0011,1002)')).toEqual(['other-patient-id', 'patient-telephone']);
    expect(hits.find((h) => h.path === '(0011,1002)')).toMatchObject({
      vr: 'UN',
      keyword: 'VENDOR:xx02',
    });
  });

  it('matches whatever the case, spacing, commas and PN separators', () => {
    const texts = ['Doe,   Johnathan', 'johnathan  percival doe', 'DOE^JOHNATHAN', 'dr. doe'];
    const out = output((b) => texts.forEach((t, i) => b.str(0x00091001 + i, 'LO', t)));
    const all = scanResidual(parse(out), ids);
    expect(at(all, '(0009,1001)')).toContain('patient-name');
    expect(at(all, '(0009,1002)')).toContain('patient-name');
    expect(at(all, '(0009,1003)')).toContain('patient-name');
    expect(at(all, '(0009,1004)')).toEqual(['patient-name-family']);
  });

  it('finds the birth date in its common spellings, in text and in a kept date', () => {
    const spellings = [
      '19610312',
      '1961-03-12',
      '1961/03/12',
      '12/03/1961',
      '03/12/1961',
      '3/12/1961',
      '12.03.1961',
      '12-03-1961',
      '12.03.61',
      '12 Mar 1961',
      '12 March 1961',
      'March 12, 1961',
      'Mar 12 1961',
      '12-MAR-1961',
      'DOB:1961-03-12.',
    ];
    const out = output((b) => {
      spellings.forEach((s, i) => b.str(0x00091001 + i, 'LO', `born ${s}`));
      b.str(0x00080020, 'DA', P.birth);
    });
    const hits = scanResidual(parse(out), ids);
    spellings.forEach((s, i) => {
      const tag = `(0009,${(0x1001 + i).toString(16).toUpperCase()})`;
      expect(at(hits, tag), s).toEqual(['birth-date']);
    });
    expect(at(hits, '(0008,0020)')).toEqual(['birth-date']);
  });

  it('does not mistake a near date for the birth date', () => {
    const near = ['13 Mar 1961', '1961-03-13', '12/04/1961', '119610312', '12/03/19612', '1961031'];
    const out = output((b) => near.forEach((s, i) => b.str(0x00091001 + i, 'LO', s)));
    expect(scanResidual(parse(out), ids)).toEqual([]);
  });

  it('sees every PN group: alphabetic, ideographic and phonetic, in UTF-8', () => {
    const bytes = dicomFile(TS.explicitLE)
      .str(0x00080005, 'CS', 'ISO_IR 192')
      .str(0x00080016, 'UI', SOP_CLASS)
      .str(0x00080018, 'UI', '2.25.5')
      .str(0x00100010, 'PN', 'Müller^Jürgen=山田^太郎=やまだ^たろう', { utf8: true })
      .build();
    const cjk = collectIdentifiers(parse(bytes));
    const out = dicomFile(TS.explicitLE)
      .str(0x00080005, 'CS', 'ISO_IR 192')
      .str(0x00080016, 'UI', SOP_CLASS)
      .str(0x00080018, 'UI', '2.25.6')
      .str(0x00081030, 'LO', 'KONTROLLE MÜLLER', { utf8: true })
      .str(0x00204000, 'LT', '山田さんの検査', { utf8: true })
      .str(0x00400254, 'LO', 'たろう', { utf8: true })
      .build();
    const hits = scanResidual(parse(out), cjk);
    expect(at(hits, '(0008,1030)')).toEqual(['patient-name-family']);
    expect(at(hits, '(0020,4000)')).toEqual(['patient-name-family']);
    expect(at(hits, '(0040,0254)')).toEqual(['patient-name-given']);
  });
});

describe('what the scan leaves alone', () => {
  it('ignores name parts shorter than 3 letters and IDs shorter than the rule', () => {
    const bytes = dicomFile(TS.explicitLE)
      .str(0x00080016, 'UI', SOP_CLASS)
      .str(0x00080018, 'UI', '2.25.7')
      .str(0x00100010, 'PN', 'LI^AN')
      .str(0x00100020, 'LO', '4711')
      .build();
    const ids = collectIdentifiers(parse(bytes));
    expect(ids.count).toBe(0);
    const out = output((b) => b.str(0x00081030, 'LO', 'CLINICAL LIVER SCAN AN LI 4711'));
    expect(scanResidual(parse(out), ids)).toEqual([]);
  });

  it('matches names as whole words only, and never common words', () => {
    const bytes = dicomFile(TS.explicitLE)
      .str(0x00080016, 'UI', SOP_CLASS)
      .str(0x00080018, 'UI', '2.25.8')
      .str(0x00100010, 'PN', 'TEST^PATIENT')
      .str(0x00080090, 'PN', 'ANN^DR')
      .build();
    const ids = collectIdentifiers(parse(bytes));
    const out = output((b) =>
      b
        .str(0x00081030, 'LO', 'ANNUAL TEST PATIENT REVIEW')
        .str(0x0008103e, 'LO', 'DR SCAN, JOANNE')
        .str(0x00204000, 'LT', 'Seen by Ann.'),
    );
    expect(scanResidual(parse(out), ids)).toEqual([
      expect.objectContaining({ path: '(0020,4000)', kind: 'physician-name' }),
    ]);
  });

  it('skips binary values, numbers and UIDs', () => {
    const ids = collectIdentifiers(parse(original()));
    const out = output((b) =>
      b
        .str(0x00200010, 'SH', '')
        .str(0x00081155, 'UI', '1.2.19610312.7765432')
        .str(0x00200013, 'IS', '19610312')
        .bin(0x00091010, 'OB', new TextEncoder().encode(`x ${P.id} x`)),
    );
    expect(scanResidual(parse(out), ids)).toEqual([]);
  });
});

describe('what the scan returns', () => {
  it('carries no value from the file, only where and which kind', () => {
    const bytes = original();
    const ids = collectIdentifiers(parse(bytes));
    // The original scanned against itself: a hit at every identifier it holds.
    const hits = scanResidual(parse(bytes), ids);
    const kinds = new Set(hits.map((h) => h.kind));
    for (const kind of [
      'patient-name',
      'patient-id',
      'issuer-of-patient-id',
      'other-patient-id',
      'accession-number',
      'birth-date',
      'patient-address',
      'patient-telephone',
      'institution-name',
      'institution-address',
      'institutional-department',
      'physician-name',
      'operator-name',
    ] as const) {
      expect(kinds.has(kind), kind).toBe(true);
    }
    expect(at(hits, '(0010,1002)[0]/(0010,0020)')).toEqual(['other-patient-id']);
    const text = JSON.stringify(hits).toLowerCase();
    for (const value of ALL_VALUES) expect(text).not.toContain(value.toLowerCase());
    expect(Object.keys(hits[0]!).sort()).toEqual(['keyword', 'kind', 'path', 'tag', 'vr']);
  });

  it('spells a birth date the ways the module comment lists', () => {
    const forms = birthDateForms('19610312');
    for (const form of [
      '19610312',
      '1961-03-12',
      '12/03/1961',
      '3/12/1961',
      '12 mar 1961',
      'march 12 1961',
    ]) {
      expect(forms).toContain(form);
    }
    expect(birthDateForms('1961')).toEqual([]);
    expect(birthDateForms('19611332')).toEqual([]);
  });
});
