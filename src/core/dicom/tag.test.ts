import { describe, expect, it } from 'vitest';
import {
  formatTag,
  fromParserKey,
  isPrivateCreatorTag,
  isPrivateTag,
  makeTag,
  parseTag,
  toParserKey,
} from './tag';

describe('tags', () => {
  it('round-trips through every written form', () => {
    const patientName = makeTag(0x0010, 0x0010);
    expect(patientName).toBe(0x00100010);
    expect(formatTag(patientName)).toBe('(0010,0010)');
    expect(toParserKey(patientName)).toBe('x00100010');
    expect(fromParserKey('x00100010')).toBe(patientName);
    for (const text of ['(0010,0010)', '0010,0010', '00100010', 'x00100010', ' (0010,0010) ']) {
      expect(parseTag(text)).toBe(patientName);
    }
    expect(parseTag('PatientName')).toBeUndefined();
    expect(parseTag('(0010,001)')).toBeUndefined();
  });

  it('keeps the high groups unsigned and tells private creators from private data', () => {
    expect(makeTag(0xfffe, 0xe000)).toBe(0xfffee000);
    expect(formatTag(0xfffee000)).toBe('(FFFE,E000)');
    expect(isPrivateTag(makeTag(0x0009, 0x1001))).toBe(true);
    expect(isPrivateCreatorTag(makeTag(0x0009, 0x0010))).toBe(true);
    expect(isPrivateCreatorTag(makeTag(0x0009, 0x1001))).toBe(false);
    expect(isPrivateCreatorTag(makeTag(0x0010, 0x0010))).toBe(false);
  });
});
