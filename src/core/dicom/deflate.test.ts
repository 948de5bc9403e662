import { deflateRawSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { deflateDataset, inflateDataset } from './deflate';

describe('deflated datasets', () => {
  it('inflates what zlib deflated, and round-trips its own output', () => {
    const data = new Uint8Array(3_000_000).map((_, i) => (i * 7) % 251);
    expect(
      Buffer.from(inflateDataset(deflateRawSync(data), 'a.dcm', 132)).equals(Buffer.from(data)),
    ).toBe(true);
    expect(
      Buffer.from(inflateDataset(deflateDataset(data), 'a.dcm', 132)).equals(Buffer.from(data)),
    ).toBe(true);
  });

  it('refuses a bomb as soon as it passes the limit, and names the file', () => {
    const bomb = deflateRawSync(new Uint8Array(64 * 1024 * 1024)); // 64 MB of zeros in ~64 KB
    expect(bomb.length).toBeLessThan(100_000);
    expect(() => inflateDataset(bomb, 'bomb.dcm', 132, 8 * 1024 * 1024)).toThrowError(
      expect.objectContaining({ code: 'UNSUPPORTED', fileName: 'bomb.dcm' }),
    );
  });

  it('reports a corrupt stream as INFLATE_FAILED', () => {
    expect(() =>
      inflateDataset(new Uint8Array([0xff, 0xff, 0xff, 0xff]), 'x.dcm', 132),
    ).toThrowError(expect.objectContaining({ code: 'INFLATE_FAILED', offset: 132 }));
  });
});
