import {
  createProjectKey,
  parseProjectKeyFile,
  serializeProjectKey,
  type ProjectKey,
} from '../../core/deid/projectKey';
import { saveKey, type KeyRecord, type LocalData } from '../../audit';
import type { KeyValueStorage } from '../deps';

/** Where the project key is kept between visits. */
export interface KeyVault {
  /** The key in use at start: the most recently saved one. */
  readonly initial: { readonly key: ProjectKey; readonly created: string } | null;
  /** Keeps `key` (in the background; a failure goes to the vault's error handler). */
  save(key: ProjectKey, created: string, source: 'generated' | 'imported'): void;
}

/** Where earlier versions kept the key; migrateLocalStorage moves it to IndexedDB once. */
export const STORED_KEY = 'veil.projectKey.v1';

/** IndexedDB's `keys` store: kept until the person deletes it (retention never does). */
export function indexedDbKeyVault(
  data: LocalData,
  records: readonly KeyRecord[],
  onError: (error: unknown) => void,
): KeyVault {
  const latest = records[0];
  return {
    initial: latest
      ? {
          key: createProjectKey(Uint8Array.from(latest.bytes)),
          created: latest.created ?? new Date(latest.saved).toISOString(),
        }
      : null,
    save: (key, created, source) => void saveKey(data, key, source, created).catch(onError),
  };
}

/**
 * localStorage, for a browser without IndexedDB (and the store's tests): the key file's text, as
 * earlier versions kept it.
 */
export function localStorageKeyVault(storage: KeyValueStorage | null): KeyVault {
  let initial: KeyVault['initial'] = null;
  try {
    const text = storage?.getItem(STORED_KEY);
    if (text) initial = parseProjectKeyFile(text);
  } catch {
    // A damaged stored key is not used; a new one is made on first use.
  }
  return {
    initial,
    save: (key, created) => {
      try {
        storage?.setItem(STORED_KEY, serializeProjectKey(key, new Date(created)));
      } catch {
        // Without storage the key lives for this visit; the page suggests exporting it.
      }
    },
  };
}
