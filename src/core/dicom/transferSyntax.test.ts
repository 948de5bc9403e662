// Encapsulated transfer syntaxes Veil does not decode but must carry through: their fragments are
// copied, and only the header is de-identified. One file per syntax, built the same way.
import { describe, expect, it } from 'vitest';
import { dicomFile } from '../../../test/support/dicomBuilder';
import { deid, planWith, run } from '../../../test/support/deid';
import { parseFile } from './parse';
import { readStringValues } from './values';
import { supportedTransferSyntax, transferSyntax } from './transferSyntax';

const ADDED = [
  '1.2.840.10008.1.2.4.52',
  '1.2.840.10008.1.2.4.55',
  '1.2.840.10008.1.2.4.66',
  '1.2.840.10008.1.2.4.110',
  '1.2.840.10008.1.2.4.111',
  '1.2.840.10008.1.2.4.112',
  '1.2.840.10008.1.2.4.203',
  '1.2.840.10008.1.2.1.98',
  '1.2.840.10008.1.2.8.1',
];

const fragments = [new Uint8Array(40).fill(0xa5), new Uint8Array(22).fill(0x5a)];

function imageIn(uid: string): Uint8Array {
  return dicomFile(uid)
    .str(0x00080016, 'UI', '1.2.840.10008.5.1.4.1.1.7')
    .str(0x00080018, 'UI', '1.2.826.0.1.3680043.2.1143.88.1')
    .str(0x00100010, 'PN', 'ZZTSFAMILY^ZZGIVEN')
    .str(0x00100020, 'LO', 'ZZTSPID')
    .str(0x00280008, 'IS', '2')
    .fragments(0x7fe00010, fragments)
    .sort()
    .build();
}

describe.each(ADDED.map((uid) => [uid] as const))('transfer syntax %s', (uid) => {
  it('is known as encapsulated explicit VR little endian', () => {
    expect(transferSyntax(uid)).toMatchObject({ explicitVr: true, littleEndian: true });
    expect(transferSyntax(uid)?.encapsulated).toBe(true);
  });

  it('is de-identified with its fragments copied byte for byte and its syntax kept', () => {
    const input = imageIn(uid);
    const result = deid(input, planWith(), { fileName: 'ts.dcm' });
    const before = parseFile(input, 'in.dcm');
    const after = parseFile(result.bytes, 'out.dcm');
    const pixels = (f: typeof before) => f.dataset.elements.find((e) => e.tag === 0x7fe00010)!;
    const a = pixels(before);
    const b = pixels(after);
    expect(Buffer.from(result.bytes.subarray(b.start, b.end))).toEqual(
      Buffer.from(input.subarray(a.start, a.end)),
    );
    const syntax = after.meta.elements.find((e) => e.tag === 0x00020010)!;
    expect(readStringValues(result.bytes, syntax)[0]).toBe(uid);
    expect(new TextDecoder('latin1').decode(result.bytes)).not.toMatch(/ZZTS/);
  });
});

describe('a transfer syntax Veil does not know', () => {
  it('is refused with its standard UID named, and a non-standard one not quoted', () => {
    expect(() => supportedTransferSyntax('1.2.840.10008.1.2.4.999', 'a.dcm')).toThrow(
      /1\.2\.840\.10008\.1\.2\.4\.999 is not supported/,
    );
    expect(() => supportedTransferSyntax('DOE^JOHN', 'a.dcm')).toThrow(/not a standard one/);
    const input = dicomFile('1.2.840.10008.1.2.4.999')
      .str(0x00080016, 'UI', '1.2.840.10008.5.1.4.1.1.7')
      .str(0x00080018, 'UI', '1.2.826.0.1.3680043.2.1143.88.2')
      .fragments(0x7fe00010, fragments)
      .sort()
      .build();
    const result = run(input, planWith());
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error.code).toBe('UNSUPPORTED_TRANSFER_SYNTAX');
  });
});
