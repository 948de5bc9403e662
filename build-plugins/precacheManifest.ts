import { createHash } from 'node:crypto';

/** One file of the build output, as the bundler or the public folder gives it. */
export interface BuildFile {
  /** Path inside the output folder, with '/' separators. */
  readonly fileName: string;
  readonly bytes: string | Uint8Array;
}

export interface PrecacheManifest {
  /** Output paths to precache, sorted, relative to the service worker (which sits at the root). */
  readonly files: readonly string[];
  /** 16 hex digits of SHA-256 over every precached file's name and bytes: the cache's version. */
  readonly version: string;
}

/**
 * Every file of the output is precached except the service worker itself (the browser keeps and
 * updates it on its own) and source maps: DevTools is their only reader, and the app's 5.8 MB of
 * maps would more than double what each installation stores.
 */
export function isPrecached(fileName: string, serviceWorkerFile: string): boolean {
  return fileName !== serviceWorkerFile && !fileName.endsWith('.map');
}

export function precacheManifest(
  files: readonly BuildFile[],
  serviceWorkerFile: string,
): PrecacheManifest {
  const kept = files
    .filter((file) => isPrecached(file.fileName, serviceWorkerFile))
    .sort((a, b) => (a.fileName < b.fileName ? -1 : a.fileName > b.fileName ? 1 : 0));
  const version = createHash('sha256');
  for (const file of kept) {
    // The name and a fixed-size digest of the bytes, so no two lists can hash the same input.
    version.update(file.fileName).update('\0');
    version.update(createHash('sha256').update(file.bytes).digest());
  }
  return { files: kept.map((file) => file.fileName), version: version.digest('hex').slice(0, 16) };
}
