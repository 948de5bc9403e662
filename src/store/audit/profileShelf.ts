import { parseProfile, profileHash, serializeProfile } from '../../core/deid/profile';
import { deleteProfile, saveProfile, type LocalData, type ProfileRecord } from '../../audit';
import type { KeyValueStorage } from '../deps';

/** Profiles the person saved by name, as name → profile JSON. */
export interface ProfileShelf {
  read(): Record<string, string>;
  /** Replaces the whole shelf (the slice adds or removes one name at a time). */
  write(saved: Record<string, string>): void;
}

/** Where earlier versions kept saved profiles; migrateLocalStorage moves them once. */
export const SAVED_PROFILES = 'veil.profiles.v1';

/**
 * IndexedDB's `profiles` store, keyed by profile hash. The slice reads a copy in memory (so it stays
 * synchronous); each change is written through in the background.
 */
export function indexedDbProfileShelf(
  data: LocalData,
  records: readonly ProfileRecord[],
  onError: (error: unknown) => void,
): ProfileShelf {
  // The newest record of each name wins (a name saved again replaces the older rule set).
  const byName = new Map<string, { hash: string; text: string; saved: number }>();
  for (const r of records) {
    const known = byName.get(r.profile.name);
    if (!known || known.saved < r.saved) {
      byName.set(r.profile.name, {
        hash: r.hash,
        text: serializeProfile(r.profile),
        saved: r.saved,
      });
    }
  }
  let chain: Promise<unknown> = Promise.resolve();
  const later = (work: () => Promise<unknown>) => {
    chain = chain.then(work).catch(onError);
  };
  return {
    read: () => Object.fromEntries([...byName].map(([name, r]) => [name, r.text])),
    write: (saved) => {
      for (const [name, known] of [...byName]) {
        if (saved[name] === known.text) continue;
        byName.delete(name);
        later(() => deleteProfile(data, known.hash));
      }
      for (const [name, text] of Object.entries(saved)) {
        if (byName.has(name)) continue;
        const profile = { ...parseProfile(text), name };
        byName.set(name, { hash: profileHash(profile), text, saved: data.now() });
        later(() => saveProfile(data, profile));
      }
    },
  };
}

/** localStorage, for a browser without IndexedDB (and the store's tests), as earlier versions. */
export function localStorageProfileShelf(storage: KeyValueStorage | null): ProfileShelf {
  return {
    read: () => {
      try {
        const raw = storage?.getItem(SAVED_PROFILES);
        const parsed: unknown = raw ? JSON.parse(raw) : {};
        return typeof parsed === 'object' && parsed !== null
          ? (parsed as Record<string, string>)
          : {};
      } catch {
        return {};
      }
    },
    write: (saved) => storage?.setItem(SAVED_PROFILES, JSON.stringify(saved)),
  };
}
