import { describe, expect, it } from 'vitest';
import { FIXTURES, readFixture } from '../../../test/fixtures';
import { dicomFile } from '../../../test/support/dicomBuilder';
import { TS } from '../../../test/support/transferSyntax';
import type { ParsedFile } from './model';
import { parseFile } from './parse';
import { isInstanceSummary, readInstanceSummary, type InstanceSummary } from './parseHeader';
import { readNumbers, readText } from './values';

/** The same attribute read by the full, strict reader: an independent path through the bytes. */
function fullText(file: ParsedFile, tag: number): string {
  const element = file.dataset.elements.find((e) => e.tag === tag);
  if (!element || element.items) return '';
  return readText(file.bytes, element, file.dataset.characterSets).trim();
}

function fullNumber(file: ParsedFile, tag: number): number | undefined {
  const element = file.dataset.elements.find((e) => e.tag === tag);
  if (!element || element.length < 2) return undefined;
  return readNumbers(file.bytes, element, file.transferSyntax.littleEndian)[0];
}

function summaryOf(bytes: Uint8Array, size = bytes.length): InstanceSummary {
  const result = readInstanceSummary(bytes, 'test.dcm', size);
  if (!isInstanceSummary(result)) throw new Error(`${result.code}: ${result.message}`);
  return result;
}

describe('readInstanceSummary on the real fixtures', () => {
  for (const fixture of FIXTURES) {
    it(`${fixture.file}: agrees with the full reader`, () => {
      const bytes = readFixture(fixture.file);
      const summary = summaryOf(bytes);
      const full = parseFile(bytes, fixture.file);
      expect(summary.transferSyntaxUid).toBe(fixture.transferSyntax);
      expect(summary.patientId).toBe(fullText(full, 0x00100020));
      expect(summary.patientName).toBe(fullText(full, 0x00100010));
      expect(summary.studyInstanceUid).toBe(fullText(full, 0x0020000d).replace(/\0+$/, ''));
      expect(summary.seriesInstanceUid).toBe(fullText(full, 0x0020000e).replace(/\0+$/, ''));
      expect(summary.sopInstanceUid).toBe(fullText(full, 0x00080018).replace(/\0+$/, ''));
      expect(summary.modality).toBe(fullText(full, 0x00080060).toUpperCase());
      expect(summary.studyDescription).toBe(fullText(full, 0x00081030));
      expect(summary.rows).toBe(fullNumber(full, 0x00280010));
      expect(summary.columns).toBe(fullNumber(full, 0x00280011));
      const hasPixels = full.dataset.elements.some((e) => e.tag === 0x7fe00010);
      expect(summary.hasPixelData).toBe(hasPixels);
    });
  }

  it('decodes names in their Specific Character Set (Japanese, ISO 2022 escapes)', () => {
    const summary = summaryOf(readFixture('chrH31.dcm'));
    // pydicom's own expectation for this file: 'Yamada^Tarou=山田^太郎=やまだ^たろう'.
    expect(summary.patientName).toBe('Yamada^Tarou=山田^太郎=やまだ^たろう');
  });

  it('reads Number of Frames and flags secondary capture', () => {
    const summary = summaryOf(readFixture('SC_rgb_rle_2frame.dcm'));
    expect(summary.frames).toBe(2);
    expect(summary.burnedInRisks).toContain('secondary-capture');
    expect(summaryOf(readFixture('CT_small.dcm')).burnedInRisks).toEqual([]);
  });

  it('reads big-endian numbers in the right byte order', () => {
    const little = summaryOf(readFixture('MR_small.dcm'));
    const big = summaryOf(readFixture('MR_small_bigendian.dcm'));
    expect(big.rows).toBe(little.rows);
    expect(big.columns).toBe(little.columns);
    expect(big.rows).toBe(64);
  });
});

describe('readInstanceSummary on a prefix', () => {
  it('needs only the header: a prefix that ends inside Pixel Data gives the same summary', () => {
    const bytes = readFixture('CT_small.dcm');
    const full = parseFile(bytes, 'CT_small.dcm');
    const pixels = full.dataset.elements.find((e) => e.tag === 0x7fe00010)!;
    const prefix = bytes.subarray(0, pixels.valueOffset + 10);
    expect(summaryOf(prefix, bytes.length)).toEqual(summaryOf(bytes));
  });

  it('asks for more when the prefix ends inside the header', () => {
    const bytes = readFixture('CT_small.dcm');
    for (const cut of [200, 1000, 2000]) {
      const result = readInstanceSummary(bytes.subarray(0, cut), 'CT_small.dcm', bytes.length);
      expect(isInstanceSummary(result)).toBe(false);
      if (!isInstanceSummary(result)) expect(result.code).toBe('TRUNCATED');
    }
  });

  it('asks for the whole file when the object has no Pixel Data', () => {
    const bytes = readFixture('rtplan.dcm');
    const result = readInstanceSummary(
      bytes.subarray(0, bytes.length - 1),
      'rtplan.dcm',
      bytes.length,
    );
    expect(isInstanceSummary(result) ? 'summary' : result.code).toBe('TRUNCATED');
    expect(summaryOf(bytes).hasPixelData).toBe(false);
  });

  it('asks for the whole file when the dataset is deflated', () => {
    const bytes = readFixture('image_dfl.dcm');
    const result = readInstanceSummary(bytes.subarray(0, 4096), 'image_dfl.dcm', bytes.length);
    expect(isInstanceSummary(result) ? 'summary' : result.code).toBe('TRUNCATED');
  });
});

describe('readInstanceSummary flags and refusals', () => {
  const image = (build: (b: ReturnType<typeof dicomFile>) => void) => {
    const builder = dicomFile(TS.explicitLE)
      .str(0x00080016, 'UI', '1.2.840.10008.5.1.4.1.1.2')
      .str(0x00080018, 'UI', '1.2.3.4');
    build(builder);
    return builder.sort().build();
  };

  it('flags Burned In Annotation YES, ultrasound and screen captures', () => {
    const burned = image((b) => b.str(0x00280301, 'CS', 'YES'));
    expect(summaryOf(burned).burnedInRisks).toEqual(['burned-in-annotation']);
    const us = image((b) => b.str(0x00080060, 'CS', 'US'));
    expect(summaryOf(us).burnedInRisks).toEqual(['ultrasound']);
    const screen = image((b) => b.str(0x00080008, 'CS', ['DERIVED', 'SECONDARY', 'SCREEN SHOT']));
    expect(summaryOf(screen).burnedInRisks).toEqual(['screen-capture']);
    const no = image((b) => b.str(0x00280301, 'CS', 'NO'));
    expect(summaryOf(no).burnedInRisks).toEqual([]);
  });

  it('refuses text and empty files as NOT_DICOM, without quoting them', () => {
    const text = new TextEncoder().encode('Patient: SMITH^JOHN, not an image at all\n'.repeat(10));
    const result = readInstanceSummary(text, 'notes.txt');
    expect(isInstanceSummary(result)).toBe(false);
    if (!isInstanceSummary(result)) {
      expect(result.code).toBe('NOT_DICOM');
      expect(result.message).not.toContain('SMITH');
    }
    const empty = readInstanceSummary(new Uint8Array(0), 'empty.dcm');
    expect(isInstanceSummary(empty) ? 'summary' : empty.code).toBe('NOT_DICOM');
  });
});
