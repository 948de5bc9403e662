import {
  createProjectKey,
  parseProjectKeyFile,
  PROJECT_KEY_LENGTH,
  serializeProjectKey,
  type ProjectKey,
} from '../../core/deid/projectKey';
import { toVeilError } from '../../core/errors';
import type { KeyVault } from '../audit/keyVault';
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
 * Kept in this browser (the vault: IndexedDB, or localStorage where there is none) so that a
 * researcher's batches share one key across visits; the key file export is the portable copy.
 * Each new, imported or exported key is logged by its fingerprint, never the key.
 */
export const createKeySlice =
  (deps: StoreDeps, vault: KeyVault): Slice<KeySlice> =>
  (set, get) => {
    const initial = vault.initial;

    const adopt = (
      key: ProjectKey,
      created: string,
      source: 'generated' | 'imported',
      notice: Notice | null,
    ): void => {
      vault.save(key, created, source);
      set({ key, keyCreated: created, keyNotice: notice });
      get().auditKey(source, key.fingerprint);
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
        adopt(key, new Date(deps.now()).toISOString(), 'generated', {
          kind: 'info',
          text: 'A project key was created. Export it to reproduce the same pseudonyms later.',
        });
        return key;
      },
      generateKey: () => {
        adopt(fresh(), new Date(deps.now()).toISOString(), 'generated', {
          kind: 'info',
          text: 'A new project key was created.',
        });
      },
      importKey: (text) => {
        try {
          const { key, created } = parseProjectKeyFile(text);
          adopt(key, created, 'imported', {
            kind: 'info',
            text: `Key ${key.fingerprint} imported.`,
          });
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
        get().auditKey('exported', key.fingerprint);
      },
    };
  };
