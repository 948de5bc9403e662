import type { StoreDeps } from '../deps';
import { classify } from '../import/classify';
import { dropEntries, pickedFromList, walkEntries, type PickedFile } from '../import/dataTransfer';
import { listZipEntries, ZipFormatError } from '../import/zipIndex';
import type { Slice } from '../state';
import { buildTree } from '../tree';
import type { FileId, ImportedFile, PatientNode } from '../types';

export interface ImportProgress {
  readonly active: boolean;
  /** Files found so far (zip entries included), and how many of them have been read. */
  readonly found: number;
  readonly read: number;
}

export interface ImportSlice {
  /** Every file found, in the order found (a Map keeps it). */
  readonly files: ReadonlyMap<FileId, ImportedFile>;
  readonly tree: readonly PatientNode[];
  readonly importing: ImportProgress;
  /** Files from "Open files" or "Open folder". */
  importFiles(files: Iterable<File>): Promise<void>;
  /** A drop: must be called while the drop event is handled (it reads the DataTransfer at once). */
  importDrop(data: DataTransfer): Promise<void>;
  clearFiles(): void;
}

/** Headers read at once: enough to keep the disk busy, few enough to keep the page responsive. */
const CONCURRENCY = 8;
/** Main-thread work between two yields to the page: well under the 100 ms a person notices. */
const BUDGET_MS = 30;

/**
 * Resolves at once while the current stretch of work is under budget, otherwise after a yield to
 * the event loop (reads that finish together are otherwise all parsed in one task).
 */
function pacer(): () => Promise<void> {
  let since = performance.now();
  return async () => {
    if (performance.now() - since < BUDGET_MS) return;
    await new Promise((resolve) => setTimeout(resolve, 0));
    since = performance.now();
  };
}

export const createImportSlice =
  (deps: StoreDeps): Slice<ImportSlice> =>
  (set, get) => {
    let nextId = 1;
    // Files numbered below this were cleared: late results of their reading are dropped.
    let firstLive = 1;
    const pending = new Map<FileId, ImportedFile | null>();
    let timer: ReturnType<typeof setTimeout> | undefined;
    let found = 0;
    let read = 0;
    let active = 0;

    // Results reach the state in batches: 5,000 files make a few dozen renders, not 5,000.
    const flush = (): void => {
      if (timer !== undefined) clearTimeout(timer);
      timer = undefined;
      const files = new Map(get().files);
      for (const [id, file] of pending) {
        if (file) files.set(id, file);
        else files.delete(id);
      }
      pending.clear();
      set({
        files,
        tree: buildTree(files.values()),
        importing: { active: active > 0, found, read },
      });
    };
    const put = (file: ImportedFile | null, id: FileId): void => {
      if (id < firstLive) return;
      pending.set(id, file);
      timer ??= setTimeout(flush, deps.flushMs);
    };
    const add = (path: string, size: number, source: ImportedFile['source']): ImportedFile => {
      const file: ImportedFile = { id: nextId++, path, size, source, status: 'reading' };
      found++;
      put(file, file.id);
      return file;
    };

    const pace = pacer();

    const readOne = async (picked: ImportedFile, queue: ImportedFile[]): Promise<void> => {
      await pace();
      let file = picked;
      let result: Awaited<ReturnType<typeof classify>>;
      try {
        result = await classify(file.source, file.path, pace);
      } catch {
        result = { kind: 'skipped', reason: 'the file cannot be read', size: 0 };
      }
      if (file.id < firstLive) return;
      file = { ...file, size: result.size };
      read++;
      if (result.kind === 'dicom') {
        put({ ...file, status: 'dicom', summary: result.summary }, file.id);
      } else if (result.kind === 'skipped') {
        put({ ...file, status: 'skipped', skipReason: result.reason }, file.id);
      } else if (file.source.kind !== 'blob') {
        put(
          { ...file, status: 'skipped', skipReason: 'a zip inside a zip: extract it first' },
          file.id,
        );
      } else {
        await expandZip(file, file.source.blob, queue);
      }
    };

    const expandZip = async (file: ImportedFile, zip: Blob, queue: ImportedFile[]) => {
      let entries;
      try {
        entries = await listZipEntries(zip);
      } catch (error) {
        const reason =
          error instanceof ZipFormatError ? error.message : 'the zip archive cannot be read';
        put({ ...file, status: 'skipped', skipReason: reason }, file.id);
        return;
      }
      // The archive itself is replaced by its entries.
      put(null, file.id);
      found--;
      read--;
      for (const entry of entries) {
        if (entry.isDirectory) continue;
        const path = `${file.path}/${entry.name}`;
        if (entry.encrypted || (entry.method !== 0 && entry.method !== 8)) {
          const added = add(path, entry.size, { kind: 'blob', blob: new Blob() });
          read++;
          const reason = entry.encrypted
            ? 'an encrypted zip entry: Veil cannot read it'
            : `zip compression method ${entry.method} is not supported (only stored and deflated)`;
          put({ ...added, status: 'skipped', skipReason: reason }, added.id);
          continue;
        }
        queue.push(
          add(path, entry.size, {
            kind: 'zip-entry',
            zip,
            localHeaderOffset: entry.localHeaderOffset,
            compressedSize: entry.compressedSize,
            size: entry.size,
            method: entry.method === 8 ? 8 : 0,
          }),
        );
      }
    };

    const importPicked = async (picked: readonly PickedFile[]): Promise<void> => {
      active++;
      const firstId = nextId;
      // Size 0 until the file is read: asking a picked File its size costs a disk access (classify).
      const queue = picked.map((p) => add(p.path, 0, { kind: 'blob', blob: p.file }));
      flush();
      await drain(queue, CONCURRENCY, (file) => readOne(file, queue));
      active--;
      flush();
      // Ids from this import on (zip entries included); the audit skips any another import logged.
      const ids: FileId[] = [];
      for (let id = Math.max(firstId, firstLive); id < nextId; id++) ids.push(id);
      get().auditImport(ids);
    };

    return {
      files: new Map(),
      tree: [],
      importing: { active: false, found: 0, read: 0 },
      importFiles: (files) => importPicked(pickedFromList(files)),
      importDrop: async (data) => {
        const entries = dropEntries(data);
        active++;
        try {
          await importPicked(await walkEntries(entries));
        } finally {
          active--;
        }
      },
      clearFiles: () => {
        if (get().run.status === 'running') get().cancel();
        pending.clear();
        firstLive = nextId;
        found = 0;
        read = 0;
        set({
          files: new Map(),
          tree: [],
          importing: { active: active > 0, found: 0, read: 0 },
          selection: null,
          results: new Map(),
          review: null,
          lastRun: null,
        });
        get().select(null);
        get().endBatch();
      },
    };
  };

/** Runs `work` over a queue that may grow while it runs, `concurrency` at a time. */
function drain<T>(
  queue: T[],
  concurrency: number,
  work: (item: T) => Promise<void>,
): Promise<void> {
  return new Promise((resolve) => {
    let running = 0;
    const next = (): void => {
      while (running < concurrency && queue.length > 0) {
        const item = queue.shift()!;
        running++;
        void work(item).finally(() => {
          running--;
          next();
        });
      }
      if (running === 0 && queue.length === 0) resolve();
    };
    next();
  });
}
