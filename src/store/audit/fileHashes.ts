import type { SourceRef } from '../../worker/protocol';
import { readSource } from '../../worker/source';
import type { FileId } from '../types';

/** SHA-256 of some bytes as lower-case hex. */
export type Sha256 = (bytes: Uint8Array) => Promise<string>;

/** SHA-256 of an imported file's bytes (read from its source) as lower-case hex. */
export type SourceSha256 = (source: SourceRef) => Promise<string>;

/**
 * WebCrypto's digest: native code, and in Chromium it runs off the page's thread, so hashing a
 * 500 MB file never freezes the page (a JavaScript SHA-256 would take seconds on it).
 */
export const webCryptoSha256: Sha256 = async (bytes) => {
  const digest = await crypto.subtle.digest('SHA-256', bytes as Uint8Array<ArrayBuffer>);
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, '0')).join('');
};

/** Reads the file on this thread, then WebCrypto (tests; the page hashes in fileHash.worker.ts). */
export const readAndHash: SourceSha256 = async (source) =>
  webCryptoSha256(await readSource(source));

/**
 * Files read at once for hashing: each is held whole while its digest runs, so two bound the memory
 * to two files, while the disk and the digest still overlap.
 */
const CONCURRENCY = 2;

/**
 * The SHA-256 of each imported file, for the audit trail (files-imported, phi-viewed, file-failed).
 * Each file is hashed once, in the background, a few at a time; a file that cannot be read gives
 * null. A hash the worker pool already computed for a file (`offer`) saves reading it again.
 */
export class FileHasher {
  private readonly hashes = new Map<FileId, Promise<string | null>>();
  private readonly offered = new Map<FileId, string>();
  private running = 0;
  private readonly waiting: (() => void)[] = [];

  /**
   * `gate` is awaited before each file is read: the store holds hashing back while a run reads the
   * same files (the run's own hashes are then offered), so a batch is not read twice at once.
   */
  constructor(
    private readonly sha256: SourceSha256 = readAndHash,
    private readonly gate: () => Promise<void> = async () => undefined,
  ) {}

  hash(id: FileId, source: SourceRef): Promise<string | null> {
    let hash = this.hashes.get(id);
    if (!hash) {
      hash = this.compute(id, source);
      this.hashes.set(id, hash);
    }
    return hash;
  }

  /** A hash known from elsewhere (the worker read the same bytes). */
  offer(id: FileId, hash: string): void {
    if (!this.hashes.has(id)) this.hashes.set(id, Promise.resolve(hash));
    else this.offered.set(id, hash);
  }

  /**
   * Forgets every file (ids are not reused). Hashing already asked for still finishes: the import
   * of a batch cleared at once is still logged.
   */
  clear(): void {
    this.hashes.clear();
    this.offered.clear();
  }

  private async compute(id: FileId, source: SourceRef): Promise<string | null> {
    await this.gate();
    // A waiter is handed the slot of the read that ends (`running` stays as it is).
    if (this.running >= CONCURRENCY) await new Promise<void>((go) => this.waiting.push(go));
    else this.running++;
    try {
      const known = this.offered.get(id);
      if (known !== undefined) return known;
      return await this.sha256(source);
    } catch {
      return null;
    } finally {
      const next = this.waiting.shift();
      if (next) next();
      else this.running--;
    }
  }
}
