/** A file found by the import, with the path a person would recognise. */
export interface PickedFile {
  readonly file: File;
  readonly path: string;
}

/** Files from an `<input type=file>` (with `webkitdirectory`, each knows its relative path). */
export function pickedFromList(files: Iterable<File>): PickedFile[] {
  return [...files].map((file) => ({ file, path: file.webkitRelativePath || file.name }));
}

/**
 * The entries of a drop, taken synchronously: DataTransfer items are only readable while the drop
 * event is being handled, so this runs first and the folders are walked afterwards.
 */
export function dropEntries(data: DataTransfer): (FileSystemEntry | File)[] {
  const found: (FileSystemEntry | File)[] = [];
  for (const item of Array.from(data.items)) {
    if (item.kind !== 'file') continue;
    const entry = item.webkitGetAsEntry?.();
    const file = entry ? undefined : item.getAsFile();
    if (entry) found.push(entry);
    else if (file) found.push(file);
  }
  if (found.length === 0) found.push(...Array.from(data.files));
  return found;
}

/** Walks dropped folders (nested, any depth) into their files. */
export async function walkEntries(
  entries: readonly (FileSystemEntry | File)[],
): Promise<PickedFile[]> {
  const picked: PickedFile[] = [];
  const visit = async (entry: FileSystemEntry): Promise<void> => {
    if (entry.isFile) {
      const file = await new Promise<File>((resolve, reject) =>
        (entry as FileSystemFileEntry).file(resolve, reject),
      );
      picked.push({ file, path: entry.fullPath.replace(/^\/+/, '') });
    } else if (entry.isDirectory) {
      for (const child of await readAll((entry as FileSystemDirectoryEntry).createReader())) {
        await visit(child);
      }
    }
  };
  for (const entry of entries) {
    if (entry instanceof File) picked.push({ file: entry, path: entry.name });
    else await visit(entry);
  }
  return picked;
}

/** readEntries returns a directory in batches (100 at a time in Chromium) until an empty one. */
async function readAll(reader: FileSystemDirectoryReader): Promise<FileSystemEntry[]> {
  const all: FileSystemEntry[] = [];
  for (;;) {
    const batch = await new Promise<FileSystemEntry[]>((resolve, reject) =>
      reader.readEntries(resolve, reject),
    );
    if (batch.length === 0) return all;
    all.push(...batch);
  }
}
