import type { OutputRef } from './protocol';
import { isWorkFileOf, WORK_ROOT } from './workFile';

/**
 * The page's side of the work files (workFile.ts): this tab's folder in the origin private file
 * system, the outputs in it as disk-backed Blobs, and deleting them.
 *
 * Each tab works in a folder of its own named by a random id, and holds a Web Lock of the same
 * name for as long as it lives. At start-up, folders whose lock nobody holds are left over from
 * tabs that closed or crashed, and are deleted; another open tab's folder is never touched.
 */
export interface WorkArea {
  /** This tab's folder name, under WORK_ROOT. */
  readonly dir: string;
  /** A stored output as a Blob backed by the work file on disk (its batch must be finished). */
  blob(ref: Extract<OutputRef, { kind: 'stored' }>): Promise<Blob>;
  /** Deletes a batch's work files (those still open in a worker stay until the next start-up). */
  removeBatch(batch: number): Promise<void>;
}

const LOCK_PREFIX = 'veil-work:';

/** null where the browser has no origin private file system or no Web Locks. */
export function openWorkArea(): WorkArea | null {
  if (typeof navigator === 'undefined') return null;
  if (typeof navigator.storage?.getDirectory !== 'function' || !navigator.locks) return null;
  const dir = crypto.randomUUID();
  const lockName = LOCK_PREFIX + dir;
  // Held until the tab goes away (the callback's promise never settles): the lock is what tells
  // other tabs this folder is alive.
  const locked = new Promise<void>((resolve) => {
    void navigator.locks.request(lockName, () => {
      resolve();
      return new Promise<void>(() => undefined);
    });
  });
  const folder = async (): Promise<FileSystemDirectoryHandle> => {
    const root = await navigator.storage.getDirectory();
    const work = await root.getDirectoryHandle(WORK_ROOT, { create: true });
    return work.getDirectoryHandle(dir, { create: true });
  };
  void locked.then(() => sweepStale(dir)).catch(() => undefined);

  const files = new Map<string, Promise<File>>();
  const fileOf = (name: string): Promise<File> => {
    let file = files.get(name);
    if (!file) {
      file = folder().then(async (f) => (await f.getFileHandle(name)).getFile());
      // A failure is not cached: the next export may try again.
      file.catch(() => files.delete(name));
      files.set(name, file);
    }
    return file;
  };

  return {
    dir,
    blob: async (ref) => (await fileOf(ref.file)).slice(ref.offset, ref.offset + ref.size),
    removeBatch: async (batch) => {
      try {
        const f = await folder();
        const names: string[] = [];
        for await (const name of directoryNames(f)) if (isWorkFileOf(name, batch)) names.push(name);
        for (const name of names) {
          files.delete(name);
          await f.removeEntry(name).catch(() => undefined);
        }
      } catch {
        // Nothing to delete, or the file system is gone: start-up sweeps what is left.
      }
    },
  };
}

/** Deletes the folders of tabs that are gone (their lock is free). */
async function sweepStale(own: string): Promise<void> {
  const root = await navigator.storage.getDirectory();
  const work = await root.getDirectoryHandle(WORK_ROOT, { create: true });
  const { held = [] } = await navigator.locks.query();
  const alive = new Set(held.map((lock) => lock.name));
  const stale: string[] = [];
  for await (const name of directoryNames(work)) {
    if (name !== own && !alive.has(LOCK_PREFIX + name)) stale.push(name);
  }
  for (const name of stale) {
    // Fails for a file a worker still holds open (a tab that is closing): left for next time.
    await work.removeEntry(name, { recursive: true }).catch(() => undefined);
  }
}

/** `keys()` of a directory handle (async iteration is missing from TypeScript's DOM lib). */
function directoryNames(folder: FileSystemDirectoryHandle): AsyncIterable<string> {
  return (folder as unknown as { keys(): AsyncIterable<string> }).keys();
}
