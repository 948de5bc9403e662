import { Inflate, deflateSync } from 'fflate';
import { VeilError } from '../errors';

/**
 * Deflated Explicit VR Little Endian (PS3.5 §A.5): everything after the file meta group is one raw
 * deflate stream (no zlib header). fflate does both directions synchronously in browsers, workers
 * and Node, so core needs no injected inflater.
 */

/** Inflating more than this is refused: a deflate bomb must not take the worker's memory. */
export const MAX_INFLATED_BYTES = 1024 * 1024 * 1024;

/**
 * Inflates in a stream and stops as soon as the output passes `limit`, so a deflate bomb is refused
 * before it fills memory (checking the size after a whole inflate would come too late).
 */
export function inflateDataset(
  deflated: Uint8Array,
  fileName: string,
  offset: number,
  limit = MAX_INFLATED_BYTES,
): Uint8Array {
  const parts: Uint8Array[] = [];
  let size = 0;
  const inflater = new Inflate((chunk) => {
    size += chunk.length;
    if (size > limit) {
      throw new VeilError(
        'UNSUPPORTED',
        `the deflated dataset inflates to more than ${Math.round(limit / 1048576)} MB`,
        { fileName, offset },
      );
    }
    parts.push(chunk);
  });
  try {
    const step = 1 << 20;
    for (let at = 0; at < deflated.length; at += step) {
      inflater.push(deflated.subarray(at, at + step), at + step >= deflated.length);
    }
    if (deflated.length === 0) inflater.push(deflated, true);
  } catch (error) {
    if (error instanceof VeilError) throw error;
    const reason = error instanceof Error ? error.message : String(error);
    throw new VeilError('INFLATE_FAILED', `the deflated dataset cannot be inflated (${reason})`, {
      fileName,
      offset,
    });
  }
  const out = new Uint8Array(size);
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}

export function deflateDataset(dataset: Uint8Array): Uint8Array {
  return deflateSync(dataset, { level: 6 });
}
