import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { coalesceParts, writePartsSync } from './writeParts';

const dir = mkdtempSync(join(tmpdir(), 'veil-parts-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('writePartsSync', () => {
  it('writes many parts, empty ones included, in order and in full', () => {
    // More parts than one writev batch, of uneven sizes, some sharing one buffer.
    const shared = Uint8Array.from({ length: 4096 }, (_, i) => (i * 7) & 0xff);
    const parts = Array.from({ length: 1300 }, (_, i) =>
      i % 3 === 0
        ? shared.subarray(i % 100, (i % 100) + (i % 37))
        : Uint8Array.of(i & 0xff, i >> 8),
    );
    const path = join(dir, 'many.bin');
    writePartsSync(path, parts);
    const expected = Buffer.concat(parts);
    expect(readFileSync(path).equals(expected)).toBe(true);
  });

  it('refuses to overwrite with the default flag', () => {
    const path = join(dir, 'once.bin');
    writePartsSync(path, [Uint8Array.of(1)]);
    expect(() => writePartsSync(path, [Uint8Array.of(2)])).toThrow(/EEXIST/);
    expect([...readFileSync(path)]).toEqual([1]);
  });
});

describe('coalesceParts', () => {
  it('keeps the bytes and their order, gathering small parts and passing large ones through', () => {
    const large = new Uint8Array(200 * 1024).fill(9);
    const parts = [
      Uint8Array.of(1, 2),
      Uint8Array.of(3),
      large,
      Uint8Array.of(4),
      new Uint8Array(0),
    ];
    const out = coalesceParts(parts);
    expect(out.length).toBe(3);
    expect(out[1]).toBe(large);
    expect(Buffer.concat(out).equals(Buffer.concat(parts))).toBe(true);
  });
});
