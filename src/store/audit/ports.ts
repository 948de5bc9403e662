import type { StoreDeps } from '../deps';
import { indexedDbKeyVault, localStorageKeyVault, type KeyVault } from './keyVault';
import { indexedDbProfileShelf, localStorageProfileShelf, type ProfileShelf } from './profileShelf';

/** Where the key and profile slices keep what outlives a visit. */
export interface LocalPorts {
  readonly keys: KeyVault;
  readonly profiles: ProfileShelf;
  /** The pseudonym table kept from an earlier visit (its CSV text), if any. */
  readonly pseudonymTable: string | null;
}

/**
 * IndexedDB when this browser keeps data (deps.local), else localStorage as earlier versions did:
 * a browser without IndexedDB often has no localStorage either, and then both only last the visit.
 */
export function localPorts(deps: StoreDeps, onError: (error: unknown) => void): LocalPorts {
  const local = deps.local?.kind === 'stored' ? deps.local : undefined;
  if (!local) {
    return {
      keys: localStorageKeyVault(deps.storage),
      profiles: localStorageProfileShelf(deps.storage),
      pseudonymTable: null,
    };
  }
  return {
    keys: indexedDbKeyVault(local.data, local.keys, onError),
    profiles: indexedDbProfileShelf(local.data, local.profiles, onError),
    pseudonymTable: local.pseudonymTable?.csv ?? null,
  };
}
