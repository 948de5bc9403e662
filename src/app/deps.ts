import { downloadBlob, openSaveTarget } from '../export/save';
import type { KeyValueStorage, StoreDeps } from '../store';
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

/** The concrete world the store runs in: the worker pool, the save dialog, the browser's storage. */
export function browserDeps(): StoreDeps {
  return {
    runner: createDeidPool(),
    openSaveTarget,
    download: downloadBlob,
    storage: browserStorage(),
    random: (length) => crypto.getRandomValues(new Uint8Array(length)),
    now: () => Date.now(),
    // About six progress renders a second: smooth to the eye, cheap for the main thread.
    flushMs: 150,
  };
}
