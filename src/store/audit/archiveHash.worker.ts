import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex } from '@noble/hashes/utils.js';
import type { FromHashWorker, ToHashWorker } from './archiveHash';

// One archive per worker: the page starts it for an export and ends it after the digest.
const hash = sha256.create();
const scope = globalThis as unknown as {
  onmessage: ((event: MessageEvent<ToHashWorker>) => void) | null;
  postMessage(message: FromHashWorker): void;
};

scope.onmessage = async (event) => {
  const message = event.data;
  if (message.type === 'blob') {
    // The whole archive, read here from its (disk-backed) Blob.
    const reader = message.blob.stream().getReader();
    for (let part = await reader.read(); !part.done; part = await reader.read()) {
      hash.update(part.value);
    }
    scope.postMessage({ type: 'digest', hex: bytesToHex(hash.digest()) });
  } else if (message.type === 'chunk') {
    hash.update(message.bytes);
    scope.postMessage({ type: 'ack', bytes: message.bytes.length });
  } else {
    scope.postMessage({ type: 'digest', hex: bytesToHex(hash.digest()) });
  }
};
