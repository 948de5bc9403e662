import { tabSessionId } from '../audit';
import { VEIL_VERSION } from '../core/version';
import { downloadBlob, openSaveTarget } from '../export/save';
import {
  bootLocalData,
  createArchiveHasher,
  workerSourceHasher,
  type KeyValueStorage,
  type StoreDeps,
} from '../store';
import { createDeidPool } from '../worker/pool';

/** localStorage when the browser allows it (private modes and file:// may throw on access). */
function browserStorage(): KeyValueStorage | null {
  try {
    const storage = globalThis.localStorage;
    storage.getItem('veil.probe');
    return storage;
  } catch {
    return null;
  }
}

function browserSessionStorage(): Storage | null {
  try {
    return globalThis.sessionStorage;
  } catch {
    return null;
  }
}

/**
 * The concrete world the store runs in: the worker pool, the save dialog, the browser's storage.
 * The stored data (audit log, key, profiles, working data) is opened first, and retention runs
 * once before the page shows anything (then every minute, see src/audit/retention.ts).
 */
export async function browserDeps(): Promise<StoreDeps> {
  const storage = browserStorage();
  const local = await bootLocalData({
    appVersion: VEIL_VERSION,
    sessionId: tabSessionId(browserSessionStorage()),
    storage,
    // The next tick tries again; the log records only what was deleted.
    onRetentionError: (error) =>
      console.warn('Veil: retention run failed:', error instanceof Error ? error.name : error),
  });
  return {
    runner: createDeidPool(),
    openSaveTarget,
    download: downloadBlob,
    storage,
    random: (length) => crypto.getRandomValues(new Uint8Array(length)),
    now: () => Date.now(),
    // About six progress renders a second: smooth to the eye, cheap for the main thread.
    flushMs: 150,
    local,
    sha256:
      typeof Worker === 'undefined'
        ? undefined
        : workerSourceHasher(
            () =>
              new Worker(new URL('../store/audit/fileHash.worker.ts', import.meta.url), {
                type: 'module',
                name: 'veil-file-hash',
              }),
          ),
    archiveHasher: createArchiveHasher(
      typeof Worker === 'undefined'
        ? undefined
        : () =>
            new Worker(new URL('../store/audit/archiveHash.worker.ts', import.meta.url), {
              type: 'module',
              name: 'veil-archive-hash',
            }),
    ),
  };
}
