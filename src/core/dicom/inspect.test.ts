import { describe, expect, it } from 'vitest';
import { FIXTURES, readFixture } from '../../../test/fixtures';
import { dcmdump, hasDcmdump } from '../../../test/support/dcmdump';
import { inspectElements, type InspectNode } from './inspect';

const inspect = (file: string): InspectNode[] => inspectElements(readFixture(file), file);

const find = (nodes: readonly InspectNode[], tag: string): InspectNode => {
  const node = nodes.find((n) => n.tag === tag);
  if (!node) throw new Error(`${tag} not found`);
  return node;
};

/** `depth tag` lines for every element, items walked in order (item headers themselves left out). */
function outline(nodes: readonly InspectNode[], depth = 0): string[] {
  return nodes.flatMap((node) => [
    `${depth} ${node.tag}`,
    ...(node.children ?? []).flatMap((item) => outline(item, depth + 1)),
  ]);
}

/** The same outline from dcmdump: two spaces of indent per level, item and delimiter lines dropped. */
function dcmdumpOutline(bytes: Uint8Array): string[] {
  // +uc: a defined-length UN on a known tag is read as its real VR, sequences included, as Veil does.
  const { stdout } = dcmdump(bytes, ['+uc']);
  return stdout
    .split('\n')
    .map((line) => /^( *)\(([0-9a-f]{4}),([0-9a-f]{4})\)/i.exec(line))
    .filter((match): match is RegExpExecArray => match !== null)
    .filter((match) => match[2]!.toLowerCase() !== 'fffe')
    .map((match) => `${match[1]!.length / 4} (${match[2]},${match[3]})`.toUpperCase());
}

describe('inspectElements', () => {
  it('lists the file meta group first, then the dataset, with decoded values', () => {
    const nodes = inspect('CT_small.dcm');
    expect(nodes[0]).toMatchObject({
      tag: '(0002,0000)',
      keyword: 'FileMetaInformationGroupLength',
    });
    expect(find(nodes, '(0002,0010)').value).toBe('1.2.840.10008.1.2.1');
    expect(find(nodes, '(0010,0010)')).toMatchObject({
      path: '(0010,0010)',
      keyword: 'PatientName',
      vr: 'PN',
      value: 'CompressedSamples^CT1',
      length: 22,
    });
    expect(find(nodes, '(0028,0010)')).toMatchObject({ keyword: 'Rows', vr: 'US', value: '128' });
    // Empty values have no display text, but keep their length.
    expect(find(nodes, '(0008,0050)')).toMatchObject({ keyword: 'AccessionNumber', length: 0 });
    expect(find(nodes, '(0008,0050)').value).toBeUndefined();
    // Pixel data is summarised, never decoded.
    expect(find(nodes, '(7FE0,0010)').value).toBe('32768 bytes');
  });

  it('walks sequence items with paths in the Change syntax', () => {
    const sequence = find(inspect('CT_small.dcm'), '(0010,1002)');
    expect(sequence).toMatchObject({
      keyword: 'OtherPatientIDsSequence',
      vr: 'SQ',
      value: '2 items',
    });
    expect(sequence.children).toHaveLength(2);
    const second = sequence.children![1]!;
    expect(find(second, '(0010,0020)')).toMatchObject({
      path: '(0010,1002)[1]/(0010,0020)',
      keyword: 'PatientID',
      value: '1234ABCD',
    });
    expect(find(second, '(0010,0022)').value).toBe('TEXT');
  });

  it('names the creator of every private element, looked up in its own block', () => {
    const nodes = inspect('CT_small.dcm');
    expect(find(nodes, '(0009,0010)')).toMatchObject({
      keyword: 'PrivateCreator',
      value: 'GEMS_IDEN_01',
      privateCreator: 'GEMS_IDEN_01',
    });
    expect(find(nodes, '(0009,1001)')).toMatchObject({
      keyword: '',
      value: 'GE_GENESIS_FF',
      privateCreator: 'GEMS_IDEN_01',
    });
    expect(find(nodes, '(0009,1027)')).toMatchObject({ vr: 'SL', value: '862399669' });
    expect(find(nodes, '(0011,1010)').privateCreator).toBe('GEMS_PATI_01');
    expect(find(nodes, '(0010,0010)').privateCreator).toBeUndefined();
  });

  it('keeps a private sequence hidden in an explicit-length UN as opaque bytes, creator attached', () => {
    // Core reads it as the de-identifier does (opaque, removed unless a rule keeps it); dcmdump agrees.
    const element = find(inspect('priv_SQ.dcm'), '(3F03,1001)');
    expect(element).toMatchObject({
      keyword: '',
      vr: 'UN',
      value: '166 bytes',
      length: 166,
      privateCreator: 'aaabbbccc MEDICAL SYSTEMS',
    });
    expect(element.children).toBeUndefined();
  });

  it('shows an undefined-length UN in an illegal group as one opaque element, as core reads it', () => {
    const element = find(inspect('nested_priv_SQ.dcm'), '(0001,0001)');
    expect(element).toMatchObject({ vr: 'UN', value: 'undefined-length value', length: 89 });
    expect(element.children).toBeUndefined();
    expect(element.privateCreator).toBeUndefined();
  });

  it('decodes nested values with the character set of their own item', () => {
    const sequence = find(inspect('chrSQEncoding.dcm'), '(0032,1064)');
    const name = find(sequence.children![0]!, '(0010,0010)').value;
    expect(name).toContain('山田^太郎');
    expect(name).toContain('やまだ^たろう');
  });

  it('reads big endian numbers and deflated datasets', () => {
    const big = inspect('MR_small_bigendian.dcm');
    const little = inspect('MR_small.dcm');
    for (const tag of ['(0028,0010)', '(0028,0011)', '(0028,0100)', '(0018,0050)']) {
      expect(find(big, tag).value).toBe(find(little, tag).value);
    }
    expect(find(big, '(0028,0010)').value).toBe('64');
    const deflated = inspect('image_dfl.dcm');
    expect(find(deflated, '(0028,0010)').value).toBe('512');
    expect(find(deflated, '(0010,0010)').value).toBe('^^^^');
  });

  it('refuses bytes that are not DICOM with a coded error', () => {
    const text = new TextEncoder().encode('just a text file, not an image');
    expect(() => inspectElements(text, 'notes.txt')).toThrow(
      expect.objectContaining({ code: 'NOT_DICOM', fileName: 'notes.txt' }),
    );
  });

  describe.runIf(hasDcmdump())('agrees with dcmtk on the element tree', () => {
    // dcmtk opens this undefined-length UN in group 0001 as a sequence; core keeps it opaque.
    const readDifferently = new Set(['nested_priv_SQ.dcm']);
    it.each(FIXTURES.filter((f) => !readDifferently.has(f.file)).map((f) => f.file))(
      '%s',
      (file) => {
        const bytes = readFixture(file);
        expect(outline(inspectElements(bytes, file))).toEqual(dcmdumpOutline(bytes));
      },
    );
  });
});
