import { describe, expect, it } from 'vitest';
import { dropEntries, pickedFromList, walkEntries } from './dataTransfer';

/** A folder tree as the File and Directory Entries API presents it (readEntries in batches). */
function fileEntry(fullPath: string): FileSystemFileEntry {
  const name = fullPath.slice(fullPath.lastIndexOf('/') + 1);
  return {
    isFile: true,
    isDirectory: false,
    name,
    fullPath,
    file: (resolve: (file: File) => void) => resolve(new File([fullPath], name)),
  } as unknown as FileSystemFileEntry;
}

function dirEntry(
  fullPath: string,
  children: FileSystemEntry[],
  batch = 2,
): FileSystemDirectoryEntry {
  return {
    isFile: false,
    isDirectory: true,
    name: fullPath.slice(fullPath.lastIndexOf('/') + 1),
    fullPath,
    createReader: () => {
      let at = 0;
      return {
        readEntries: (resolve: (entries: FileSystemEntry[]) => void) => {
          const next = children.slice(at, at + batch);
          at += batch;
          setTimeout(() => resolve(next), 0);
        },
      };
    },
  } as unknown as FileSystemDirectoryEntry;
}

describe('walkEntries', () => {
  it('walks nested folders completely, reading every batch, and keeps relative paths', async () => {
    const tree = dirEntry('/study', [
      fileEntry('/study/a.dcm'),
      fileEntry('/study/b.dcm'),
      fileEntry('/study/c.dcm'),
      dirEntry('/study/series', [
        fileEntry('/study/series/d.dcm'),
        dirEntry('/study/series/empty', []),
      ]),
      fileEntry('/study/e.dcm'),
    ]);
    const loose = new File(['x'], 'loose.zip');
    const picked = await walkEntries([tree, loose]);
    expect(picked.map((p) => p.path)).toEqual([
      'study/a.dcm',
      'study/b.dcm',
      'study/c.dcm',
      'study/series/d.dcm',
      'study/e.dcm',
      'loose.zip',
    ]);
    expect(await picked[3]!.file.text()).toBe('/study/series/d.dcm');
  });
});

describe('dropEntries and pickedFromList', () => {
  it('takes entries from the items, and plain files when the browser gives no entries', () => {
    const entry = fileEntry('/x.dcm');
    const file = new File(['y'], 'y.dcm');
    const items = [
      { kind: 'file', webkitGetAsEntry: () => entry, getAsFile: () => null },
      { kind: 'string', webkitGetAsEntry: () => null, getAsFile: () => null },
      { kind: 'file', webkitGetAsEntry: () => null, getAsFile: () => file },
    ];
    const data = { items, files: [] } as unknown as DataTransfer;
    expect(dropEntries(data)).toEqual([entry, file]);
    const onlyFiles = { items: [], files: [file] } as unknown as DataTransfer;
    expect(dropEntries(onlyFiles)).toEqual([file]);
  });

  it('uses the relative path a folder picker gives', () => {
    const inFolder = new File(['z'], 'z.dcm');
    Object.defineProperty(inFolder, 'webkitRelativePath', { value: 'top/sub/z.dcm' });
    expect(pickedFromList([inFolder, new File(['w'], 'w.dcm')]).map((p) => p.path)).toEqual([
      'top/sub/z.dcm',
      'w.dcm',
    ]);
  });
});
