import { afterEach, describe, expect, it, vi } from 'vitest';
import { openWorkArea } from './workArea';
import { isWorkFileOf, WORK_ROOT, WorkFileSink, workFileName } from './workFile';

/**
 * The origin private file system in memory, as Chromium behaves: a sync access handle is exclusive
 * (a second one, or deleting the file, fails while it is open), and a File taken by getFile() is a
 * snapshot that fails to read once the file changed after it.
 */
class FakeFile {
  bytes = new Uint8Array(0);
  version = 0;
  open = false;
}

class FakeFileHandle {
  constructor(
    readonly name: string,
    private readonly file: FakeFile,
  ) {}

  async createSyncAccessHandle() {
    const file = this.file;
    if (file.open) throw new DOMException('locked', 'NoModificationAllowedError');
    file.open = true;
    return {
      write(data: Uint8Array, { at }: { at: number }): number {
        if (!file.open) throw new DOMException('closed', 'InvalidStateError');
        if (at + data.length > file.bytes.length) {
          const grown = new Uint8Array(at + data.length);
          grown.set(file.bytes);
          file.bytes = grown;
        }
        file.bytes.set(data, at);
        file.version++;
        return data.length;
      },
      close() {
        file.open = false;
      },
    };
  }

  async getFile(): Promise<Blob> {
    const file = this.file;
    const version = file.version;
    const snapshot = file.bytes.slice();
    const read = async (start: number, end: number) => {
      if (file.version !== version) throw new DOMException('stale', 'NotReadableError');
      return snapshot.slice(start, end).buffer;
    };
    const blobOf = (start: number, end: number) =>
      ({
        size: end - start,
        slice: (s = 0, e = end - start) => blobOf(start + s, start + Math.min(e, end - start)),
        arrayBuffer: () => read(start, end),
      }) as unknown as Blob;
    return blobOf(0, snapshot.length);
  }
}

class FakeDirectory {
  readonly entries = new Map<string, FakeDirectory | FakeFile>();

  async getDirectoryHandle(name: string, options?: { create?: boolean }) {
    let entry = this.entries.get(name);
    if (!entry && options?.create) this.entries.set(name, (entry = new FakeDirectory()));
    if (!(entry instanceof FakeDirectory)) throw new DOMException(name, 'NotFoundError');
    return entry;
  }

  async getFileHandle(name: string, options?: { create?: boolean }) {
    let entry = this.entries.get(name);
    if (!entry && options?.create) this.entries.set(name, (entry = new FakeFile()));
    if (!(entry instanceof FakeFile)) throw new DOMException(name, 'NotFoundError');
    return new FakeFileHandle(name, entry);
  }

  async removeEntry(name: string, options?: { recursive?: boolean }) {
    const entry = this.entries.get(name);
    if (!entry) throw new DOMException(name, 'NotFoundError');
    const busy = (e: FakeDirectory | FakeFile): boolean =>
      e instanceof FakeFile ? e.open : [...e.entries.values()].some(busy);
    if (busy(entry)) throw new DOMException(name, 'NoModificationAllowedError');
    if (entry instanceof FakeDirectory && entry.entries.size > 0 && !options?.recursive) {
      throw new DOMException(name, 'InvalidModificationError');
    }
    this.entries.delete(name);
  }

  async *keys() {
    yield* [...this.entries.keys()];
  }
}

/** A navigator with the file system above and Web Locks held by `others` (other tabs). */
function fakeNavigator(others: string[] = []) {
  const root = new FakeDirectory();
  const held = new Set(others);
  const navigator = {
    storage: { getDirectory: async () => root },
    locks: {
      request: (name: string, callback: () => Promise<void>) => {
        held.add(name);
        return callback();
      },
      query: async () => ({ held: [...held].map((name) => ({ name })) }),
    },
  };
  vi.stubGlobal('navigator', navigator);
  return { root, held };
}

const bytes = (n: number, fill: number) => new Uint8Array(n).fill(fill);

afterEach(() => vi.unstubAllGlobals());

describe('work files', () => {
  it('append outputs in a worker and read back as Blobs once the file is closed', async () => {
    const { root } = fakeNavigator();
    const area = openWorkArea()!;
    expect(area).not.toBeNull();
    const sink = new WorkFileSink(area.dir, workFileName(3, 'w1'));
    const first = bytes(1000, 1);
    const a = await sink.write(first);
    // The caller reuses its array: what was written is what it held at the call.
    first.fill(9);
    const b = await sink.write(bytes(500, 2));
    expect(a).toEqual({ kind: 'stored', file: '3-w1.out', offset: 0, size: 1000 });
    expect(b).toEqual({ kind: 'stored', file: '3-w1.out', offset: 1000, size: 500 });
    await sink.close();
    if (a.kind !== 'stored' || b.kind !== 'stored') throw new Error('not stored');
    expect(new Uint8Array(await (await area.blob(b)).arrayBuffer())).toEqual(bytes(500, 2));
    expect(new Uint8Array(await (await area.blob(a)).arrayBuffer())).toEqual(bytes(1000, 1));
    const folder = (await root.getDirectoryHandle(WORK_ROOT)).entries.get(area.dir);
    expect([...(folder as FakeDirectory).entries.keys()]).toEqual(['3-w1.out']);

    // A closed sink keeps working, with Blobs.
    const late = await sink.write(bytes(10, 3));
    expect(late.kind).toBe('blob');

    await area.removeBatch(4);
    expect((folder as FakeDirectory).entries.size).toBe(1);
    await area.removeBatch(3);
    expect((folder as FakeDirectory).entries.size).toBe(0);
  });

  it('fall back to Blobs where the file system refuses', async () => {
    fakeNavigator();
    const area = openWorkArea()!;
    const holder = new WorkFileSink(area.dir, 'x.out');
    await holder.write(bytes(4, 1));
    // The same file again: its exclusive handle cannot be had while the first is open.
    const second = new WorkFileSink(area.dir, 'x.out');
    const ref = await second.write(bytes(4, 2));
    expect(ref.kind).toBe('blob');
    if (ref.kind !== 'blob') return;
    expect(new Uint8Array(await ref.blob.arrayBuffer())).toEqual(bytes(4, 2));
    expect((await second.write(bytes(1, 5))).kind).toBe('blob');
  });

  it('at start-up, delete the folders of tabs that are gone and keep those of live ones', async () => {
    const { root } = fakeNavigator(['veil-work:live-tab']);
    const work = await root.getDirectoryHandle(WORK_ROOT, { create: true });
    for (const tab of ['dead-tab', 'live-tab', 'crashed-tab']) {
      await (
        await work.getDirectoryHandle(tab, { create: true })
      ).getFileHandle('1-a.out', {
        create: true,
      });
    }
    // A file still open in a closing tab cannot go yet: it is left for the next start-up.
    const crashed = await work.getDirectoryHandle('crashed-tab');
    const open = await (await crashed.getFileHandle('1-a.out')).createSyncAccessHandle();
    const area = openWorkArea()!;
    await vi.waitFor(() => expect(work.entries.has('dead-tab')).toBe(false));
    expect(work.entries.has('live-tab')).toBe(true);
    expect(work.entries.has('crashed-tab')).toBe(true);
    open.close();
    expect(area.dir).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('name a batch’s files so that they are found together', () => {
    expect(isWorkFileOf(workFileName(12, 'abc-1'), 12)).toBe(true);
    expect(isWorkFileOf(workFileName(12, 'abc-1'), 1)).toBe(false);
    expect(isWorkFileOf(workFileName(123, 'abc-1'), 12)).toBe(false);
  });
});
