// Shapes that real archives produce and that a de-identifier meets on its first day: standard
// attributes written as UN, data already anonymised once, objects that name their instance only in
// the file meta, and the DICOMDIR of a CD. Real files from pydicom's test data where one exists,
// hand-built ones otherwise.
import { describe, expect, it } from 'vitest';
import { readFixture } from '../../../test/fixtures';
import { ascii, concat, explicitElement, implicitElement } from '../../../test/support/bytes';
import { dicomFile, item } from '../../../test/support/dicomBuilder';
import { deid, planWith, run, smallFile } from '../../../test/support/deid';
import { parseFile } from '../dicom/parse';
import { readInstanceSummary } from '../dicom/parseHeader';
import { EXPLICIT_VR_LE, IMPLICIT_VR_LE } from '../dicom/transferSyntax';
import { readStringValues, readText } from '../dicom/values';
import { parsePseudonymCsv } from './pseudonymTable';

const plan = planWith();

function topElement(bytes: Uint8Array, tag: number) {
  const file = parseFile(bytes, 'out.dcm');
  const element = file.dataset.elements.find((e) => e.tag === tag);
  if (!element) return undefined;
  const fileVr = String.fromCharCode(
    file.bytes[element.start + 4]!,
    file.bytes[element.start + 5]!,
  );
  return { element, fileVr, text: readText(file.bytes, element, file.dataset.characterSets) };
}

describe('standard attributes written with VR UN (rtdose_rle.dcm)', () => {
  const input = readFixture('rtdose_rle.dcm');
  const result = deid(input, plan, { fileName: 'rtdose_rle.dcm' });

  it('are read as their dictionary VR: UIDs remapped, not emptied', () => {
    const before = topElement(input, 0x00080018)!;
    expect(before.fileVr).toBe('UN');
    const after = topElement(result.bytes, 0x00080018)!;
    expect(after.fileVr).toBe('UI');
    expect(after.text).toBe(result.identity.sopInstanceUid);
    expect(after.text).toMatch(/^2\.25\.\d+$/);
    const study = topElement(result.bytes, 0x0020000d)!;
    expect(study.text).toMatch(/^2\.25\.\d+$/);
    expect(result.counts['uid-remapped']).toBeGreaterThanOrEqual(3);
  });

  it('write a replaced value back with its proper VR', () => {
    const name = topElement(result.bytes, 0x00100010)!;
    expect(topElement(input, 0x00100010)!.fileVr).toBe('UN');
    expect(name.fileVr).toBe('PN');
    expect(name.text).toBe(result.identity.patientPseudonym);
  });

  it('copies a UN element nothing changed as it was', () => {
    // SOP Class UID is kept by the profile: same bytes, same UN header.
    const before = topElement(input, 0x00080016)!;
    const after = topElement(result.bytes, 0x00080016)!;
    expect(after.fileVr).toBe('UN');
    expect(after.text).toBe(before.text);
  });
});

describe('data that was anonymised once already (ExplVR_BigEnd.dcm, PatientName "Anonymized")', () => {
  const result = deid(readFixture('ExplVR_BigEnd.dcm'), plan, { fileName: 'ExplVR_BigEnd.dcm' });

  it('is de-identified: our own placeholder is not mistaken for the patient', () => {
    expect(topElement(result.bytes, 0x00080080)!.text).toBe('ANONYMIZED');
    expect(topElement(result.bytes, 0x00100010)!.text).toBe(result.identity.patientPseudonym);
    expect(result.residual).toEqual([]);
  });

  it('still fails closed when the name survives anywhere but in a placeholder of ours', () => {
    // Only a whole value equal to our dummy is exempt: a kept description holding the name is not.
    const bytes = smallFile(
      EXPLICIT_VR_LE,
      (b) => b.str(0x00080080, 'LO', 'ZZ HOSPITAL').str(0x00081030, 'LO', 'Anonymized study'),
      { patientName: 'Anonymized' },
    );
    expect(run(bytes, plan).ok).toBe(true);
    const keep = planWith([], { rules: [{ tag: 'StudyDescription', action: 'keep' }] });
    const result = run(bytes, keep);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error.code).toBe('POST_CHECK_FAILED');
  });
});

// nibabel's test files (Siemens MR, csa_slice_norm.dcm and decimal_rescale.dcm) look like this:
// PatientName and PatientID `Anon`, birth date 19000101, creation and series dates 19000101.
describe('data anonymised once already with "Anon" and 19000101', () => {
  const bytes = smallFile(
    EXPLICIT_VR_LE,
    (b) =>
      b
        .str(0x00080012, 'DA', '19000101')
        .str(0x00080021, 'DA', '19000101')
        .str(0x00100030, 'DA', '19000101'),
    { patientName: 'Anon', patientId: 'Anon' },
  );

  it('is de-identified: "Anon" inside our pseudonym ANON-… is no trace of the patient', () => {
    const result = deid(bytes, plan);
    expect(result.identity.patientPseudonym.toLowerCase()).toContain('anon');
    expect(topElement(result.bytes, 0x00100010)!.text).toBe(result.identity.patientPseudonym);
    expect(topElement(result.bytes, 0x00100020)!.text).toBe(result.identity.patientPseudonym);
  });

  it('is not flagged as residual: our dummy date 19000101 is not the birth date', () => {
    const result = deid(bytes, plan);
    expect(topElement(result.bytes, 0x00080012)!.text).toBe('19000101');
    expect(result.residual).toEqual([]);
  });

  it('still flags the date and fails closed on "Anon" anywhere but in our own values', () => {
    const keepSeries = planWith([], { rules: [{ tag: 'SeriesDescription', action: 'keep' }] });
    const dated = smallFile(
      EXPLICIT_VR_LE,
      (b) => b.str(0x00100030, 'DA', '19000101').str(0x0008103e, 'LO', 'HEAD 19000101'),
      { patientName: 'Anon', patientId: 'Anon' },
    );
    expect(deid(dated, keepSeries).residual.map((hit) => [hit.tag, hit.kind])).toEqual([
      ['(0008,103E)', 'birth-date'],
    ]);
    const named = smallFile(EXPLICIT_VR_LE, (b) => b.str(0x0008103e, 'LO', 'Anon head'), {
      patientName: 'Anon',
      patientId: 'Anon',
    });
    const result = run(named, keepSeries);
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.error.code).toBe('POST_CHECK_FAILED');
      expect(result.error.message).toContain('(0008,103E)');
    }
  });

  it('exempts only the keyed pseudonym: a name from a pseudonym table is checked', () => {
    // The person's own table maps the patient to a name that holds the original: a leak.
    const table = parsePseudonymCsv(
      'original_patient_id,pseudonym_id,pseudonym_name\nAnon,SUBJ-001,ANON^SUBJECT\n',
    );
    const result = run(bytes, planWith([], { pseudonyms: { kind: 'table' } }), {
      pseudonymTable: table,
    });
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.error.code).toBe('POST_CHECK_FAILED');
      expect(result.error.message).toContain('(0010,0010)');
    }
  });
});

describe('an object that names its instance only in the file meta', () => {
  const bytes = dicomFile(EXPLICIT_VR_LE, {
    mediaStorageSopInstanceUid: '1.2.826.0.1.3680043.2.1143.9.9',
  })
    .str(0x00080016, 'UI', '1.2.840.10008.5.1.4.1.1.7')
    .str(0x00100010, 'PN', 'DOE^JANE')
    .str(0x00100020, 'LO', 'ZZID')
    .sort()
    .build();

  it('gets a remapped meta UID and a warning, not a refusal', () => {
    const result = deid(bytes, plan);
    const meta = parseFile(result.bytes, 'out.dcm').meta.elements.find(
      (e) => e.tag === 0x00020003,
    )!;
    const uid = readStringValues(result.bytes, meta)[0];
    expect(uid).toBe(result.identity.sopInstanceUid);
    expect(uid).toMatch(/^2\.25\.\d+$/);
    expect(uid).not.toBe('1.2.826.0.1.3680043.2.1143.9.9');
    expect(result.warnings.map((w) => w.code)).toContain('NO_SOP_INSTANCE_UID');
    expect(topElement(result.bytes, 0x00080018)).toBeUndefined();
  });

  it('keeps the meta UID as it is under Retain UIDs', () => {
    const result = deid(bytes, planWith(['RetainUIDs']));
    expect(result.identity.sopInstanceUid).toBe('1.2.826.0.1.3680043.2.1143.9.9');
  });

  it('is refused when neither the dataset nor the meta names it', () => {
    const bare = dicomFile(EXPLICIT_VR_LE)
      .str(0x00080016, 'UI', '1.2.840.10008.5.1.4.1.1.7')
      .str(0x00100020, 'LO', 'ZZID')
      .sort()
      .build();
    const result = run(bare, plan);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error.code).toBe('UNSUPPORTED');
  });
});

describe('a DICOMDIR', () => {
  const dicomdir = (ts: string) =>
    dicomFile(ts, {
      mediaStorageSopClassUid: '1.2.840.10008.1.3.10',
      mediaStorageSopInstanceUid: '1.2.3.4',
    })
      .str(0x00041130, 'CS', 'ZZCD')
      .num(0x00041200, 'UL', 0)
      .num(0x00041202, 'UL', 0)
      .num(0x00041212, 'US', 0)
      .seq(0x00041220, [
        item((i) =>
          i
            .str(0x00041430, 'CS', 'PATIENT')
            .str(0x00100010, 'PN', 'DOE^JANE')
            .str(0x00100020, 'LO', 'ZZID'),
        ),
      ])
      .build();

  it.each([EXPLICIT_VR_LE, IMPLICIT_VR_LE])(
    'is left out by the engine, with a reason (%s)',
    (ts) => {
      const result = run(dicomdir(ts), plan, { fileName: 'CD/DICOMDIR-copy' });
      expect(result.ok).toBe(false);
      if (result.ok) return;
      expect(result.error.code).toBe('DICOMDIR');
      expect(result.error.fileName).toBe('CD/DICOMDIR-copy');
      expect(result.error.message).not.toMatch(/DOE|ZZID|ZZCD/);
    },
  );

  it('is known at import whatever its name', () => {
    const summary = readInstanceSummary(dicomdir(EXPLICIT_VR_LE), 'renamed.dcm');
    expect(summary).toMatchObject({ code: 'DICOMDIR', fileName: 'renamed.dcm' });
  });

  it('is not confused with an image that carries a directory attribute inside a sequence', () => {
    const bytes = smallFile(EXPLICIT_VR_LE, (b) =>
      b.seq(0x00081115, [item((i) => i.str(0x00041511, 'UI', '1.2.3.4.5'))]),
    );
    expect(run(bytes, plan).ok).toBe(true);
  });
});

describe('Clean Descriptors on text in an ISO 2022 multi-byte character set', () => {
  // 山田 (JIS X 0208 0x3B33 0x4544) and 頭部 (0x462C 0x4974) between ESC $ B and ESC ( B, as
  // Japanese values are written; every byte is in the ASCII range, so the builder's strings carry it.
  const yamada = '\x1b$B;3ED\x1b(B';
  const head = '\x1b$BF,It\x1b(B';
  const input = smallFile(
    EXPLICIT_VR_LE,
    (b) =>
      b
        .str(0x00080005, 'CS', ['', 'ISO 2022 IR 87'])
        .str(0x00081030, 'LO', `CT ${yamada} ${head}`)
        .str(0x0008103e, 'LO', `SERIES ${yamada}`),
    { patientName: `Yamada^Tarou=${yamada}` },
  );
  const result = deid(input, planWith(['CleanDesc']));

  it('cleans a two-character Japanese family name out of free text', () => {
    expect(topElement(result.bytes, 0x0008103e)!.text).toBe('SERIES ***');
    expect(result.residual).toEqual([]);
  });

  it('empties a cleaned value it cannot write back, with a warning, instead of failing the file', () => {
    expect(topElement(result.bytes, 0x00081030)!.element.length).toBe(0);
    const emptied = result.warnings.filter((w) => w.code === 'CLEAN_EMPTIED');
    expect(emptied.map((w) => w.path)).toEqual(['(0008,1030)']);
  });

  it('keeps failing loudly when a value the person chose cannot be written', () => {
    const rules = [{ tag: 'StudyDescription', action: 'replace' as const, value: '山田 study' }];
    const failed = run(input, planWith([], { rules }));
    expect(failed.ok).toBe(false);
    if (!failed.ok) expect(failed.error.code).toBe('ENCODE_FAILED');
  });
});

describe('a standard sequence written as UN with a defined length', () => {
  // Implicit VR little endian inside, as PS3.5 §6.2.2 says a UN sequence is encoded.
  const even = (text: string) => ascii(text.length % 2 ? `${text} ` : text);
  const uid = '1.2.826.0.1.3680043.2.1143.99.7';
  const itemBody = concat(
    implicitElement(0x00081155, ascii(`${uid}\0`)),
    implicitElement(0x0040a040, even('PNAME')),
    implicitElement(0x0040a123, even('ZZNESTED^PERSON')),
  );
  const ITEM = 0xfffee000;
  const contentAsUn = (value: Uint8Array) =>
    explicitElement(0x0040a730, 'UN', value, { long: true });
  const input = smallFile(EXPLICIT_VR_LE, (b) =>
    b.raw(contentAsUn(implicitElement(ITEM, itemBody)), 0x0040a730),
  );

  it('has its items read, so the profile reaches inside: UIDs remapped, the name gone', () => {
    const result = deid(input, plan);
    const out = parseFile(result.bytes, 'out.dcm');
    const content = out.dataset.elements.find((e) => e.tag === 0x0040a730)!;
    expect(content.vr).toBe('UN');
    expect(content.items).toHaveLength(1);
    const inner = content.items![0]!.dataset.elements;
    const ref = inner.find((e) => e.tag === 0x00081155)!;
    const remapped = readStringValues(result.bytes, ref)[0];
    expect(remapped).toMatch(/^2\.25\.\d+$/);
    expect(new TextDecoder('latin1').decode(result.bytes)).not.toMatch(/ZZNESTED|1143\.99\.7/);
    const changed = result.changes.map((c) => c.path);
    expect(changed).toContain('(0040,A730)[0]/(0008,1155)');
  });

  it('is read no further than its own value when an item lacks its delimiter', () => {
    // An undefined-length item with no item delimitation: dicom-parser would read on to the end.
    const open = implicitElement(ITEM, itemBody, 0xffffffff);
    const file = parseFile(
      smallFile(EXPLICIT_VR_LE, (b) =>
        b.raw(contentAsUn(open), 0x0040a730).str(0x0040a731, 'LO', 'AFTER'),
      ),
      'open.dcm',
    );
    const content = file.dataset.elements.find((e) => e.tag === 0x0040a730)!;
    expect(content.items).toBeUndefined();
    expect(content.length).toBe(open.length);
    expect(file.dataset.elements.at(-1)!.tag).toBe(0x0040a731);
  });

  it('stays one opaque value when it does not read as items', () => {
    const notItems = new Uint8Array([1, 2, 3, 4, 5, 6, 7, 8]);
    const file = parseFile(
      smallFile(EXPLICIT_VR_LE, (b) => b.raw(contentAsUn(notItems), 0x0040a730)),
      'opaque.dcm',
    );
    const content = file.dataset.elements.find((e) => e.tag === 0x0040a730)!;
    expect(content.items).toBeUndefined();
    expect(content.length).toBe(8);
  });
});

describe('a chosen value with characters the file has no character set for', () => {
  const rules = [{ tag: 'StudyDescription', action: 'replace' as const, value: 'Étude Zoë 山田' }];
  const charsetOf = (bytes: Uint8Array) => topElement(bytes, 0x00080005)?.text;

  it('is written in UTF-8, and the file declared ISO_IR 192, when all its text is ASCII', () => {
    const input = smallFile(EXPLICIT_VR_LE, (b) => b.str(0x00081030, 'LO', 'CHEST'));
    expect(charsetOf(input)).toBeUndefined();
    const result = deid(input, planWith([], { rules }));
    expect(charsetOf(result.bytes)).toBe('ISO_IR 192');
    expect(topElement(result.bytes, 0x00081030)!.text).toBe('Étude Zoë 山田');
    expect(result.changes.find((c) => c.path === '(0008,0005)')).toMatchObject({
      kind: 'added',
      after: 'ISO_IR 192',
    });
  });

  it('replaces a declared default repertoire the same way', () => {
    const input = smallFile(EXPLICIT_VR_LE, (b) =>
      b.str(0x00080005, 'CS', 'ISO_IR 6').str(0x00081030, 'LO', 'CHEST'),
    );
    const result = deid(input, planWith([], { rules }));
    expect(charsetOf(result.bytes)).toBe('ISO_IR 192');
    const declaration = result.changes.filter((c) => c.path === '(0008,0005)');
    expect(declaration).toMatchObject([
      { kind: 'replaced', before: 'ISO_IR 6', after: 'ISO_IR 192' },
    ]);
    expect(deid(input, planWith([], { rules }), { detail: 'counts' }).counts).toEqual(
      result.counts,
    );
  });

  it('still fails when other text of the file is not ASCII, or a set is declared', () => {
    // Undeclared Latin-1 bytes (common in the wild) would change meaning under UTF-8.
    const latin1 = smallFile(EXPLICIT_VR_LE, (b) => b.str(0x00081030, 'LO', 'CHEST Müller'));
    const declared = smallFile(EXPLICIT_VR_LE, (b) =>
      b.str(0x00080005, 'CS', 'ISO_IR 100').str(0x00081030, 'LO', 'CHEST'),
    );
    for (const input of [latin1, declared]) {
      const result = run(input, planWith([], { rules }));
      expect(result.ok).toBe(false);
      if (!result.ok) expect(result.error.code).toBe('ENCODE_FAILED');
    }
  });

  it('keeps a Latin-1 value in a Latin-1 file as it was', () => {
    const declared = smallFile(EXPLICIT_VR_LE, (b) =>
      b.str(0x00080005, 'CS', 'ISO_IR 100').str(0x00081030, 'LO', 'CHEST'),
    );
    const latin = [{ tag: 'StudyDescription', action: 'replace' as const, value: 'Étude Zoë' }];
    const result = deid(declared, planWith([], { rules: latin }));
    expect(charsetOf(result.bytes)).toBe('ISO_IR 100');
    expect(topElement(result.bytes, 0x00081030)!.text).toBe('Étude Zoë');
  });
});
