import { Inflate, inflateSync } from 'fflate';
import type { SourceRef } from './protocol';

/**
 * Reads a file's bytes from its SourceRef, on the page or in a worker. `limit` reads only a prefix
 * (the import reads headers this way); a deflated zip entry is then inflated only as far as needed.
 * Throws SourceReadError (a file moved or changed since it was picked, a damaged zip entry).
 */
export class SourceReadError extends Error {
  override readonly name = 'SourceReadError';
}

export const sourceSize = (source: SourceRef): number =>
  source.kind === 'blob' ? source.blob.size : source.size;

export async function readSource(source: SourceRef, limit = Infinity): Promise<Uint8Array> {
  try {
    if (source.kind === 'blob') {
      // No `blob.size` here: for a picked File, Chromium answers it with a synchronous trip to the
      // disk (~0.2 ms, on the page's thread at import); slice() clamps a long end by itself.
      const blob = limit === Infinity ? source.blob : source.blob.slice(0, limit);
      return new Uint8Array(await blob.arrayBuffer());
    }
    const data = await zipEntryData(source);
    if (source.method === 0) {
      return new Uint8Array(await data.slice(0, Math.min(limit, source.size)).arrayBuffer());
    }
    if (limit < source.size) return await inflatePrefix(data, limit);
    const out = inflateSync(new Uint8Array(await data.arrayBuffer()), {
      out: new Uint8Array(source.size),
    });
    if (out.length !== source.size)
      throw new SourceReadError('the zip entry is shorter than its directory says');
    return out;
  } catch (error) {
    if (error instanceof SourceReadError) throw error;
    // NotReadableError and friends: the browser lost access to the file on disk.
    const reason = error instanceof Error ? error.name : 'unknown error';
    throw new SourceReadError(
      `the file cannot be read any more (${reason}): it may have been moved or changed since it was opened`,
    );
  }
}

/** The entry's compressed bytes: after the local header, whose name and extra lengths may differ from the central directory's. */
async function zipEntryData(source: Extract<SourceRef, { kind: 'zip-entry' }>): Promise<Blob> {
  const at = source.localHeaderOffset;
  const header = new Uint8Array(await source.zip.slice(at, at + 30).arrayBuffer());
  const view = new DataView(header.buffer);
  if (header.length < 30 || view.getUint32(0, true) !== 0x04034b50) {
    throw new SourceReadError('the zip entry has no local header where the directory points');
  }
  const start = at + 30 + view.getUint16(26, true) + view.getUint16(28, true);
  return source.zip.slice(start, start + source.compressedSize);
}

const CHUNK = 64 * 1024;

async function inflatePrefix(data: Blob, limit: number): Promise<Uint8Array> {
  const out = new Uint8Array(limit);
  let filled = 0;
  const inflater = new Inflate((chunk) => {
    const take = Math.min(chunk.length, limit - filled);
    out.set(chunk.subarray(0, take), filled);
    filled += take;
  });
  for (let at = 0; at < data.size && filled < limit; at += CHUNK) {
    const chunk = new Uint8Array(await data.slice(at, at + CHUNK).arrayBuffer());
    inflater.push(chunk, at + CHUNK >= data.size);
  }
  return out.subarray(0, filled);
}
