// What the top-level loop (parseTopLevel.ts) adds to dicom-parser: the 64-bit VRs (OV, SV, UV),
// which dicom-parser 1.8 misreads (an Extended Offset Table as modern multi-frame and whole-slide
// images carry it, a private UV in big endian), and zero padding after the last element.
import { describe, expect, it } from 'vitest';
import { dicomFile } from '../../../test/support/dicomBuilder';
import { dcmdump, hasDcmdump } from '../../../test/support/dcmdump';
import { deid, planWith, requireTool, run } from '../../../test/support/deid';
import { TS } from '../../../test/support/transferSyntax';
import { parseFile } from './parse';
import { readInstanceSummary } from './parseHeader';

const SC = '1.2.840.10008.5.1.4.1.1.7';
const frames = [new Uint8Array(64).fill(0x11), new Uint8Array(96).fill(0x22)];

/** Little-endian uint64 values, as an OV value holds them. */
function uint64s(values: readonly number[]): Uint8Array {
  const out = new Uint8Array(values.length * 8);
  const view = new DataView(out.buffer);
  values.forEach((v, i) => view.setBigUint64(i * 8, BigInt(v), true));
  return out;
}

describe('Extended Offset Table (7FE0,0001) and its lengths (7FE0,0002), VR OV', () => {
  const offsets = [0, 8 + frames[0]!.length];
  const lengths = frames.map((f) => f.length);
  const input = dicomFile(TS.rle)
    .str(0x00080016, 'UI', SC)
    .str(0x00080018, 'UI', '1.2.826.0.1.3680043.2.1143.77.1')
    .str(0x00100010, 'PN', 'ZZEOTFAMILY^ZZGIVEN')
    .str(0x00100020, 'LO', 'ZZEOTPID')
    .num(0x00280002, 'US', 1)
    .str(0x00280008, 'IS', '2')
    .num(0x00280010, 'US', 8)
    .num(0x00280011, 'US', 8)
    .num(0x00280100, 'US', 8)
    .bin(0x7fe00001, 'OV', uint64s(offsets))
    .bin(0x7fe00002, 'OV', uint64s(lengths))
    .fragments(0x7fe00010, frames, { offsets: 'empty' })
    .sort()
    .build();

  it('is read: both OV elements have their true lengths, and the pixel data follows', () => {
    const file = parseFile(input, 'eot.dcm');
    const eot = file.dataset.elements.find((e) => e.tag === 0x7fe00001)!;
    const eotLengths = file.dataset.elements.find((e) => e.tag === 0x7fe00002)!;
    expect(eot).toMatchObject({ vr: 'OV', length: 16, valueOffset: eot.start + 12 });
    expect(eotLengths).toMatchObject({ vr: 'OV', length: 16, start: eot.end });
    const pixels = file.dataset.elements.find((e) => e.tag === 0x7fe00010)!;
    expect(pixels).toMatchObject({ encapsulated: true, start: eotLengths.end });
  });

  it('is de-identified: the table and the pixel data are kept byte for byte', () => {
    const result = deid(input, planWith(), { fileName: 'eot.dcm' });
    const out = parseFile(result.bytes, 'out.dcm');
    for (const tag of [0x7fe00001, 0x7fe00002, 0x7fe00010]) {
      const before = parseFile(input, 'eot.dcm').dataset.elements.find((e) => e.tag === tag)!;
      const after = out.dataset.elements.find((e) => e.tag === tag)!;
      expect(Buffer.from(result.bytes.subarray(after.start, after.end))).toEqual(
        Buffer.from(input.subarray(before.start, before.end)),
      );
    }
    expect(new TextDecoder().decode(result.bytes)).not.toMatch(/ZZEOT/);
  });

  it('is read by the import header reader', () => {
    expect(readInstanceSummary(input, 'eot.dcm')).toMatchObject({ sopClassUid: SC });
  });

  it('reads back in dcmdump as OV elements', ({ skip }) => {
    requireTool(skip, 'dcmdump', hasDcmdump());
    const result = deid(input, planWith(), { fileName: 'eot.dcm' });
    const dump = dcmdump(result.bytes);
    expect(dump.errors).toEqual([]);
    expect(dump.stdout).toMatch(/\(7fe0,0001\) OV/);
    expect(dump.stdout).toMatch(/\(7fe0,0002\) OV/);
  });
});

describe('a private UV element at the top level of a big endian file', () => {
  const input = dicomFile(TS.explicitBE)
    .str(0x00080016, 'UI', SC)
    .str(0x00080018, 'UI', '1.2.826.0.1.3680043.2.1143.77.2')
    .str(0x00100010, 'PN', 'ZZEOTFAMILY')
    .str(0x00090010, 'LO', 'ZZ PRIVATE CREATOR')
    .bin(0x00091001, 'UV', new Uint8Array([0, 0, 0, 0, 0, 0, 0, 7]))
    .str(0x00100020, 'LO', 'ZZEOTPID')
    .sort()
    .build();

  it('is read with its 4-byte length, and removed with the private block', () => {
    const file = parseFile(input, 'uv.dcm');
    expect(file.dataset.elements.find((e) => e.tag === 0x00091001)).toMatchObject({
      vr: 'UV',
      length: 8,
    });
    const result = run(input, planWith(), { fileName: 'uv.dcm' });
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    const out = parseFile(result.bytes, 'out.dcm');
    expect(out.dataset.elements.some((e) => e.tag >>> 16 === 0x0009)).toBe(false);
  });
});

describe('an undefined length on a 64-bit VR', () => {
  it('fails closed with a structural error', () => {
    const input = dicomFile(TS.explicitLE)
      .str(0x00080016, 'UI', SC)
      .str(0x00080018, 'UI', '1.2.826.0.1.3680043.2.1143.77.3')
      .bin(0x7fe00001, 'OV', new Uint8Array(8), { declaredLength: 0xffffffff })
      .sort()
      .build();
    const result = run(input, planWith(), { fileName: 'bad.dcm' });
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error.code).toBe('BAD_STRUCTURE');
  });
});

describe('zero bytes after the last element (padding to a block size)', () => {
  const padded = (ts: string, zeros: number) => {
    const file = dicomFile(ts)
      .str(0x00080016, 'UI', SC)
      .str(0x00080018, 'UI', '1.2.826.0.1.3680043.2.1143.77.4')
      .str(0x00100010, 'PN', 'ZZPADFAMILY')
      .str(0x00100020, 'LO', 'ZZPADPID')
      .bin(0x7fe00010, 'OW', new Uint8Array(32).fill(0)) // pixel data that itself ends in zeros
      .sort()
      .build();
    const out = new Uint8Array(file.length + zeros);
    out.set(file);
    return { file, bytes: out };
  };

  it.each([TS.explicitLE, TS.implicitLE, TS.explicitBE])(
    'ends the dataset, with a warning, and is not written out (%s)',
    (ts) => {
      const { file, bytes } = padded(ts, 300);
      const parsed = parseFile(bytes, 'padded.dcm');
      const pixels = parsed.dataset.elements.at(-1)!;
      expect(pixels).toMatchObject({ tag: 0x7fe00010, length: 32, end: file.length });
      expect(parsed.warnings).toContain(
        '300 zero bytes after the dataset (padding, no element) were left out',
      );
      const result = deid(bytes, planWith(), { fileName: 'padded.dcm' });
      const out = parseFile(result.bytes, 'out.dcm');
      expect(out.warnings.some((w) => w.includes('zero bytes'))).toBe(false);
      expect(result.warnings.some((w) => w.code === 'READ' && w.message.includes('300'))).toBe(
        true,
      );
      expect(readInstanceSummary(bytes, 'padded.dcm')).toMatchObject({ sopClassUid: SC });
    },
  );

  it('is not taken for padding when a non-zero byte follows', () => {
    const { bytes } = padded(TS.explicitLE, 300);
    bytes[bytes.length - 1] = 1;
    const result = run(bytes, planWith(), { fileName: 'garbage.dcm' });
    expect(result.ok).toBe(false);
  });
});
