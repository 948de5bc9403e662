import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex } from '@noble/hashes/utils.js';

/** The SHA-256 of an archive, taken as it streams to disk (the `exported` entry names it). */
export interface ArchiveHasher {
  /** A stream with the same bytes as `stream`, and the hash of those bytes once it has ended. */
  tap(stream: ReadableStream<Uint8Array>): {
    readonly stream: ReadableStream<Uint8Array>;
    digest(): Promise<string>;
  };
  /**
   * The hash of an archive that exists as a Blob (the download path): the worker reads the Blob
   * itself, so no byte of it passes through the page.
   */
  hashBlob(blob: Blob): Promise<string>;
}

/** What the page and archiveHash.worker.ts say to each other. */
export type ToHashWorker =
  | { readonly type: 'chunk'; readonly bytes: Uint8Array }
  | { readonly type: 'end' }
  | { readonly type: 'blob'; readonly blob: Blob };
export type FromHashWorker =
  | { readonly type: 'ack'; readonly bytes: number }
  | { readonly type: 'digest'; readonly hex: string };

/** The part of a Worker the hasher uses. */
export interface HashWorkerLike {
  onmessage: ((event: MessageEvent<FromHashWorker>) => void) | null;
  onerror: ((event: ErrorEvent) => void) | null;
  postMessage(message: ToHashWorker): void;
  terminate(): void;
}

/**
 * Bytes handed to the worker and not yet hashed, at most: JavaScript SHA-256 runs at about
 * 100 MB/s, slower than a zip streams to disk, so without a bound a 2 GB export would queue up in
 * the worker's memory. With it, the export waits for the hash instead.
 */
const MAX_IN_FLIGHT = 32 * 1024 * 1024;
/** Main-thread fallback: hash in slices this big and yield between them (no long task). */
const SLICE = 1024 * 1024;
const YIELD_AFTER_MS = 12;

/**
 * Hashes in a worker when `createWorker` is given (the page: the hash then costs the page's thread
 * only a copy of each chunk), else on the calling thread in small slices (tests in Node).
 */
export function createArchiveHasher(
  createWorker?: () => HashWorkerLike,
  maxInFlight = MAX_IN_FLIGHT,
): ArchiveHasher {
  return {
    tap: (stream) =>
      createWorker ? tapInWorker(stream, createWorker(), maxInFlight) : tapHere(stream),
    hashBlob: (blob) => (createWorker ? blobInWorker(blob, createWorker()) : blobHere(blob)),
  };
}

async function blobHere(blob: Blob): Promise<string> {
  const { stream, digest } = tapHere(blob.stream());
  await stream.pipeTo(new WritableStream());
  return digest();
}

function blobInWorker(blob: Blob, worker: HashWorkerLike): Promise<string> {
  return new Promise<string>((resolve, reject) => {
    worker.onmessage = (event) => {
      if (event.data.type !== 'digest') return;
      resolve(event.data.hex);
      worker.terminate();
    };
    worker.onerror = () => {
      reject(new Error('the archive hash worker stopped'));
      worker.terminate();
    };
    worker.postMessage({ type: 'blob', blob });
  });
}

function tapHere(stream: ReadableStream<Uint8Array>) {
  const hash = sha256.create();
  let result: (hex: string) => void = () => undefined;
  const digest = new Promise<string>((resolve) => (result = resolve));
  const tapped = stream.pipeThrough(
    new TransformStream<Uint8Array, Uint8Array>({
      async transform(chunk, controller) {
        let since = performance.now();
        for (let at = 0; at < chunk.length; at += SLICE) {
          hash.update(chunk.subarray(at, at + SLICE));
          if (performance.now() - since > YIELD_AFTER_MS) {
            await new Promise((resolve) => setTimeout(resolve, 0));
            since = performance.now();
          }
        }
        controller.enqueue(chunk);
      },
      flush() {
        result(bytesToHex(hash.digest()));
      },
    }),
  );
  return { stream: tapped, digest: () => digest };
}

function tapInWorker(
  stream: ReadableStream<Uint8Array>,
  worker: HashWorkerLike,
  maxInFlight: number,
) {
  let inFlight = 0;
  let broken = false;
  let drained: (() => void) | undefined;
  let result: (hex: string) => void = () => undefined;
  let failed: (error: Error) => void = () => undefined;
  const digest = new Promise<string>((resolve, reject) => {
    result = resolve;
    failed = reject;
  });
  // The export may fail before the end: nobody awaits the digest then.
  digest.catch(() => undefined);
  worker.onmessage = (event) => {
    const message = event.data;
    if (message.type === 'ack') {
      inFlight -= message.bytes;
      if (inFlight <= maxInFlight) drained?.();
    } else {
      result(message.hex);
      worker.terminate();
    }
  };
  worker.onerror = () => {
    broken = true;
    failed(new Error('the archive hash worker stopped'));
    drained?.();
    worker.terminate();
  };
  const tapped = stream.pipeThrough(
    new TransformStream<Uint8Array, Uint8Array>({
      async transform(chunk, controller) {
        // Structured clone copies the chunk: the original still goes on to the file.
        worker.postMessage({ type: 'chunk', bytes: chunk });
        inFlight += chunk.length;
        controller.enqueue(chunk);
        while (!broken && inFlight > maxInFlight) {
          await new Promise<void>((resolve) => (drained = resolve));
          drained = undefined;
        }
      },
      flush() {
        worker.postMessage({ type: 'end' });
      },
    }),
  );
  return { stream: tapped, digest: () => digest };
}
