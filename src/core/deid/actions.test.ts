// Each action of the engine on small built files, read back from the output bytes: the PS3.15
// codes (compound ones as apply.ts documents them), custom rules, keyed derivations, the rebuilt
// file meta, what the splice writer must preserve, and the files that must fail closed.
import { describe, expect, it } from 'vitest';
import { readWithDcmjs } from '../../../test/support/dcmjsReader';
import {
  changeAt,
  daysBetween,
  deid,
  elementAt,
  planWith,
  run,
  SC_IMAGE_STORAGE,
  smallFile,
  testKey,
  textAt,
  VALID_VALUE,
} from '../../../test/support/deid';
import { item, type DatasetBuilder } from '../../../test/support/dicomBuilder';
import { makePhiFile } from '../../../test/support/phiCanaries';
import { TS } from '../../../test/support/transferSyntax';
import { lookupTag } from '../dicom/dictionary';
import { parseFile } from '../dicom/parse';
import { formatTag, type Tag } from '../dicom/tag';
import { VEIL_IMPLEMENTATION_CLASS_UID, VEIL_IMPLEMENTATION_VERSION_NAME } from '../version';
import type { OptionName } from './options';
import { parsePseudonymCsv } from './pseudonymTable';
import { PROFILE_ROWS, rowForTag, type BasicAction } from './table';
import type { CustomRule } from './types';

const ROOT = '1.2.826.0.1.3680043.2.1143.8';
// Sequences with no row in Table E.1-1: kept, so that what happens inside them can be seen.
const [L1, L2, L3] = [0x00400260, 0x00400440, 0x00400441];
const CODE_VALUE = 0x00080100;
const ADDRESS = 0x00080092; // Referring Physician's Address: X
const U = { length: 'undefined' } as const;
const read = (bytes: Uint8Array) => parseFile(bytes, 'out.dcm');
const phiPatient = (patient: number, study: number, ts: string = TS.explicitLE) =>
  makePhiFile({ transferSyntax: ts, seed: 11, patient, study });

describe('PS3.15 action codes', () => {
  it('X removes at the top level and three sequences down, through undefined lengths', () => {
    for (const tag of [L1, L2, L3, CODE_VALUE]) expect(rowForTag(tag)).toBeUndefined();
    expect(rowForTag(ADDRESS)?.basic).toBe('X');
    // L1 (undefined length) → defined item → L2 → undefined item → L3 (undefined) → undefined item.
    const innermost = (l3: DatasetBuilder) =>
      l3.str(ADDRESS, 'ST', 'DEEP ADDRESS').str(CODE_VALUE, 'SH', 'KEEP1');
    const l2 = (b: DatasetBuilder) =>
      b.seq(L2, [item((i) => i.seq(L3, [item(innermost, U)], U), U)]);
    const bytes = smallFile(TS.explicitLE, (b) =>
      b.str(ADDRESS, 'ST', 'TOP ADDRESS').seq(L1, [item(l2)], U),
    );
    const deep = '(0040,0260)[0]/(0040,0440)[0]/(0040,0441)[0]';
    const result = deid(bytes, planWith());
    expect(changeAt(result, `${deep}/(0008,0092)`)).toMatchObject({
      kind: 'removed',
      rule: 'E.1-1 basic X',
    });
    expect(textAt(result.bytes, `${deep}/(0008,0092)`)).toBeUndefined();
    expect(textAt(result.bytes, '(0008,0092)')).toBeUndefined();
    expect(textAt(result.bytes, `${deep}/(0008,0100)`)).toBe('KEEP1');
    expect(Buffer.from(result.bytes).includes('ADDRESS')).toBe(false);
    // The sequences edited inside keep their undefined lengths.
    const file = read(result.bytes);
    expect(elementAt(file, '(0040,0260)')!.element.undefinedLength).toBe(true);
    expect(elementAt(file, '(0040,0260)[0]/(0040,0440)')!.element.undefinedLength).toBe(false);
    expect(elementAt(file, `${deep}`)!.element.items![0]!.undefinedLength).toBe(true);
  });

  it('Z empties a value and leaves a sequence with zero items', () => {
    expect(rowForTag(0x00080050)?.basic).toBe('Z');
    expect(rowForTag(0x30100081)?.basic).toBe('Z');
    const bytes = smallFile(TS.explicitLE, (b) =>
      b
        .str(0x00080050, 'SH', 'ACC123')
        .seq(0x30100081, [
          (i) => i.str(0x3010007b, 'UT', 'NOTE'),
          (i) => i.str(0x3010007b, 'UT', 'NOTE 2'),
        ]),
    );
    const result = deid(bytes, planWith());
    expect(changeAt(result, '(0008,0050)').kind).toBe('emptied');
    expect(textAt(result.bytes, '(0008,0050)')).toBe('');
    const sequence = elementAt(read(result.bytes), '(3010,0081)')!.element;
    expect(sequence.items).toEqual([]);
  });

  it('D writes a dummy valid for the VR, and never the original', () => {
    const firstD = new Map<string, Tag>();
    for (const row of PROFILE_ROWS) {
      const vr = row.tag !== undefined && row.basic === 'D' ? lookupTag(row.tag)?.vr : undefined;
      if (vr && vr !== 'SQ' && !firstD.has(vr)) firstD.set(vr, row.tag!);
    }
    expect([...firstD.keys()].sort()).toEqual(
      expect.arrayContaining(['AE', 'AS', 'CS', 'DA', 'DT', 'LO', 'OB', 'PN', 'TM', 'UI', 'UT']),
    );
    const original: Readonly<Record<string, string>> = { AS: '045Y', DA: '20200101', TM: '1030' };
    const bytes = smallFile(TS.explicitLE, (b) => {
      for (const [vr, tag] of firstD) {
        if (vr === 'OB' || vr === 'UN') b.bin(tag, vr, new Uint8Array([1, 2, 3, 4]));
        else if (vr === 'UI') b.str(tag, vr, `${ROOT}.77`);
        else if (vr === 'DT') b.str(tag, vr, '20200101103000');
        else b.str(tag, vr, original[vr] ?? 'ORIGINAL');
      }
    });
    const result = deid(bytes, planWith());
    for (const [vr, tag] of firstD) {
      const path = formatTag(tag);
      const change = changeAt(result, path);
      expect(change.rule, path).toBe('E.1-1 basic D');
      const value = elementAt(read(result.bytes), path)!;
      if (vr === 'OB' || vr === 'UN') {
        expect([
          ...read(result.bytes).bytes.subarray(value.element.valueOffset).slice(0, 4),
        ]).toEqual([0, 0, 0, 0]);
        expect(result.warnings.some((w) => w.code === 'DUMMY_BINARY' && w.path === path)).toBe(
          true,
        );
        continue;
      }
      const text = textAt(result.bytes, path)!;
      expect(text, path).not.toBe('');
      expect(text, path).not.toBe(original[vr] ?? 'ORIGINAL');
      expect(text, path).not.toContain('\\');
      expect(text, path).toMatch(VALID_VALUE[vr] ?? /^.{1,64}$/);
    }
  });

  it('U remaps UIDs with the key to 2.25 UIDs, the same original always to the same new one', () => {
    const study = `${ROOT}.1`;
    const frame = `${ROOT}.4`;
    const [sopA, sopB] = [`${ROOT}.3.1`, `${ROOT}.3.2`];
    expect(rowForTag(0x0018991e)).toBeUndefined(); // Target Frame of Reference UID: no row
    const file = (sop: string, other: string) =>
      smallFile(
        TS.explicitLE,
        (b) =>
          b
            .str(0x0020000d, 'UI', study)
            .str(0x00200052, 'UI', frame)
            .str(0x0018991e, 'UI', frame)
            .seq(0x30060010, [(i) => i.str(0x30060024, 'UI', frame)])
            .seq(0x00082112, [
              (i) => i.str(0x00081150, 'UI', SC_IMAGE_STORAGE).str(0x00081155, 'UI', other),
            ]),
        { sopInstanceUid: sop },
      );
    const a = deid(file(sopA, sopB), planWith());
    const b = deid(file(sopB, sopA), planWith());
    const at = (r: typeof a, path: string) => textAt(r.bytes, path)!;
    const newFrame = at(a, '(0020,0052)');
    for (const uid of [a.identity.sopInstanceUid, a.identity.studyInstanceUid, newFrame]) {
      expect(uid).toMatch(/^2\.25\.[1-9]\d*$/);
      expect(uid.length).toBeLessThanOrEqual(64);
    }
    expect(at(a, '(3006,0010)[0]/(3006,0024)')).toBe(newFrame);
    expect(changeAt(a, '(0018,991E)').rule).toBe('reference to a replaced UID');
    expect(at(a, '(0018,991E)')).toBe(newFrame);
    expect(at(b, '(0020,0052)')).toBe(newFrame);
    expect(b.identity.studyInstanceUid).toBe(a.identity.studyInstanceUid);
    // Each file's reference to the other follows that file's own new SOP Instance UID.
    expect(at(a, '(0008,2112)[0]/(0008,1155)')).toBe(b.identity.sopInstanceUid);
    expect(at(b, '(0008,2112)[0]/(0008,1155)')).toBe(a.identity.sopInstanceUid);
    expect(at(a, '(0008,2112)[0]/(0008,1150)')).toBe(SC_IMAGE_STORAGE);
    expect(Buffer.from(a.bytes).includes(ROOT)).toBe(false);
  });

  it('K keeps the value bytes as they were (an option cell; the basic column has no K)', () => {
    expect(rowForTag(0x00081010)?.options.RetainDeviceIdent).toBe('K');
    const bytes = smallFile(TS.explicitLE, (b) => b.str(0x00081010, 'SH', 'CT-ROOM-7'));
    const result = deid(bytes, planWith(['RetainDeviceIdent']));
    expect(changeAt(result, '(0008,1010)')).toMatchObject({
      kind: 'kept',
      rule: 'E.1-1 RetainDeviceIdent K',
    });
    expect(textAt(result.bytes, '(0008,1010)')).toBe('CT-ROOM-7');
  });

  // apply.ts: Z/D → Z when empty, else D; X/Z → Z; X/D → X when empty, else D; X/Z/D → Z when
  // empty, else D; X/Z/U* → the sequence kept, every UID inside replaced by its own row.
  const compound: readonly [BasicAction, string, string][] = [
    ['Z/D', 'emptied', 'replaced'],
    ['X/Z', 'emptied', 'emptied'],
    ['X/D', 'removed', 'replaced'],
    ['X/Z/D', 'emptied', 'replaced'],
  ];
  it.each(compound)('%s: empty → %s (or kept empty), non-empty → %s', (code, ifEmpty, ifValue) => {
    // PatientID (Z/D, LO) is left out: pseudonyms replace its table action.
    const { tag } = PROFILE_ROWS.find(
      (r) => r.basic === code && r.tag && r.tag !== 0x00100020 && lookupTag(r.tag)?.vr === 'LO',
    )!;
    const path = formatTag(tag!);
    const lo = (value: string) => smallFile(TS.explicitLE, (b) => b.str(tag!, 'LO', value));
    const [empty, full] = [deid(lo(''), planWith()), deid(lo('VALUE'), planWith())];
    // Emptying what is already empty is recorded as kept: nothing changed.
    expect(changeAt(empty, path).kind).toBe(ifEmpty === 'emptied' ? 'kept' : ifEmpty);
    expect(textAt(empty.bytes, path)).toBe(ifEmpty === 'removed' ? undefined : '');
    expect(changeAt(full, path).kind).toBe(ifValue);
    expect(textAt(full.bytes, path)).toBe(ifValue === 'emptied' ? '' : 'ANONYMIZED');
  });

  it('X/Z/U*: a sequence of references is kept with the UIDs inside replaced', () => {
    expect(rowForTag(0x00081140)?.basic).toBe('X/Z/U*');
    const bytes = smallFile(TS.explicitLE, (b) =>
      b.seq(0x00081140, [
        (i) => i.str(0x00081150, 'UI', SC_IMAGE_STORAGE).str(0x00081155, 'UI', `${ROOT}.9`),
      ]),
    );
    const result = deid(bytes, planWith());
    expect(changeAt(result, '(0008,1140)').kind).toBe('kept');
    expect(changeAt(result, '(0008,1140)[0]/(0008,1155)').kind).toBe('uid-remapped');
    expect(textAt(result.bytes, '(0008,1140)[0]/(0008,1155)')).toMatch(/^2\.25\./);
  });
});

describe('custom rules', () => {
  const rules: CustomRule[] = [
    { tag: 'PatientBirthDate', action: 'keep' },
    { tag: '(0018,0050)', action: 'remove' },
    { tag: 'Manufacturer', action: 'empty' },
    { tag: 'StudyDescription', action: 'replace', value: 'RESEARCH' },
    { tag: 'AccessionNumber', action: 'hash' },
    { tag: 'StudyDate', action: 'shift', days: 10 },
    { tag: '(0019,xx0C)', creator: 'ACME 1.0', action: 'keep' },
  ];
  const plan = planWith([], { rules });
  const file = (block: number) =>
    smallFile(TS.explicitLE, (b) => {
      b.str(0x00100030, 'DA', '19500607')
        .str(0x00180050, 'DS', '1.25')
        .str(0x00080070, 'LO', 'ACME')
        .str(0x00081030, 'LO', 'CHEST')
        .str(0x00080050, 'SH', 'ACC123')
        .str(0x00080020, 'DA', '20200101');
      b.privateBlock(0x0019, block, 'ACME 1.0', (p) =>
        p.str(0x0c, 'LO', 'KEEP ME').str(0x0d, 'LO', 'DROP ME'),
      );
      if (block !== 0x10) b.privateBlock(0x0019, 0x10, 'OTHER', (p) => p.str(0x0c, 'LO', 'DROP'));
    });

  it('keep, remove, empty, replace, hash and shift do what they say, under their labels', () => {
    const result = deid(file(0x10), plan);
    const expectations: [string, number, string, string | undefined][] = [
      ['(0010,0030)', 1, 'kept', '19500607'],
      ['(0018,0050)', 2, 'removed', undefined],
      ['(0008,0070)', 3, 'emptied', ''],
      ['(0008,1030)', 4, 'replaced', 'RESEARCH'],
      ['(0008,0050)', 5, 'replaced', undefined],
      ['(0008,0020)', 6, 'date-shifted', '20200111'],
    ];
    for (const [path, rule, kind, value] of expectations) {
      expect(changeAt(result, path), path).toMatchObject({ kind, rule: `custom rule ${rule}` });
      if (kind !== 'replaced' || value) expect(textAt(result.bytes, path), path).toBe(value);
    }
    const hashed = textAt(result.bytes, '(0008,0050)')!;
    expect(hashed).toMatch(/^[0-9A-F]{16}$/);
    expect(textAt(deid(file(0x10), plan).bytes, '(0008,0050)')).toBe(hashed);
    expect(textAt(deid(file(0x10), plan, { key: testKey(8) }).bytes, '(0008,0050)')).not.toBe(
      hashed,
    );
  });

  it('a private rule follows its creator to whatever block it reserved', () => {
    for (const block of [0x10, 0x42]) {
      const result = deid(file(block), plan);
      const at = (low: number) => formatTag(0x00190000 | (block << 8) | low);
      expect(changeAt(result, at(0x0c))).toMatchObject({ kind: 'kept', rule: 'custom rule 7' });
      expect(textAt(result.bytes, at(0x0c))).toBe('KEEP ME');
      expect(changeAt(result, at(0x0d)).kind).toBe('removed');
      expect(changeAt(result, formatTag(0x00190000 | block)).kind).toBe('kept');
      // Same element byte under another creator: not this rule's element.
      if (block !== 0x10) expect(changeAt(result, '(0019,100C)').kind).toBe('removed');
      expect(Buffer.from(result.bytes).includes('DROP')).toBe(false);
    }
  });
});

describe('keyed derivations', () => {
  const modif: OptionName[] = ['RetainLongModifDates'];
  const studyDate = (bytes: Uint8Array) => textAt(bytes, '(0008,0020)')!;
  const days = daysBetween;

  it('same key: identical bytes; another key: other UIDs, pseudonyms and date offsets', () => {
    const input = phiPatient(0, 0).bytes;
    const one = deid(input, planWith(modif), { key: testKey(7) });
    const again = deid(input, planWith(modif), { key: testKey(7) });
    expect(Buffer.compare(again.bytes, one.bytes)).toBe(0);
    // The counts-only fast path writes the same bytes and counts.
    const counted = deid(input, planWith(modif), { key: testKey(7), detail: 'counts' });
    expect(Buffer.compare(counted.bytes, one.bytes)).toBe(0);
    expect(counted.counts).toEqual(one.counts);
    expect(counted.changes).toEqual([]);
    const other = deid(input, planWith(modif), { key: testKey(8) });
    expect(other.identity.sopInstanceUid).not.toBe(one.identity.sopInstanceUid);
    expect(other.identity.studyInstanceUid).not.toBe(one.identity.studyInstanceUid);
    expect(other.identity.patientPseudonym).not.toBe(one.identity.patientPseudonym);
    expect(studyDate(other.bytes)).not.toBe(studyDate(one.bytes));
  });

  it('one offset per patient across files, so intervals between studies are kept', () => {
    const [a, b, c] = [phiPatient(0, 0), phiPatient(0, 1), phiPatient(1, 0)];
    const [oa, ob, oc] = [a, b, c].map((f) => deid(f.bytes, planWith(modif)));
    const shift = (f: typeof a, o: typeof oa) => days(studyDate(f.bytes), studyDate(o!.bytes));
    expect(shift(a, oa)).toBe(shift(b, ob));
    expect(shift(a, oa)).toBeLessThan(0);
    expect(days(studyDate(oa!.bytes), studyDate(ob!.bytes))).toBe(
      days(studyDate(a.bytes), studyDate(b.bytes)),
    );
    expect(shift(c, oc)).not.toBe(shift(a, oa));
  });

  it('a fixed offset moves every date by exactly that many days', () => {
    const plan = planWith(modif, { dateShift: { kind: 'fixed', days: -100 } });
    for (const f of [phiPatient(0, 0), phiPatient(1, 1)]) {
      expect(days(studyDate(f.bytes), studyDate(deid(f.bytes, plan).bytes))).toBe(-100);
    }
  });

  it('a pseudonym table names a listed patient, and fails the file of an unlisted one', () => {
    const table = parsePseudonymCsv(
      'original_patient_id,pseudonym_id,pseudonym_name\nZZID,SUBJ-001,SUBJECT^ONE\n',
    );
    const plan = planWith([], { pseudonyms: { kind: 'table' } });
    const hit = deid(smallFile(TS.explicitLE), plan, { pseudonymTable: table });
    expect(textAt(hit.bytes, '(0010,0020)')).toBe('SUBJ-001');
    expect(textAt(hit.bytes, '(0010,0010)')).toBe('SUBJECT^ONE');
    for (const context of [{ pseudonymTable: table }, {}]) {
      const miss = run(smallFile(TS.explicitLE, undefined, { patientId: 'OTHER' }), plan, {
        ...context,
        fileName: 'miss.dcm',
      });
      expect(miss).toMatchObject({ ok: false, fileName: 'miss.dcm' });
      expect(miss.ok ? '' : miss.error.code).toBe('BAD_PSEUDONYM_TABLE');
      expect(miss).not.toHaveProperty('bytes');
    }
  });
});

describe('what the writer rebuilds and preserves', () => {
  it('rebuilds the file meta and zeroes the preamble', () => {
    const bytes = smallFile(TS.explicitLE, undefined, {
      file: { sourceApplicationEntityTitle: 'SENDER_AE' },
    });
    bytes.fill(0x58, 0, 128);
    const result = deid(bytes, planWith());
    expect([...result.bytes.subarray(0, 128)].every((b) => b === 0)).toBe(true);
    expect(new TextDecoder().decode(result.bytes.subarray(128, 132))).toBe('DICM');
    const { meta } = readWithDcmjs(result.bytes);
    expect(Object.keys(meta).sort()).toEqual(
      ['00020001', '00020002', '00020003', '00020010', '00020012', '00020013'].sort(),
    );
    expect(meta['00020012']?.Value).toEqual([VEIL_IMPLEMENTATION_CLASS_UID]);
    expect(meta['00020013']?.Value).toEqual([VEIL_IMPLEMENTATION_VERSION_NAME]);
    expect(meta['00020002']?.Value).toEqual([SC_IMAGE_STORAGE]);
    expect(Buffer.from(result.bytes).includes('SENDER_AE')).toBe(false);
  });

  it('re-encodes a big-endian file big-endian: numbers, lengths and new elements', () => {
    const bytes = smallFile(TS.explicitBE, (b) =>
      b
        .num(0x00280010, 'US', 0x0102)
        .num(0x00280011, 'US', 0x0304)
        .str(0x00080050, 'SH', 'ACC123')
        .seq(L1, [(i) => i.str(ADDRESS, 'ST', 'ADDR').str(CODE_VALUE, 'SH', 'C1')]),
    );
    const result = deid(bytes, planWith());
    const file = read(result.bytes);
    const rows = elementAt(file, '(0028,0010)')!.element;
    expect([...file.bytes.subarray(rows.valueOffset, rows.valueOffset + 2)]).toEqual([1, 2]);
    const sequence = elementAt(file, '(0040,0260)')!.element;
    const view = new DataView(file.bytes.buffer, file.bytes.byteOffset);
    expect(view.getUint32(sequence.valueOffset - 4, false)).toBe(
      sequence.end - sequence.valueOffset,
    );
    const { natural } = readWithDcmjs(result.bytes);
    expect([natural.Rows, natural.Columns]).toEqual([0x0102, 0x0304]);
    expect(natural.PatientIdentityRemoved).toBe('YES');
    expect(natural.AccessionNumber ?? '').toBe('');
  });
});

describe('files that cannot be de-identified fail closed', () => {
  const whole = phiPatient(0, 0).bytes;
  const parsed = read(whole);
  const cutInside = (path: string) => {
    const { element } = elementAt(parsed, path)!;
    return whole.subarray(0, element.valueOffset + 3);
  };
  // The PNG signature and an IHDR chunk header, then zeros; a CSV that looks like a patient list.
  const png = Buffer.concat([
    Buffer.from('89504e470d0a1a0a0000000d49484452', 'hex'),
    Buffer.alloc(64),
  ]);
  const text = new TextEncoder().encode('Patient list\nDOE^JANE,12345\n'.repeat(8));
  const cases: [string, Uint8Array, string][] = [
    ['a zero-byte file', new Uint8Array(0), 'NOT_DICOM'],
    ['a PNG', png, 'NOT_DICOM'],
    ['a text file', text, 'NOT_DICOM'],
    ['a file cut inside its meta header', whole.subarray(0, 140), 'TRUNCATED'],
    ['a file cut inside a value', cutInside('(0010,0010)'), 'TRUNCATED'],
    [
      'a file cut in an undefined-length item',
      cutInside('(0040,0275)[0]/(0040,0009)'),
      'TRUNCATED',
    ],
  ];
  it.each(cases)('%s gives ok:false, its code, its name and no bytes', (name, bytes, code) => {
    const result = run(bytes, planWith(), { fileName: `${name}.dcm` });
    expect(result).toMatchObject({ ok: false, fileName: `${name}.dcm`, error: { code } });
    expect(result).not.toHaveProperty('bytes');
  });

  // A cut inside a defined-length item makes dicom-parser throw "invalid value for parameter
  // 'maxPosition'": parserFailure must still call it TRUNCATED.
  it('a file cut inside a defined-length item fails as TRUNCATED', () => {
    const bytes = cutInside('(0040,0260)[0]/(0008,0104)');
    expect(run(bytes, planWith(), { fileName: 'cut.dcm' })).toMatchObject({
      ok: false,
      error: { code: 'TRUNCATED' },
    });
  });
});

describe('the residual-PHI scan in the result', () => {
  const withDescription = (description: string) =>
    smallFile(
      TS.explicitLE,
      (b) => {
        b.str(0x00081030, 'LO', description).str(0x00100030, 'DA', '19610312');
      },
      { patientName: 'QUIMBY^ZELDA', patientId: 'PID4711' },
    );

  it('names where a kept value still holds an identifier of the original, never the value', () => {
    const keep = planWith([], { rules: [{ tag: 'StudyDescription', action: 'keep' }] });
    const result = deid(withDescription('CT for Zelda Quimby born 12/03/1961'), keep);
    const kinds = result.residual.filter((h) => h.path === '(0008,1030)').map((h) => h.kind);
    // The whole name, its family part again where it starts anew, and the birth date spelled DMY.
    expect(kinds).toEqual(['patient-name', 'patient-name-family', 'birth-date']);
    expect(result.residual.every((h) => h.keyword === 'StudyDescription')).toBe(true);
    expect(JSON.stringify(result.residual)).not.toMatch(/zelda|quimby|1961/i);
  });

  it('is empty when the profile removed or cleaned what held them', () => {
    expect(deid(withDescription('CT for Zelda Quimby'), planWith()).residual).toEqual([]);
    const cleaned = deid(withDescription('CT for Zelda Quimby'), planWith(['CleanDesc']));
    expect(cleaned.residual).toEqual([]);
    expect(textAt(cleaned.bytes, '(0008,1030)')).toBe('CT for *** ***');
  });
});
