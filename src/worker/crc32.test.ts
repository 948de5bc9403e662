import { randomBytes } from 'node:crypto';
import { crc32 as zlibCrc32 } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { readFixture } from '../../test/fixtures';
import { crc32 } from './crc32';

describe('crc32', () => {
  it('matches zlib on the check value, empty input and every length and alignment up to 70', () => {
    // The CRC-32 check value of the standard's catalogue.
    expect(crc32(new TextEncoder().encode('123456789'))).toBe(0xcbf43926);
    expect(crc32(new Uint8Array(0))).toBe(0);
    const data = new Uint8Array(randomBytes(200));
    for (let start = 0; start < 8; start++) {
      for (let length = 0; length <= 70; length++) {
        const view = data.subarray(start, start + length);
        expect(crc32(view)).toBe(zlibCrc32(view));
      }
    }
  });

  it('matches zlib on a real file, and continues from a previous CRC over parts', () => {
    const bytes = readFixture('CT_small.dcm');
    expect(crc32(bytes)).toBe(zlibCrc32(bytes));
    for (const cut of [0, 1, 131, 4096, 20001, bytes.length]) {
      const head = crc32(bytes.subarray(0, cut));
      expect(crc32(bytes.subarray(cut), head)).toBe(zlibCrc32(bytes));
    }
  });
});
