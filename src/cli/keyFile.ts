import { webcrypto } from 'node:crypto';
import { readFile, stat, writeFile } from 'node:fs/promises';
import { VeilError } from '../core/errors';
import {
  createProjectKey,
  parseProjectKey,
  PROJECT_KEY_LENGTH,
  serializeProjectKey,
} from '../core/deid/projectKey';
import type { ProjectKey } from '../core/deid/projectKey';
import { SetupError } from './errors';

export const GENERATED_KEY_NAME = 'veil-project.key';

export function generateProjectKey(): ProjectKey {
  return createProjectKey(webcrypto.getRandomValues(new Uint8Array(PROJECT_KEY_LENGTH)));
}

export interface LoadedKey {
  readonly key: ProjectKey;
  /** Set when other users can read the file: worth a warning, not a refusal. */
  readonly warning?: string;
}

export async function readKeyFile(path: string): Promise<LoadedKey> {
  let text: string;
  let mode: number;
  try {
    text = await readFile(path, 'utf8');
    mode = (await stat(path)).mode;
  } catch (error) {
    throw new SetupError(`cannot read the key file ${path}: ${describeFsError(error)}`);
  }
  let key: ProjectKey;
  try {
    key = parseProjectKey(text);
  } catch (error) {
    if (error instanceof VeilError) throw new SetupError(`${path}: ${error.message}`);
    throw error;
  }
  // Windows reports 0o666 for every file; the check only means something on POSIX.
  const shared = process.platform !== 'win32' && (mode & 0o077) !== 0;
  return shared
    ? {
        key,
        warning: `the key file ${path} can be read by other users (chmod 600 ${path} to fix)`,
      }
    : { key };
}

/** Writes a new key file: never overwrites, and only the owner may read it (mode 0600). */
export async function writeKeyFile(path: string, key: ProjectKey): Promise<void> {
  try {
    await writeFile(path, serializeProjectKey(key), { flag: 'wx', mode: 0o600 });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') {
      throw new SetupError(
        `${path} already exists: a key file is never overwritten (losing it breaks later batches)`,
      );
    }
    throw new SetupError(`cannot write the key file ${path}: ${describeFsError(error)}`);
  }
}

export function describeFsError(error: unknown): string {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') return 'no such file or folder';
  if (code === 'EACCES' || code === 'EPERM') return 'permission denied';
  if (code === 'EISDIR') return 'it is a folder';
  if (code === 'ENOTDIR') return 'a part of the path is not a folder';
  if (code === 'ENOSPC') return 'no space left on the device';
  if (code === 'EEXIST') return 'a file of that name is already there';
  return code ?? (error instanceof Error ? error.message : String(error));
}
