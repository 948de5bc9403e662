import { readSource } from '../../worker/source';
import type { FromFileHashWorker, ToFileHashWorker } from './fileHashClient';

// The audit trail's input hashes, off the page: each file is read (a zip entry inflated) and
// digested here, so importing thousands of files costs the page's thread nothing but a message.
const scope = globalThis as unknown as {
  onmessage: ((event: MessageEvent<ToFileHashWorker>) => void) | null;
  postMessage(message: FromFileHashWorker): void;
};

scope.onmessage = async (event) => {
  const { id, source } = event.data;
  try {
    const bytes = await readSource(source);
    const digest = await crypto.subtle.digest('SHA-256', bytes as Uint8Array<ArrayBuffer>);
    const hex = Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, '0')).join('');
    scope.postMessage({ id, hex });
  } catch {
    // Unreadable: the hasher gives null and the file is logged without a hash (never a guess).
    scope.postMessage({ id, hex: null });
  }
};
