import type { SaveTarget } from '../export/save';
import type { DeidRunner } from '../worker/pool';
import type { ArchiveHasher } from './audit/archiveHash';
import type { LocalBoot } from './audit/boot';
import type { SourceSha256 } from './audit/fileHashes';

/** Minimal synchronous key-value storage (localStorage, or a Map in tests). */
export interface KeyValueStorage {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
  removeItem(key: string): void;
}

/** Everything the store reaches outside itself, injected by the composition root (src/app). */
export interface StoreDeps {
  readonly runner: DeidRunner;
  /**
   * Asks where to save (it must be the first thing an Export click awaits: the save dialog needs the
   * click's user activation). null when the person cancels.
   */
  readonly openSaveTarget: (suggestedName: string) => Promise<SaveTarget | null>;
  /** Saves a small file (a profile, a key file) as a download. */
  readonly download: (name: string, data: Blob) => void;
  readonly storage: KeyValueStorage | null;
  /** CSPRNG bytes (crypto.getRandomValues). */
  readonly random: (length: number) => Uint8Array;
  readonly now: () => number;
  /** How often batched progress reaches the state (and so the page): one render per interval. */
  readonly flushMs: number;
  /**
   * The browser's stored data (audit log, key, profiles, working data), opened before the store
   * (audit/boot.ts). Absent: an audit trail in memory only, with nothing to acknowledge (the
   * store's own tests); 'unavailable': the page says so and waits for the person's acknowledgement.
   */
  readonly local?: LocalBoot;
  /** Hashes export archives as they stream (in a worker on the page); default: on this thread. */
  readonly archiveHasher?: ArchiveHasher;
  /**
   * SHA-256 of an imported file, read from its source: on the page, in a worker (reading and
   * hashing 600 files is seconds of work); default: read here, then WebCrypto.
   */
  readonly sha256?: SourceSha256;
}
