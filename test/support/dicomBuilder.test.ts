import { describe, expect, it } from 'vitest';
import { dcmdump, hasDcmdump } from './dcmdump';
import { readWithDcmjs } from './dcmjsReader';
import { dicomFile, item, TEST_IMPLEMENTATION_CLASS_UID } from './dicomBuilder';
import { TS } from './transferSyntax';

const CT_IMAGE_STORAGE = '1.2.840.10008.5.1.4.1.1.2';
const SOP_INSTANCE = '1.2.3.4.5.6.7'; // 13 characters: padded with one NUL
const PIXELS = new Uint16Array([0x0102, 0x0304, 0xa0b0, 0xfffe]);

/**
 * Every kind of element the builder writes, with sequences four deep mixing defined and undefined
 * lengths, a private block whose elements include a sequence, and 2×2 16-bit pixels.
 */
function sample(transferSyntax: string): Uint8Array {
  return dicomFile(transferSyntax, { sourceApplicationEntityTitle: 'BUILDER_AE' })
    .str(0x00080016, 'UI', CT_IMAGE_STORAGE)
    .str(0x00080018, 'UI', SOP_INSTANCE)
    .str(0x00080060, 'CS', 'CT')
    .num(0x00081161, 'UL', [1, 70000, 4294967295])
    .seq(
      0x00081110,
      [
        (study) =>
          study.str(0x00081150, 'UI', '1.2.840.10008.3.1.2.3.1').seq(
            0x00081115,
            [
              item(
                (series) =>
                  series.seq(
                    0x00081140,
                    [
                      (image) =>
                        image.seq(
                          0x0040a730,
                          [
                            item((content) => content.str(0x0040a123, 'PN', 'DEEP^INNER'), {
                              length: 'undefined',
                            }),
                          ],
                          { length: 'undefined' },
                        ),
                    ],
                    { length: 'defined' },
                  ),
                { length: 'undefined' },
              ),
            ],
            { length: 'undefined' },
          ),
        item((second) => second.str(0x00081155, 'UI', '1.2.3'), { length: 'undefined' }),
      ],
      { length: 'defined' },
    )
    .privateBlock(0x0009, 0x10, 'BUILDER PRIVATE', (p) =>
      p
        .str(0x01, 'LO', 'PRIVATE TEXT')
        .num(0x02, 'UL', 7)
        .seq(0x03, [(i) => i.str(0x00100010, 'PN', 'PRIVATE^NESTED')], { length: 'undefined' }),
    )
    .str(0x00100010, 'PN', 'DOE^JAN') // 7 characters: padded with one space
    .str(0x00100020, 'LO', ['ID1', 'ID22'])
    .num(0x00186060, 'FL', [1.5, -2.25])
    .num(0x00280002, 'US', 1)
    .str(0x00280004, 'CS', 'MONOCHROME2')
    .at(0x00280009, [0x00181063, 0x00540080])
    .num(0x00280010, 'US', 2)
    .num(0x00280011, 'US', 2)
    .num(0x00280100, 'US', 16)
    .num(0x00280101, 'US', 16)
    .num(0x00280102, 'US', 15)
    .num(0x00280103, 'US', 0)
    .num(0x0040a161, 'FD', [Math.PI, -1e300])
    .num(0x0040a162, 'SL', [-2147483648, 2147483647])
    .bin(0x00420011, 'OB', new Uint8Array([1, 2, 3]))
    .num(0x0072007e, 'SS', [-32768, 32767, -1])
    .pixelData([PIXELS])
    .build();
}

const CASES = [
  { name: 'implicit VR little endian', ts: TS.implicitLE, dumpName: 'Little Endian Implicit' },
  { name: 'explicit VR little endian', ts: TS.explicitLE, dumpName: 'Little Endian Explicit' },
  { name: 'explicit VR big endian', ts: TS.explicitBE, dumpName: 'Big Endian Explicit' },
  {
    name: 'deflated explicit VR little endian',
    ts: TS.deflatedLE,
    dumpName: 'Deflated Explicit VR Little Endian',
  },
  { name: 'JPEG baseline (encapsulated)', ts: TS.jpegBaseline, dumpName: 'JPEG Baseline' },
] as const;

const latin1 = (bytes: Uint8Array): string => Buffer.from(bytes).toString('latin1');

describe.each(CASES)('dicomFile in $name', ({ ts, dumpName }) => {
  const bytes = sample(ts);

  it('has a preamble, DICM and a meta group whose length points at the dataset', () => {
    expect(bytes.subarray(0, 128).every((b) => b === 0)).toBe(true);
    expect(latin1(bytes.subarray(128, 132))).toBe('DICM');
    const view = new DataView(bytes.buffer, bytes.byteOffset);
    expect(view.getUint32(132, true)).toBe(0x00000002); // (0002,0000) little endian
    expect(latin1(bytes.subarray(136, 138))).toBe('UL');
    const groupLength = view.getUint32(140, true);
    const datasetStart = 144 + groupLength;
    // The last meta element, (0002,0016) AE 'BUILDER_AE' (8-byte header + 10), ends exactly there.
    expect(view.getUint16(datasetStart - 18, true)).toBe(0x0002);
    expect(view.getUint16(datasetStart - 16, true)).toBe(0x0016);
    if (ts !== TS.deflatedLE) {
      const group = view.getUint16(datasetStart, ts !== TS.explicitBE);
      expect(group).toBe(0x0008);
    }
  });

  it('reads back with dcmjs: meta, strings, numbers, nesting, private block, pixels', () => {
    const file = readWithDcmjs(bytes);
    const meta = file.meta;
    expect(meta['00020010']?.Value).toEqual([ts]);
    expect(meta['00020002']?.Value).toEqual([CT_IMAGE_STORAGE]);
    expect(meta['00020003']?.Value).toEqual([SOP_INSTANCE]);
    expect(meta['00020012']?.Value).toEqual([TEST_IMPLEMENTATION_CLASS_UID]);
    expect(meta['00020016']?.Value).toEqual(['BUILDER_AE']);

    const n = file.natural as Record<string, unknown>;
    expect(n.SOPInstanceUID).toBe(SOP_INSTANCE);
    expect(n.PatientName).toEqual([{ Alphabetic: 'DOE^JAN' }]);
    expect(n.PatientID).toEqual(['ID1', 'ID22']);
    expect(n.SimpleFrameList).toEqual([1, 70000, 4294967295]);
    expect(n.RWaveTimeVector).toEqual([1.5, -2.25]);
    expect(n.FloatingPointValue).toEqual([Math.PI, -1e300]);
    expect(n.RationalNumeratorValue).toEqual([-2147483648, 2147483647]);
    expect(n.SelectorSSValue).toEqual([-32768, 32767, -1]);
    expect(n.Rows).toBe(2);

    const studies = n.ReferencedStudySequence as Record<string, unknown>[];
    expect(studies).toHaveLength(2);
    expect(studies[1]!.ReferencedSOPInstanceUID).toBe('1.2.3');
    const series = studies[0]!.ReferencedSeriesSequence as Record<string, unknown>;
    const images = series.ReferencedImageSequence as Record<string, unknown>;
    const content = images.ContentSequence as Record<string, unknown>;
    expect(content.PersonName).toEqual([{ Alphabetic: 'DEEP^INNER' }]);

    expect(file.dict['00090010']?.Value).toEqual(['BUILDER PRIVATE']);
    const privateText = file.dict['00091001']!;
    if (ts === TS.implicitLE) {
      // No VR on the wire and no private dictionary entry: dcmjs keeps the bytes.
      expect(latin1(new Uint8Array(privateText.Value![0] as ArrayBuffer))).toBe('PRIVATE TEXT');
    } else {
      expect(privateText.Value).toEqual(['PRIVATE TEXT']);
      expect(file.dict['00091002']?.Value).toEqual([7]);
    }

    const pixels = file.dict['7FE00010']!.Value as ArrayBuffer[];
    if (ts === TS.jpegBaseline) {
      expect(pixels).toHaveLength(1); // one frame = one fragment
      expect(new Uint8Array(pixels[0]!)).toEqual(new Uint8Array(PIXELS.buffer));
    } else if (ts !== TS.explicitBE) {
      expect(new Uint16Array(pixels[0]!)).toEqual(PIXELS);
    }
  });

  it.runIf(hasDcmdump())('reads back with dcmdump, with the lengths it was asked for', () => {
    const dump = dcmdump(bytes);
    expect(dump.errors).toEqual([]);
    expect(dump.status).toBe(0);
    const out = dump.stdout;
    expect(out).toContain(`# Used TransferSyntax: ${dumpName}`);
    expect(out).toContain('(0002,0016) AE [BUILDER_AE]');
    expect(out).toContain('(0010,0010) PN [DOE^JAN]'); // dcmdump hides the padding space
    expect(out).toContain('(0010,0020) LO [ID1\\ID22]');
    expect(out).toContain('(0072,007e) SS -32768\\32767\\-1');
    expect(out).toContain('(0040,a162) SL -2147483648\\2147483647');
    expect(out).toContain('(0008,1161) UL 1\\70000\\4294967295');
    expect(out).toContain('(0028,0009) AT (0018,1063)\\(0054,0080)');
    expect(out).toContain('(0009,0010) LO [BUILDER PRIVATE]');
    // Nesting and lengths: four levels of indentation, each with the requested length kind.
    expect(out).toMatch(/^\(0008,1110\) SQ \(Sequence with explicit length #=2\)/m);
    expect(out).toMatch(/^ {2}\(fffe,e000\) na \(Item with explicit length #=2\)/m);
    expect(out).toMatch(/^ {4}\(0008,1115\) SQ \(Sequence with undefined length #=1\)/m);
    expect(out).toMatch(/^ {6}\(fffe,e000\) na \(Item with undefined length #=1\)/m);
    expect(out).toMatch(/^ {8}\(0008,1140\) SQ \(Sequence with explicit length #=1\)/m);
    expect(out).toMatch(/^ {12}\(0040,a730\) SQ \(Sequence with undefined length #=1\)/m);
    expect(out).toMatch(/^ {16}\(0040,a123\) PN \[DEEP\^INNER\]/m);
    expect(out).toMatch(/^ {2}\(fffe,e000\) na \(Item with undefined length #=1\)/m);
    expect(out).toMatch(/^ {4}\(0010,0010\) PN \[PRIVATE\^NESTED\]/m);
    if (ts === TS.jpegBaseline) {
      // Offset table with one entry (0), then the frame as one fragment.
      expect(out).toMatch(/^\(7fe0,0010\) OB \(PixelSequence #=2\)/m);
      expect(out).toMatch(/^ {2}\(fffe,e000\) pi 00\\00\\00\\00 +# +4, 1 Item/m);
      expect(out).toMatch(/^ {2}\(fffe,e000\) pi 02\\01\\04\\03\\b0\\a0\\fe\\ff +# +8/m);
    } else {
      // Words are printed in host order: the same values prove big endian was swapped right.
      expect(out).toContain('(7fe0,0010) OW 0102\\0304\\a0b0\\fffe');
    }
  });
});

describe('dicomFile byte details', () => {
  const findElement = (bytes: Uint8Array, header: number[]): number => {
    outer: for (let i = 0; i + header.length <= bytes.length; i++) {
      for (let j = 0; j < header.length; j++) if (bytes[i + j] !== header[j]) continue outer;
      return i;
    }
    return -1;
  };

  it('pads UI with NUL, text with space, binary with NUL, and writes explicit headers', () => {
    const bytes = dicomFile(TS.explicitLE, { meta: false })
      .str(0x00080018, 'UI', '1.2.3')
      .str(0x00100010, 'PN', 'ABC')
      .bin(0x00420011, 'OB', new Uint8Array([9, 9, 9]))
      .build();
    expect([...bytes]).toEqual([
      ...[0x08, 0x00, 0x18, 0x00, 0x55, 0x49, 6, 0, 0x31, 0x2e, 0x32, 0x2e, 0x33, 0x00],
      ...[0x10, 0x00, 0x10, 0x00, 0x50, 0x4e, 4, 0, 0x41, 0x42, 0x43, 0x20],
      ...[0x42, 0x00, 0x11, 0x00, 0x4f, 0x42, 0, 0, 4, 0, 0, 0, 9, 9, 9, 0],
    ]);
  });

  it('writes implicit VR headers as tag + 32-bit length, big endian headers swapped', () => {
    const implicit = dicomFile(TS.implicitLE, { meta: false }).str(0x00100010, 'PN', 'AB').build();
    expect([...implicit]).toEqual([0x10, 0, 0x10, 0, 2, 0, 0, 0, 0x41, 0x42]);
    const big = dicomFile(TS.explicitBE, { meta: false })
      .num(0x00280010, 'US', 0x0102)
      .bin(0x7fe00010, 'OW', new Uint16Array([0x0a0b]))
      .build();
    expect([...big]).toEqual([
      ...[0, 0x28, 0, 0x10, 0x55, 0x53, 0, 2, 0x01, 0x02],
      ...[0x7f, 0xe0, 0, 0x10, 0x4f, 0x57, 0, 0, 0, 0, 0, 2, 0x0a, 0x0b],
    ]);
  });

  it('writes elements in call order, and sort() puts them in tag order at every depth', () => {
    const build = () =>
      dicomFile(TS.explicitLE)
        .str(0x00100010, 'PN', 'B')
        .seq(0x00081110, [(i) => i.str(0x00081155, 'UI', '1.2').str(0x00081150, 'UI', '1.3')])
        .str(0x00080018, 'UI', '1.2.3');
    const unsorted = build().build();
    const sorted = build().sort().build();
    expect(sorted.length).toBe(unsorted.length);
    const at = (bytes: Uint8Array, tag: number[]) => findElement(bytes, tag);
    const patientName = [0x10, 0x00, 0x10, 0x00];
    const sopInstance = [0x08, 0x00, 0x18, 0x00];
    const refSop = [0x08, 0x00, 0x55, 0x11];
    const refClass = [0x08, 0x00, 0x50, 0x11];
    expect(at(unsorted, patientName)).toBeLessThan(at(unsorted, sopInstance));
    expect(at(unsorted, refSop)).toBeLessThan(at(unsorted, refClass));
    expect(at(sorted, sopInstance)).toBeLessThan(at(sorted, patientName));
    expect(at(sorted, refClass)).toBeLessThan(at(sorted, refSop));
    if (hasDcmdump()) {
      expect(dcmdump(unsorted).stderr).toContain('not in ascending tag order');
      expect(dcmdump(sorted).stderr).not.toContain('not in ascending tag order');
    }
  });

  it('writes a bare dataset with no preamble and no meta', () => {
    const bytes = dicomFile(TS.implicitLE, { meta: false })
      .str(0x00080018, 'UI', '1')
      .str(0x00100010, 'PN', 'X')
      .build();
    expect(bytes.length).toBe(20);
    if (hasDcmdump()) {
      const dump = dcmdump(bytes);
      expect(dump.status).toBe(0);
      expect(dump.stdout).toContain('# Used TransferSyntax: Little Endian Implicit');
      expect(dump.stdout).toContain('(0010,0010) PN [X]');
    }
  });

  it('writes a UN sequence as implicit little endian items even in a big endian file', () => {
    const bytes = dicomFile(TS.explicitBE)
      .privateBlock(0x0011, 0x10, 'UN SEQ', (p) =>
        p.seq(0x01, [(i) => i.str(0x00100010, 'PN', 'IN^UN')], { vr: 'UN' }),
      )
      .build();
    if (!hasDcmdump()) return;
    const dump = dcmdump(bytes);
    expect(dump.errors).toEqual([]);
    expect(dump.stderr).toContain('(0011,1001) with VR UN and undefined length');
    expect(dump.stdout).toMatch(/^ {4}\(0010,0010\) PN \[IN\^UN\]/m);
  });

  it('writes the hostile inputs it is asked for', () => {
    const good = dicomFile(TS.explicitLE).str(0x00100010, 'PN', 'DOE^JOHN').build();
    const truncated = good.subarray(0, good.length - 3);
    const tooLong = dicomFile(TS.explicitLE)
      .str(0x00100010, 'PN', 'DOE', { declaredLength: 400 })
      .build();
    const undefinedOB = dicomFile(TS.explicitLE)
      .bin(0x00420011, 'OB', new Uint8Array(4), { declaredLength: 0xffffffff })
      .build();
    const garbage = dicomFile(TS.explicitLE)
      .raw(new Uint8Array([0x10, 0x00, 0x10, 0x00, 0x50, 0x4e, 0xff, 0xff]))
      .build();
    expect(good.length - tooLong.length).toBe(4); // 'DOE ' instead of 'DOE^JOHN', same header
    const lengthOf = (bytes: Uint8Array) =>
      new DataView(bytes.buffer).getUint16(bytes.length - 6, true);
    expect(lengthOf(tooLong)).toBe(400);
    if (!hasDcmdump()) return;
    for (const hostile of [truncated, tooLong, undefinedOB, garbage]) {
      const dump = dcmdump(hostile);
      expect(dump.status).not.toBe(0);
      expect(dump.errors.length).toBeGreaterThan(0);
    }
  });

  it('writes a given (wrong) offset table and declared transfer syntax verbatim', () => {
    const bytes = dicomFile(TS.jpegBaseline, { declaredTransferSyntax: TS.rle })
      .fragments(0x7fe00010, [new Uint8Array([1, 2, 3]), new Uint8Array([4, 5])], {
        offsets: [0, 999],
      })
      .build();
    if (!hasDcmdump()) return;
    const dump = dcmdump(bytes);
    expect(dump.stdout).toContain('=RLELossless');
    expect(dump.stdout).toMatch(/pi 00\\00\\00\\00\\e7\\03\\00\\00/);
    expect(dump.stdout).toMatch(/pi 01\\02\\03\\00 +# +4/);
  });
});
