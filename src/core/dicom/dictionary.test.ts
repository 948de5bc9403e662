import { describe, expect, it } from 'vitest';
import dcmjs from 'dcmjs';
import { dictionaryEntries, implicitVr, lookupKeyword, lookupTag } from './dictionary';
import { formatTag, groupOf, makeTag } from './tag';

// dcmjs ships no types; the runtime dictionary is a Proxy keyed '(GGGG,EEEE)'.
const dcmjsDictionary = (
  dcmjs as unknown as {
    data: {
      DicomMetaDictionary: {
        dictionary: Record<string, { vr: string; vm: string; name: string } | undefined>;
      };
    };
  }
).data.DicomMetaDictionary.dictionary;

describe('lookupTag', () => {
  it('knows well-known attributes', () => {
    expect(lookupTag(0x00100010)).toMatchObject({
      tag: 0x00100010,
      vr: 'PN',
      vrs: ['PN'],
      vm: '1',
      keyword: 'PatientName',
      name: 'Patient Name',
      retired: false,
    });
    expect(lookupTag(0x00080018)).toMatchObject({
      keyword: 'SOPInstanceUID',
      vr: 'UI',
      name: 'SOP Instance UID',
    });
    expect(lookupTag(0x0020000d)).toMatchObject({ keyword: 'StudyInstanceUID', vr: 'UI' });
    expect(lookupTag(0x00080008)).toMatchObject({ keyword: 'ImageType', vr: 'CS', vm: '2-n' });
    expect(lookupTag(0x0040a730)).toMatchObject({ keyword: 'ContentSequence', vr: 'SQ' });
    expect(lookupTag(0x00020010)).toMatchObject({ keyword: 'TransferSyntaxUID', vr: 'UI' });
  });

  it('gives every VR of a multi-VR attribute and the one to assume', () => {
    expect(lookupTag(0x7fe00010)).toMatchObject({
      keyword: 'PixelData',
      vrs: ['OB', 'OW'],
      vr: 'OW',
    });
    expect(lookupTag(0x00280106)).toMatchObject({
      keyword: 'SmallestImagePixelValue',
      vrs: ['US', 'SS'],
      vr: 'US',
    });
    expect(lookupTag(0x00283006)).toMatchObject({
      keyword: 'LUTData',
      vrs: ['US', 'OW'],
      vr: 'OW',
    });
    expect(lookupTag(0x00281200)).toMatchObject({ vrs: ['US', 'SS', 'OW'], retired: true });
    expect(lookupTag(0x00041200)).toMatchObject({ vr: 'UL', vrs: ['UL'] });
    expect(lookupTag(0xfffee000)).toMatchObject({ keyword: 'Item', vr: 'NONE', vrs: [] });
  });

  it('marks retired attributes and strips dcmjs’s RETIRED_ prefix from their keyword', () => {
    expect(lookupTag(0x00080001)).toMatchObject({ keyword: 'LengthToEnd', retired: true });
    expect(lookupTag(0x00080024)).toMatchObject({ keyword: 'OverlayDate', retired: true });
    expect(lookupTag(0x00101050)).toMatchObject({
      keyword: 'InsurancePlanIdentification',
      retired: true,
    });
    // PS3.6 gives this retired attribute no keyword; dcmjs spells it RETIRED_undefined.
    expect(lookupTag(0x00180061)).toMatchObject({ keyword: '', name: '', retired: true, vr: 'DS' });
    expect(lookupKeyword('undefined')).toBeUndefined();
    expect(lookupKeyword('')).toBeUndefined();
  });

  it('resolves repeating groups in every even group xx00–xx1E and never in odd ones', () => {
    for (let group = 0x6000; group <= 0x601e; group += 2) {
      const tag = makeTag(group, 0x3000);
      expect(lookupTag(tag), formatTag(tag)).toMatchObject({
        tag,
        keyword: 'OverlayData',
        vr: 'OW',
      });
      expect(
        lookupTag(makeTag(group + 1, 0x3000)),
        formatTag(makeTag(group + 1, 0x3000)),
      ).toBeUndefined();
    }
    expect(lookupTag(0x60023000)?.keyword).toBe('OverlayData');
    expect(lookupTag(0x60013000)).toBeUndefined();
    expect(lookupTag(0x601e3000)?.keyword).toBe('OverlayData');
    expect(lookupTag(0x60203000)).toBeUndefined();
    expect(lookupTag(0x60ff3000)).toBeUndefined();
    expect(lookupTag(0x60040010)).toMatchObject({ keyword: 'OverlayRows', vr: 'US' });
    expect(lookupTag(0x60004000)).toMatchObject({ keyword: 'OverlayComments', retired: true });
    for (let group = 0x5000; group <= 0x501e; group += 2) {
      expect(lookupTag(makeTag(group, 0x3000))).toMatchObject({
        keyword: 'CurveData',
        retired: true,
      });
    }
    expect(lookupTag(0x50010010)).toBeUndefined();
    expect(lookupTag(0x7f020010)).toMatchObject({
      keyword: 'VariablePixelData',
      vr: 'OW',
      retired: true,
    });
    expect(lookupTag(0x7f030010)).toBeUndefined();
  });

  it('knows nothing of private or unknown tags', () => {
    expect(lookupTag(0x00090010)).toBeUndefined();
    expect(lookupTag(0x00191001)).toBeUndefined();
    expect(lookupTag(0x0010ffff)).toBeUndefined();
  });
});

describe('lookupKeyword', () => {
  it('finds tags by keyword, case-sensitively', () => {
    expect(lookupKeyword('PatientID')?.tag).toBe(0x00100020);
    expect(lookupKeyword('SOPInstanceUID')?.tag).toBe(0x00080018);
    expect(lookupKeyword('OverlayData')?.tag).toBe(0x60003000);
    expect(lookupKeyword('patientid')).toBeUndefined();
    expect(lookupKeyword('NotAKeyword')).toBeUndefined();
  });

  it('round-trips every keyword: keyword → tag → same keyword', () => {
    const entries = dictionaryEntries();
    expect(entries.length).toBeGreaterThan(5000);
    let checked = 0;
    for (const entry of entries) {
      if (entry.keyword === '') continue;
      expect(lookupKeyword(entry.keyword)?.tag, entry.keyword).toBe(entry.tag);
      expect(lookupTag(entry.tag)?.keyword, formatTag(entry.tag)).toBe(entry.keyword);
      checked++;
    }
    expect(checked).toBe(entries.length - 3);
  });
});

describe('agreement with dcmjs (the generator’s source)', () => {
  it('every entry matches dcmjs’s runtime dictionary on keyword, VM and retired', () => {
    for (const entry of dictionaryEntries()) {
      const theirs = dcmjsDictionary[formatTag(entry.tag)];
      expect(theirs, formatTag(entry.tag)).toBeDefined();
      const expected =
        entry.keyword === ''
          ? 'RETIRED_undefined'
          : `${entry.retired ? 'RETIRED_' : ''}${entry.keyword}`;
      expect(theirs!.name, formatTag(entry.tag)).toBe(expected);
      expect(theirs!.vm, formatTag(entry.tag)).toBe(entry.vm);
      // DCMTK codes: up = UL (an offset); ox, xs, lt = the multi-VR attributes
      const theirVrs = { up: 'UL', ox: 'OB/OW', xs: 'US/SS', na: 'NONE' }[theirs!.vr] ?? theirs!.vr;
      if (theirs!.vr !== 'lt')
        expect(entry.vrs.join('/') || 'NONE', formatTag(entry.tag)).toBe(theirVrs);
    }
  });

  it('is stricter than dcmjs on repeating groups', () => {
    // dcmjs accepts every group up to 60FF, odd ones included; PS3.5 §7.6 does not.
    expect(dcmjsDictionary['(6001,3000)']?.name).toBe('OverlayData');
    expect(lookupTag(0x60013000)).toBeUndefined();
  });
});

describe('implicitVr', () => {
  it('uses the dictionary VR for standard attributes', () => {
    expect(implicitVr(0x00100010)).toBe('PN');
    expect(implicitVr(0x00100030)).toBe('DA');
    expect(implicitVr(0x0040a730)).toBe('SQ');
    expect(implicitVr(0x00280010)).toBe('US');
  });

  it('reads group lengths as UL, in every group', () => {
    expect(implicitVr(0x00080000)).toBe('UL');
    expect(implicitVr(0x00090000)).toBe('UL');
    expect(implicitVr(0x7fe00000)).toBe('UL');
    expect(implicitVr(0x00020000)).toBe('UL');
  });

  it('reads private creators as LO and other private elements as UN', () => {
    expect(implicitVr(0x00090010)).toBe('LO');
    expect(implicitVr(0x001900ff)).toBe('LO');
    expect(implicitVr(0x00090100)).toBe('UN');
    expect(implicitVr(0x0009000f)).toBe('UN');
    expect(implicitVr(0x00191001)).toBe('UN');
    expect(implicitVr(0x60013000)).toBe('UN');
  });

  it('picks OW for OB-or-OW data and US for US-or-SS (PS3.5 Annex A.1)', () => {
    expect(implicitVr(0x7fe00010)).toBe('OW');
    expect(implicitVr(0x60003000)).toBe('OW');
    expect(implicitVr(0x60163000)).toBe('OW');
    expect(implicitVr(0x54001010)).toBe('OW');
    expect(implicitVr(0x00280106)).toBe('US');
    expect(implicitVr(0x00280120)).toBe('US');
    expect(implicitVr(0x00283006)).toBe('OW');
  });

  it('reads unknown tags, and items that have no VR, as UN', () => {
    const unknown = 0x0010ffff;
    expect(lookupTag(unknown)).toBeUndefined();
    expect(implicitVr(unknown)).toBe('UN');
    expect(implicitVr(0x60203000)).toBe('UN');
    expect(implicitVr(0xfffee000)).toBe('UN');
  });

  it('gives a concrete VR for every standard attribute', () => {
    for (const entry of dictionaryEntries()) {
      const vr = implicitVr(entry.tag);
      if (entry.vrs.length === 0 || groupOf(entry.tag) === 0xfffe) continue;
      expect(entry.vrs, formatTag(entry.tag)).toContain(vr);
    }
  });
});
