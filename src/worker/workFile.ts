import type { OutputRef } from './protocol';

/** The folder of the origin private file system that holds work files, one subfolder per tab. */
export const WORK_ROOT = 'veil-work';

/** The part of a FileSystemSyncAccessHandle used here (typed locally: the DOM lib lacks it). */
interface SyncAccessHandle {
  write(buffer: Uint8Array, options: { at: number }): number;
  close(): void;
}

interface SyncFileHandle {
  createSyncAccessHandle(): Promise<SyncAccessHandle>;
}

/**
 * Keeps outputs: `write` answers with where the bytes went. It is done with `bytes` before it
 * first yields (the caller reuses the array for the next file), and never rejects: whatever
 * fails, a Blob keeps the file.
 */
export interface OutputSink {
  write(bytes: Uint8Array): Promise<OutputRef>;
}

export const blobSink: OutputSink = {
  write: async (bytes) => ({
    kind: 'blob',
    blob: new Blob([bytes as Uint8Array<ArrayBuffer>], { type: 'application/dicom' }),
  }),
};

/**
 * One worker's outputs of one batch, appended to one file of the origin private file system
 * through a sync access handle (dedicated workers only): the bytes go straight from the worker to
 * disk, never through the browser process's memory, so a 2 GB batch does not sit in RAM. One
 * file per worker and batch, not per output: opening a file costs ~5 ms of round trips, appending
 * 527 KB ~0.3 ms. The page reads it as a File once the batch is finished (`close`): a File taken
 * earlier would go stale with the next append.
 *
 * If the file system is missing or refuses (quota, incognito limits), this sink and the rest of
 * the batch fall back to Blobs: slower and in memory, but the batch completes.
 */
export class WorkFileSink implements OutputSink {
  private opening: Promise<SyncAccessHandle> | undefined;
  private handle: SyncAccessHandle | undefined;
  private at = 0;
  private broken = false;

  constructor(
    private readonly dir: string,
    /** Unique in `dir`; `<batch>-…` so that a batch's files can be found and deleted together. */
    readonly name: string,
  ) {}

  async write(bytes: Uint8Array): Promise<OutputRef> {
    // The usual case, with the file open: written before this function yields.
    if (this.handle && !this.broken) return this.append(this.handle, bytes);
    if (this.broken) return blobSink.write(bytes);
    // The first file waits for the file to open: it keeps a copy, as the caller reuses `bytes`.
    const copy = bytes.slice();
    try {
      this.handle = await (this.opening ??= this.open());
    } catch {
      this.broken = true;
    }
    return this.handle && !this.broken ? this.append(this.handle, copy) : blobSink.write(copy);
  }

  private append(handle: SyncAccessHandle, bytes: Uint8Array): Promise<OutputRef> {
    try {
      // Synchronous: two jobs of this worker cannot interleave between the write and `at`.
      const written = handle.write(bytes, { at: this.at });
      if (written === bytes.length) {
        const ref: OutputRef = { kind: 'stored', file: this.name, offset: this.at, size: written };
        this.at += written;
        return Promise.resolve(ref);
      }
      // A short write is a full disk: what was written is never referenced.
    } catch {
      // Quota, or the file was taken away.
    }
    this.broken = true;
    return blobSink.write(bytes);
  }

  /** Closes the file (flushing it); later writes, if any, go to Blobs. */
  async close(): Promise<void> {
    this.broken = true;
    try {
      (this.handle ?? (await this.opening))?.close();
    } catch {
      // It never opened.
    }
  }

  private async open(): Promise<SyncAccessHandle> {
    const root = await navigator.storage.getDirectory();
    const work = await root.getDirectoryHandle(WORK_ROOT, { create: true });
    const folder = await work.getDirectoryHandle(this.dir, { create: true });
    const file = (await folder.getFileHandle(this.name, {
      create: true,
    })) as unknown as Partial<SyncFileHandle>;
    if (typeof file.createSyncAccessHandle !== 'function') {
      throw new Error('no sync access handles here');
    }
    return file.createSyncAccessHandle();
  }
}

/** A work file's name: the batch, then something unique to this worker. */
export const workFileName = (batch: number, unique: string): string => `${batch}-${unique}.out`;

/** Whether a work file belongs to `batch`. */
export const isWorkFileOf = (name: string, batch: number): boolean =>
  name.startsWith(`${batch}-`) && name.endsWith('.out');
