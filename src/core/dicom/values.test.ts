import { describe, expect, it } from 'vitest';
import { latin1 } from './charsetTables';
import type { ParsedElement } from './model';
import { readStringValues, trimPadding } from './values';

const element = (bytes: Uint8Array, vr = 'CS'): ParsedElement => ({
  tag: 0x00080060,
  vr,
  start: 0,
  valueOffset: 0,
  length: bytes.length,
  end: bytes.length,
  undefinedLength: false,
});
const ascii = (text: string) => Uint8Array.from(text, (c) => c.charCodeAt(0));

describe('string values', () => {
  it('drops trailing spaces and NULs only', () => {
    expect(trimPadding('ABC \0 ')).toBe('ABC');
    expect(trimPadding(' ABC')).toBe(' ABC');
    expect(trimPadding('A\0B\0')).toBe('A\0B');
    expect(trimPadding('   ')).toBe('');
    expect(trimPadding('')).toBe('');
  });

  it('splits multiple values and trims each as PS3.5 allows', () => {
    const read = (text: string) => readStringValues(ascii(text), element(ascii(text)));
    expect(read('ORIGINAL\\PRIMARY\\AXIAL ')).toEqual(['ORIGINAL', 'PRIMARY', 'AXIAL']);
    expect(read(' 1.2.3\0')).toEqual(['1.2.3']);
    expect(read('A \\ B\\\\C\0')).toEqual(['A', 'B', '', 'C']);
    expect(read('')).toEqual(['']);
    expect(read('  ')).toEqual(['']);
  });

  it('reads latin1 bytes to the same code points, short and long', () => {
    for (const length of [0, 1, 63, 64, 65, 8192, 8193, 20_000]) {
      const bytes = Uint8Array.from({ length }, (_, i) => (i * 31 + 7) & 0xff);
      const text = latin1(bytes);
      expect(text.length).toBe(length);
      expect(Array.from(text, (c) => c.charCodeAt(0))).toEqual([...bytes]);
    }
  });
});
