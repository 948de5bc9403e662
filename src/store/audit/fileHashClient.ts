import type { SourceRef } from '../../worker/protocol';
import type { SourceSha256 } from './fileHashes';

export interface ToFileHashWorker {
  readonly id: number;
  readonly source: SourceRef;
}
export interface FromFileHashWorker {
  readonly id: number;
  readonly hex: string | null;
}

/** The part of a Worker the client uses. */
export interface FileHashWorkerLike {
  onmessage: ((event: MessageEvent<FromFileHashWorker>) => void) | null;
  postMessage(message: ToFileHashWorker): void;
}

/**
 * Hashes imported files in one worker (fileHash.worker.ts): a source (a File, or a zip entry of
 * one) is posted, its SHA-256 comes back. The worker is made on first use and kept.
 */
export function workerSourceHasher(createWorker: () => FileHashWorkerLike): SourceSha256 {
  let worker: FileHashWorkerLike | undefined;
  let next = 0;
  const pending = new Map<number, { resolve: (hex: string) => void; reject: (e: Error) => void }>();
  return (source) => {
    if (!worker) {
      worker = createWorker();
      worker.onmessage = (event) => {
        const waiting = pending.get(event.data.id);
        pending.delete(event.data.id);
        if (event.data.hex === null) waiting?.reject(new Error('the file could not be read'));
        else waiting?.resolve(event.data.hex);
      };
    }
    const id = ++next;
    const done = new Promise<string>((resolve, reject) => pending.set(id, { resolve, reject }));
    worker.postMessage({ id, source });
    return done;
  };
}
