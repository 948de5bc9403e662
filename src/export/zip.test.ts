import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { crc32 as zlibCrc32 } from 'node:zlib';
import { unzipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { readFixture } from '../../test/fixtures';
import type { ExportPlan } from './exportPlan';
import { buildZip, exportZip, exportZipStream, zipParts, type ZipEntry } from './zip';

const when = new Date(2025, 2, 4, 5, 6, 8);

function hasUnzip(): boolean {
  try {
    execFileSync('unzip', ['-v'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/** `unzip -t` and `unzip -v` over the archive: the test verdict and one line per entry. */
function unzipCheck(bytes: Uint8Array): { tested: string; listing: string } {
  const dir = mkdtempSync(join(tmpdir(), 'veil-zip-'));
  try {
    const path = join(dir, 'out.zip');
    writeFileSync(path, bytes);
    const tested = execFileSync('unzip', ['-t', path], { encoding: 'utf8' });
    const listing = execFileSync('unzip', ['-v', path], { encoding: 'utf8' });
    return { tested, listing };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

interface CentralEntry {
  readonly name: string;
  readonly crc: number;
  readonly size: number;
  readonly offset: number;
  readonly version: number;
}

/** Reads the end records and central directory the way a Zip64-aware reader does (APPNOTE §4.3). */
function readDirectory(zip: Uint8Array): { zip64: boolean; entries: CentralEntry[] } {
  const view = new DataView(zip.buffer, zip.byteOffset, zip.byteLength);
  const u64 = (at: number) => view.getUint32(at, true) + view.getUint32(at + 4, true) * 2 ** 32;
  const end = zip.length - 22;
  expect(view.getUint32(end, true)).toBe(0x06054b50);
  let count = view.getUint16(end + 10, true);
  let size = view.getUint32(end + 12, true);
  const zip64 = count === 0xffff || size === 0xffffffff;
  if (zip64) {
    expect(view.getUint32(end - 20, true)).toBe(0x07064b50);
    const record = end - 20 - 56;
    expect(view.getUint32(record, true)).toBe(0x06064b50);
    expect(u64(record + 4)).toBe(44);
    count = u64(record + 32);
    size = u64(record + 40);
    // The locator's pointer to the record, as written (the test blobs may stand in for huge ones).
    expect(u64(end - 20 + 8)).toBe(u64(record + 48) + size);
  }
  const entries: CentralEntry[] = [];
  let at = (zip64 ? end - 76 : end) - size;
  for (let n = 0; n < count; n++) {
    expect(view.getUint32(at, true)).toBe(0x02014b50);
    const nameLength = view.getUint16(at + 28, true);
    const extraLength = view.getUint16(at + 30, true);
    let entrySize = view.getUint32(at + 24, true);
    let offset = view.getUint32(at + 42, true);
    let field = at + 46 + nameLength;
    const extraEnd = field + extraLength;
    while (field < extraEnd) {
      const id = view.getUint16(field, true);
      const length = view.getUint16(field + 2, true);
      if (id === 0x0001) {
        let p = field + 4;
        if (entrySize === 0xffffffff) {
          entrySize = u64(p);
          expect(u64(p + 8)).toBe(entrySize);
          p += 16;
        }
        if (offset === 0xffffffff) offset = u64(p);
      }
      field += 4 + length;
    }
    entries.push({
      name: new TextDecoder().decode(zip.subarray(at + 46, at + 46 + nameLength)),
      crc: view.getUint32(at + 16, true),
      size: entrySize,
      offset,
      version: view.getUint16(at + 6, true),
    });
    at = extraEnd;
  }
  return { zip64, entries };
}

const files = () => {
  const ct = readFixture('CT_small.dcm');
  const mr = readFixture('MR_small.dcm');
  const entries: ZipEntry[] = [
    { name: 'report.json', data: new TextEncoder().encode('{"ok":true}') },
    {
      name: 'ANON-1/study-01/series-001_CT/0001.dcm',
      data: new Blob([ct as Uint8Array<ArrayBuffer>]),
      crc32: zlibCrc32(ct),
    },
    {
      name: 'ANON-1/study-01/series-002_MR/0001.dcm',
      data: new Blob([mr as Uint8Array<ArrayBuffer>]),
      crc32: zlibCrc32(mr),
    },
    { name: 'empty.txt', data: new Uint8Array(0) },
  ];
  return { ct, mr, entries };
};

describe('buildZip', () => {
  it('stores every entry so that fflate and unzip read back the same bytes', async () => {
    const { ct, mr, entries } = files();
    const { blob, ends } = buildZip(entries, { lastModified: when });
    const zip = new Uint8Array(await blob.arrayBuffer());
    const read = unzipSync(zip);
    expect(Object.keys(read)).toEqual(entries.map((e) => e.name));
    expect(read['ANON-1/study-01/series-001_CT/0001.dcm']).toEqual(ct);
    expect(read['ANON-1/study-01/series-002_MR/0001.dcm']).toEqual(mr);
    expect(new TextDecoder().decode(read['report.json'])).toBe('{"ok":true}');
    const { zip64, entries: central } = readDirectory(zip);
    expect(zip64).toBe(false);
    expect(central.map((e) => e.version)).toEqual([20, 20, 20, 20]);
    // Each entry's data ends where `ends` says: right before the next local header.
    for (const [i, end] of ends.slice(0, -1).entries()) expect(central[i + 1]!.offset).toBe(end);
    if (hasUnzip()) {
      const { tested, listing } = unzipCheck(zip);
      expect(tested).toContain('No errors detected');
      expect(listing).toMatch(
        /Stored.*2025-03-04 05:06.*ANON-1\/study-01\/series-001_CT\/0001\.dcm/,
      );
    }
  });

  it('writes Zip64 records that unzip accepts (forced here, with small files)', async () => {
    const { ct, entries } = files();
    const { blob } = buildZip(entries, { lastModified: when, forceZip64: true });
    const zip = new Uint8Array(await blob.arrayBuffer());
    const { zip64, entries: central } = readDirectory(zip);
    expect(zip64).toBe(true);
    expect(central.map((e) => e.version)).toEqual([45, 45, 45, 45]);
    expect(central[1]).toMatchObject({ size: ct.length, crc: zlibCrc32(ct) });
    if (hasUnzip()) {
      const { tested, listing } = unzipCheck(zip);
      expect(tested).toContain('No errors detected');
      expect(listing).toContain(zlibCrc32(ct).toString(16).padStart(8, '0'));
    }
  });

  it('switches to Zip64 for entries and offsets past 4 GB', () => {
    // A stand-in that reports the size of a 5 GB output without holding it (the parts are
    // inspected, not assembled: a Blob of them would really be 5 GB).
    class Huge extends Blob {
      override get size(): number {
        return 5_000_000_000;
      }
    }
    const huge = new Huge([]);
    const { parts } = zipParts(
      [
        { name: 'a.dcm', data: new Uint8Array([1, 2, 3]) },
        { name: 'big.dcm', data: huge, crc32: 0x12345678 },
        { name: 'after.dcm', data: new Uint8Array([4]) },
      ],
      { lastModified: when },
    );
    const at = parts.indexOf(huge);
    // After the huge entry: its successor's local header and data, then the directory and ends.
    const tail = parts.slice(at + 3) as Uint8Array[];
    const directory = new Uint8Array(tail.reduce((n, p) => n + p.length, 0));
    tail.reduce((offset, p) => (directory.set(p, offset), offset + p.length), 0);
    const { zip64, entries } = readDirectory(directory);
    expect(zip64).toBe(true);
    const [a, big, after] = entries;
    expect(a).toMatchObject({ name: 'a.dcm', size: 3, offset: 0, version: 20 });
    expect(big).toMatchObject({ name: 'big.dcm', size: 5_000_000_000, crc: 0x12345678 });
    expect(big!.version).toBe(45);
    // Its local header carries both sizes in a Zip64 extra field.
    const header = parts[at - 1] as Uint8Array;
    expect(big!.offset).toBe(30 + 'a.dcm'.length + 3);
    const local = new DataView(header.buffer);
    expect(local.getUint32(0, true)).toBe(0x04034b50);
    expect(local.getUint32(18, true)).toBe(0xffffffff);
    expect(local.getUint16(28, true)).toBe(20);
    expect(local.getUint16(30 + 'big.dcm'.length, true)).toBe(0x0001);
    // The next entry starts past 4 GB: its offset is in the central directory's Zip64 field.
    expect(after).toMatchObject({ name: 'after.dcm', size: 1, version: 45 });
    expect(after!.offset).toBe(big!.offset + 30 + 'big.dcm'.length + 20 + 5_000_000_000);
  });

  it('refuses a Blob without its CRC rather than reading it', () => {
    expect(() =>
      buildZip([{ name: 'x.dcm', data: new Blob([new Uint8Array(4)]) }], { lastModified: when }),
    ).toThrow(/CRC-32/);
  });
});

describe('exportZip', () => {
  it('assembles the same archive as in one go, in groups, and counts files as they stream', async () => {
    // 300 files: 600 parts and more, so the archive is put together from several groups.
    const files = Array.from({ length: 300 }, (_, i) => {
      const data = new TextEncoder().encode(`file ${i} `.repeat(i % 7));
      return {
        name: `p/${String(i).padStart(4, '0')}.dcm`,
        blob: new Blob([data]),
        crc32: zlibCrc32(data),
      };
    });
    const plan = {
      documents: [{ name: 'report.json', text: '{}' }],
      files,
    } as unknown as ExportPlan;
    const seen: number[] = [];
    const zip = await exportZip(plan, when, (n) => seen.push(n));
    const bytes = new Uint8Array(await new Response(zip.stream).arrayBuffer());
    expect(seen).toEqual(files.map((_, i) => i + 1));
    expect(new Uint8Array(await zip.blob.arrayBuffer())).toEqual(bytes);
    const once = new Uint8Array(await new Response(exportZipStream(plan, when)).arrayBuffer());
    expect(bytes).toEqual(once);
    const read = unzipSync(bytes);
    expect(Object.keys(read)).toEqual(['report.json', ...files.map((f) => f.name)]);
    expect(new TextDecoder().decode(read['p/0006.dcm'])).toBe('file 6 '.repeat(6));
  });
});
