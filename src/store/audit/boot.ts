import { parseProfile } from '../../core/deid/profile';
import { parseProjectKeyFile } from '../../core/deid/projectKey';
import {
  loadKeys,
  loadProfiles,
  loadSettings,
  openLocalData,
  resumableBatch,
  saveKey,
  saveProfile,
  startRetentionTimer,
  systemClock,
  type KeyRecord,
  type LocalData,
  type OpenOptions,
  type OpenResult,
  type ProfileRecord,
  type PseudonymTableRecord,
  type RetentionClock,
  type RetentionReport,
  type RetentionTimer,
  type SavedBatch,
  type Settings,
  type StorageProblem,
} from '../../audit';
import type { AuditEventType } from '../../core/audit';
import type { KeyValueStorage } from '../deps';
import { STORED_KEY } from './keyVault';
import { SAVED_PROFILES } from './profileShelf';

/** What the store starts from when this browser keeps data (see bootLocalData). */
export interface StoredBoot {
  readonly kind: 'stored';
  readonly data: LocalData;
  readonly settings: Settings;
  /** Most recently saved first. */
  readonly keys: readonly KeyRecord[];
  readonly profiles: readonly ProfileRecord[];
  /** The most recently used pseudonym table, if one is kept. */
  readonly pseudonymTable: PseudonymTableRecord | undefined;
  /** An unfinished batch to offer for resuming. */
  readonly resumable: SavedBatch | undefined;
  /** The profile hash the log last named (profile-chosen or -changed), to log only real changes. */
  readonly lastProfileHash: string | null;
  readonly retention: {
    readonly timer: RetentionTimer;
    /** The store's listener for later runs (it refreshes what it shows). */
    listen(listener: (report: RetentionReport) => void): void;
  };
}

export type LocalBoot =
  StoredBoot | { readonly kind: 'unavailable'; readonly problem: StorageProblem };

export interface BootOptions {
  readonly appVersion: string;
  readonly sessionId: string;
  /** localStorage, where earlier versions kept the key and saved profiles. */
  readonly storage: KeyValueStorage | null;
  readonly clock?: RetentionClock;
  readonly random?: (length: number) => Uint8Array;
  /** Database name (tests use their own). */
  readonly name?: string;
  readonly open?: (options: OpenOptions) => Promise<OpenResult>;
  readonly onRetentionError?: (error: unknown) => void;
}

const PROFILE_EVENTS: AuditEventType[] = ['profile-chosen', 'profile-changed'];

/**
 * Opens the browser's data before the store exists, so that the store starts with its key,
 * profiles and settings in hand (nothing can race a half-loaded key): moves what earlier versions
 * kept in localStorage, enforces retention once (start-up), then starts its timer and finds a batch
 * to offer for resuming among what survived.
 */
export async function bootLocalData(options: BootOptions): Promise<LocalBoot> {
  const clock = options.clock ?? systemClock;
  const opened = await (options.open ?? openLocalData)({
    appVersion: options.appVersion,
    sessionId: options.sessionId,
    now: () => clock.now(),
    ...(options.name !== undefined ? { name: options.name } : {}),
    ...(options.random ? { random: options.random } : {}),
  });
  if (!opened.ok) return { kind: 'unavailable', problem: opened.problem };
  const data = opened.data;
  await migrateLocalStorage(data, options.storage);

  let listener: ((report: RetentionReport) => void) | undefined;
  const timer = startRetentionTimer(data, clock, {
    onReport: (report) => listener?.(report),
    onError: (error) => options.onRetentionError?.(error),
  });
  try {
    await timer.runNow();
  } catch (error) {
    options.onRetentionError?.(error);
  }

  const [settings, keys, profiles, tables, resumable, last] = await Promise.all([
    loadSettings(data.db),
    loadKeys(data),
    loadProfiles(data),
    data.db.getAll('pseudonymTables'),
    resumableBatch(data),
    data.audit.query({ types: PROFILE_EVENTS, limit: 1 }),
  ]);
  const lastEvent = last.entries[0]?.event;
  return {
    kind: 'stored',
    data,
    settings,
    keys,
    profiles,
    pseudonymTable: tables.sort((a, b) => b.touched - a.touched)[0],
    resumable,
    lastProfileHash:
      lastEvent && 'profileHash' in lastEvent && typeof lastEvent.profileHash === 'string'
        ? lastEvent.profileHash
        : null,
    retention: { timer, listen: (l) => void (listener = l) },
  };
}

/**
 * Earlier versions kept the project key and saved profiles in localStorage. They move to
 * IndexedDB once, and are then deleted from localStorage (which any script of the origin can read,
 * and which no retention policy covers). A key file that cannot be read is left where it is; a
 * saved profile this version cannot read is dropped (it could never be loaded).
 */
export async function migrateLocalStorage(
  data: LocalData,
  storage: KeyValueStorage | null,
): Promise<void> {
  if (!storage) return;
  const read = (key: string): string | null => {
    try {
      return storage.getItem(key);
    } catch {
      return null;
    }
  };
  const keyText = read(STORED_KEY);
  if (keyText) {
    let parsed: ReturnType<typeof parseProjectKeyFile> | undefined;
    try {
      parsed = parseProjectKeyFile(keyText);
    } catch {
      parsed = undefined;
    }
    if (parsed) {
      if (!(await data.db.get('keys', parsed.key.fingerprint))) {
        await saveKey(data, parsed.key, 'migrated', parsed.created);
      }
      storage.removeItem(STORED_KEY);
    }
  }
  const profilesText = read(SAVED_PROFILES);
  if (profilesText) {
    let saved: Record<string, unknown> = {};
    try {
      const value: unknown = JSON.parse(profilesText);
      if (typeof value === 'object' && value !== null) saved = value as Record<string, unknown>;
    } catch {
      return;
    }
    for (const [name, text] of Object.entries(saved)) {
      try {
        if (typeof text === 'string') await saveProfile(data, { ...parseProfile(text), name });
      } catch {
        // A profile this version cannot read is dropped with the rest: it could never be loaded.
      }
    }
    storage.removeItem(SAVED_PROFILES);
  }
}
