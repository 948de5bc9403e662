import { describe, expect, it } from 'vitest';
import { isPrecached, precacheManifest, type BuildFile } from './precacheManifest';

const files: BuildFile[] = [
  { fileName: 'index.html', bytes: '<!doctype html>' },
  {
    fileName: 'assets/index-abc.js',
    bytes: 'console.log(1)\n//# sourceMappingURL=index-abc.js.map',
  },
  { fileName: 'assets/index-abc.js.map', bytes: '{}' },
  { fileName: 'assets/codec-xyz.wasm', bytes: new Uint8Array([0, 0x61, 0x73, 0x6d, 1, 0, 0, 0]) },
  { fileName: 'sw.js', bytes: 'self.addEventListener' },
  { fileName: 'icons/icon-192.png', bytes: new Uint8Array([0x89, 0x50, 0x4e, 0x47]) },
];

describe('precacheManifest', () => {
  it('lists every file but the service worker and source maps, sorted', () => {
    expect(precacheManifest(files, 'sw.js').files).toEqual([
      'assets/codec-xyz.wasm',
      'assets/index-abc.js',
      'icons/icon-192.png',
      'index.html',
    ]);
    expect(isPrecached('assets/a.css', 'sw.js')).toBe(true);
    expect(isPrecached('sw.js', 'sw.js')).toBe(false);
    expect(isPrecached('nested/sw.js', 'sw.js')).toBe(true);
    expect(isPrecached('assets/a.js.map', 'sw.js')).toBe(false);
  });

  it('derives the version from every precached name and byte, in any input order', () => {
    const { version } = precacheManifest(files, 'sw.js');
    expect(version).toMatch(/^[0-9a-f]{16}$/);
    expect(precacheManifest([...files].reverse(), 'sw.js').version).toBe(version);

    const wasm = files[3]!.bytes as Uint8Array;
    const flipped = files.map((f) =>
      f.fileName.endsWith('.wasm') ? { ...f, bytes: wasm.map((b, i) => (i === 7 ? 1 : b)) } : f,
    );
    expect(precacheManifest(flipped, 'sw.js').version).not.toBe(version);
    const renamed = files.map((f) =>
      f.fileName === 'index.html' ? { ...f, fileName: 'start.html' } : f,
    );
    expect(precacheManifest(renamed, 'sw.js').version).not.toBe(version);
    // The same bytes as a string or as UTF-8 bytes are the same file.
    const asBytes = files.map((f) =>
      f.fileName === 'index.html'
        ? { ...f, bytes: new TextEncoder().encode('<!doctype html>') }
        : f,
    );
    expect(precacheManifest(asBytes, 'sw.js').version).toBe(version);
  });

  it('is not fooled by moving bytes from one file name into the next', () => {
    const a = precacheManifest(
      [
        { fileName: 'a', bytes: 'bc' },
        { fileName: 'd', bytes: '' },
      ],
      'sw.js',
    );
    const b = precacheManifest(
      [
        { fileName: 'a', bytes: 'b' },
        { fileName: 'cd', bytes: '' },
      ],
      'sw.js',
    );
    expect(a.version).not.toBe(b.version);
  });

  it('ignores what it does not precache', () => {
    const { version } = precacheManifest(files, 'sw.js');
    const changed = files.map((f) =>
      f.fileName.endsWith('.map') ? { ...f, bytes: '{"a":1}' } : f,
    );
    expect(precacheManifest(changed, 'sw.js').version).toBe(version);
  });
});
