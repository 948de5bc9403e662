import { deflateSync, inflateSync } from 'fflate';
import { VeilError } from '../errors';

/**
 * Deflated Explicit VR Little Endian (PS3.5 §A.5): everything after the file meta group is one raw
 * deflate stream (no zlib header). fflate does both directions synchronously in browsers, workers
 * and Node, so core needs no injected inflater.
 */

/** Inflating more than this is refused: a deflate bomb must not take the worker's memory. */
export const MAX_INFLATED_BYTES = 1024 * 1024 * 1024;

export function inflateDataset(deflated: Uint8Array, fileName: string, offset: number): Uint8Array {
  let inflated: Uint8Array;
  try {
    inflated = inflateSync(deflated);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new VeilError('INFLATE_FAILED', `the deflated dataset cannot be inflated (${reason})`, {
      fileName,
      offset,
    });
  }
  if (inflated.length > MAX_INFLATED_BYTES) {
    throw new VeilError('UNSUPPORTED', 'the deflated dataset inflates to more than 1 GB', {
      fileName,
    });
  }
  return inflated;
}

export function deflateDataset(dataset: Uint8Array): Uint8Array {
  return deflateSync(dataset, { level: 6 });
}
