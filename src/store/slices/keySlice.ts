import {
  createProjectKey,
  parseProjectKeyFile,
  PROJECT_KEY_LENGTH,
  serializeProjectKey,
  type ProjectKey,
} from '../../core/deid/projectKey';
import { toVeilError } from '../../core/errors';
import type { StoreDeps } from '../deps';
import type { Notice, Slice } from '../state';

export interface KeySlice {
  /** The project key: null until first needed (created then) or imported. */
  readonly key: ProjectKey | null;
  /** When the key was created (ISO), as written in its key file. */
  readonly keyCreated: string | null;
  readonly keyNotice: Notice | null;
  /** The key, created from the CSPRNG on first use. */
  ensureKey(): ProjectKey;
  /** A new key: later batches will no longer match earlier ones (the page asks first). */
  generateKey(): void;
  importKey(keyFileText: string): void;
  exportKey(): void;
}

/**
 * Kept in this browser so that a researcher's batches share one key across visits. The audit issue
 * moves this to IndexedDB; the key file export is the portable copy.
 */
const STORED_KEY = 'veil.projectKey.v1';

export const createKeySlice =
  (deps: StoreDeps): Slice<KeySlice> =>
  (set, get) => {
    let initial: { key: ProjectKey; created: string } | null = null;
    try {
      const text = deps.storage?.getItem(STORED_KEY);
      if (text) initial = parseProjectKeyFile(text);
    } catch {
      // A damaged stored key is not used; a new one is made on first use.
    }

    const adopt = (key: ProjectKey, created: string, notice: Notice | null): void => {
      try {
        deps.storage?.setItem(STORED_KEY, serializeProjectKey(key, new Date(created)));
      } catch {
        // Without storage the key lives for this visit; the page suggests exporting it.
      }
      set({ key, keyCreated: created, keyNotice: notice });
    };
    const fresh = (): ProjectKey => createProjectKey(deps.random(PROJECT_KEY_LENGTH));

    return {
      key: initial?.key ?? null,
      keyCreated: initial?.created ?? null,
      keyNotice: null,
      ensureKey: () => {
        const existing = get().key;
        if (existing) return existing;
        const key = fresh();
        adopt(key, new Date(deps.now()).toISOString(), {
          kind: 'info',
          text: 'A project key was created. Export it to reproduce the same pseudonyms later.',
        });
        return key;
      },
      generateKey: () => {
        adopt(fresh(), new Date(deps.now()).toISOString(), {
          kind: 'info',
          text: 'A new project key was created.',
        });
      },
      importKey: (text) => {
        try {
          const { key, created } = parseProjectKeyFile(text);
          adopt(key, created, { kind: 'info', text: `Key ${key.fingerprint} imported.` });
        } catch (error) {
          set({ keyNotice: { kind: 'error', text: toVeilError(error).message } });
        }
      },
      exportKey: () => {
        const key = get().ensureKey();
        const created = get().keyCreated ?? new Date(deps.now()).toISOString();
        deps.download(
          `veil-project-key-${key.fingerprint}.json`,
          new Blob([serializeProjectKey(key, new Date(created))], { type: 'application/json' }),
        );
      },
    };
  };
