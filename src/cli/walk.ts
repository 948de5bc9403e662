import { lstat, opendir, realpath } from 'node:fs/promises';
import { basename, dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { SetupError } from './errors';
import { describeFsError } from './keyFile';

export interface InputFile {
  /** Relative to the input root, with `/` separators on every platform. */
  readonly relativePath: string;
  readonly size: number;
}

export interface InputListing {
  /** The folder the relative paths start from (the file's folder when <in> is one file). */
  readonly root: string;
  readonly files: readonly InputFile[];
  readonly totalBytes: number;
  /** Folders that could not be read, relative like the files: their content is reported as failed. */
  readonly unreadable: readonly string[];
  /** Symbolic links and special files, which are never followed. */
  readonly ignored: number;
}

/** Sorted by UTF-16 code units, not locale: the same tree lists the same way on every machine. */
const byName = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/**
 * Lists every regular file under `input` (or `input` itself when it is a file). Only names and
 * sizes are kept in memory; no file is opened. Symbolic links are not followed (no loops, and no
 * escaping the folder the user chose).
 */
export async function listInput(input: string): Promise<InputListing> {
  const root = await realpath(input).catch((error: unknown) => {
    throw new SetupError(`cannot read <in> ${input}: ${describeFsError(error)}`);
  });
  const info = await lstat(root);
  if (info.isFile()) {
    return {
      root: dirname(root),
      files: [{ relativePath: basename(root), size: info.size }],
      totalBytes: info.size,
      unreadable: [],
      ignored: 0,
    };
  }
  if (!info.isDirectory()) throw new SetupError(`<in> ${input} is neither a file nor a folder`);

  const files: InputFile[] = [];
  const unreadable: string[] = [];
  let totalBytes = 0;
  let ignored = 0;
  // Depth-first with an explicit stack: deep trees cannot overflow the call stack.
  const stack: string[] = [''];
  while (stack.length > 0) {
    const folder = stack.pop()!;
    const entries: { name: string; kind: 'file' | 'dir' | 'other' }[] = [];
    try {
      for await (const entry of await opendir(join(root, ...splitRelative(folder)))) {
        const kind = entry.isFile() ? 'file' : entry.isDirectory() ? 'dir' : 'other';
        entries.push({ name: entry.name, kind });
      }
    } catch {
      unreadable.push(folder === '' ? '.' : folder);
      continue;
    }
    entries.sort((a, b) => byName(a.name, b.name));
    const subfolders: string[] = [];
    for (const { name, kind } of entries) {
      const relativePath = folder === '' ? name : `${folder}/${name}`;
      if (kind === 'dir') {
        subfolders.push(relativePath);
      } else if (kind === 'file') {
        const { size } = await lstat(join(root, ...splitRelative(relativePath)));
        files.push({ relativePath, size });
        totalBytes += size;
      } else {
        ignored++;
      }
    }
    // Reversed so that the stack pops them in name order.
    stack.push(...subfolders.reverse());
  }
  return { root, files, totalBytes, unreadable, ignored };
}

export const splitRelative = (relativePath: string): string[] => relativePath.split('/');

/** True when `child` is `parent` or below it (both absolute and resolved). */
export function isInsideOrSame(parent: string, child: string): boolean {
  const rel = relative(parent, child);
  return rel === '' || (rel !== '..' && !rel.startsWith(`..${sep}`) && !isAbsolute(rel));
}

/** realpath of the longest existing prefix, plus the rest: where a path that may not exist yet lands. */
export async function resolveReal(path: string): Promise<string> {
  const absolute = resolve(path);
  let existing = absolute;
  const rest: string[] = [];
  for (;;) {
    try {
      return join(await realpath(existing), ...rest.reverse());
    } catch {
      const parent = dirname(existing);
      if (parent === existing) return absolute;
      rest.push(basename(existing));
      existing = parent;
    }
  }
}
