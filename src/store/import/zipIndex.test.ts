import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { zipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { readFixture } from '../../../test/fixtures';
import { readSource } from '../../worker/source';
import { listZipEntries, looksLikeZip, ZipFormatError } from './zipIndex';

const hasZipTool = (() => {
  try {
    execFileSync('zip', ['-v'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();

async function entryBytes(zip: Blob, name: string, limit?: number): Promise<Uint8Array> {
  const entry = (await listZipEntries(zip)).find((e) => e.name === name)!;
  return readSource(
    {
      kind: 'zip-entry',
      zip,
      localHeaderOffset: entry.localHeaderOffset,
      compressedSize: entry.compressedSize,
      size: entry.size,
      method: entry.method === 8 ? 8 : 0,
    },
    limit,
  );
}

describe('listZipEntries and reading entries', () => {
  const ct = readFixture('CT_small.dcm');
  const mr = readFixture('MR_small.dcm');
  const zip = new Blob([
    zipSync({
      'a/CT_small.dcm': [ct, { level: 6 }],
      'b/MR_small.dcm': [mr, { level: 0 }],
      'empty/': new Uint8Array(0),
    }) as Uint8Array<ArrayBuffer>,
  ]);

  it('lists names, sizes and methods from the central directory', async () => {
    const entries = await listZipEntries(zip);
    expect(entries.map((e) => [e.name, e.method, e.size, e.isDirectory])).toEqual([
      ['a/CT_small.dcm', 8, ct.length, false],
      ['b/MR_small.dcm', 0, mr.length, false],
      ['empty/', expect.any(Number), 0, true],
    ]);
  });

  it('reads deflated and stored entries whole, or just a prefix', async () => {
    expect(await entryBytes(zip, 'a/CT_small.dcm')).toEqual(ct);
    expect(await entryBytes(zip, 'b/MR_small.dcm')).toEqual(mr);
    expect(await entryBytes(zip, 'a/CT_small.dcm', 1000)).toEqual(ct.subarray(0, 1000));
    expect(await entryBytes(zip, 'b/MR_small.dcm', 1000)).toEqual(mr.subarray(0, 1000));
  });

  it('knows a zip by its first bytes and refuses a damaged one', async () => {
    const bytes = new Uint8Array(await zip.arrayBuffer());
    expect(looksLikeZip(bytes)).toBe(true);
    expect(looksLikeZip(ct)).toBe(false);
    await expect(listZipEntries(new Blob([bytes.subarray(0, bytes.length - 30)]))).rejects.toThrow(
      ZipFormatError,
    );
  });

  it.skipIf(!hasZipTool)('reads a Zip64 archive written by Info-ZIP (zip -fz)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'veil-zip64-'));
    try {
      mkdirSync(join(dir, 'in'));
      writeFileSync(join(dir, 'in', 'CT_small.dcm'), ct);
      writeFileSync(join(dir, 'in', 'MR_small.dcm'), mr);
      execFileSync('zip', ['-q', '-fz', '-r', join(dir, 'out.zip'), 'in'], { cwd: dir });
      const zip64 = new Blob([readFileSync(join(dir, 'out.zip'))]);
      const names = (await listZipEntries(zip64)).map((e) => e.name).sort();
      expect(names).toEqual(['in/', 'in/CT_small.dcm', 'in/MR_small.dcm']);
      expect(await entryBytes(zip64, 'in/CT_small.dcm')).toEqual(ct);
      expect(await entryBytes(zip64, 'in/MR_small.dcm')).toEqual(mr);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
