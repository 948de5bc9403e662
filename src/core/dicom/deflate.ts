import { Inflate, deflateSync } from 'fflate';
import { VeilError } from '../errors';
import { joinParts } from './encode';

/**
 * Deflated Explicit VR Little Endian (PS3.5 §A.5): everything after the file meta group is one raw
 * deflate stream (no zlib header). fflate does both directions synchronously in browsers, workers
 * and Node, so core needs no injected inflater.
 */

/** Inflating more than this is refused: a deflate bomb must not take the worker's memory. */
export const MAX_INFLATED_BYTES = 1024 * 1024 * 1024;
/**
 * Below the absolute cap, a dataset may inflate to 50× its deflated size, and always to 64 MB.
 * Real deflated objects (SR, small images) shrink 2–10×; a blank image can shrink a thousandfold,
 * which the 64 MB floor covers. A bomb (1 MB that claims a GB) is stopped in a fraction of a
 * second instead of after inflating a gigabyte.
 */
const MAX_RATIO = 50;
const FLOOR = 64 * 1024 * 1024;

/** The most a deflated dataset of `deflatedLength` bytes may inflate to. */
export function inflateLimit(deflatedLength: number): number {
  return Math.min(MAX_INFLATED_BYTES, Math.max(FLOOR, deflatedLength * MAX_RATIO));
}

/**
 * Inflates in a stream and stops as soon as the output passes `limit`, so a deflate bomb is refused
 * before it fills memory (checking the size after a whole inflate would come too late).
 */
export function inflateDataset(
  deflated: Uint8Array,
  fileName: string,
  offset: number,
  limit = inflateLimit(deflated.length),
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
    // fflate inflates all of a pushed chunk before it reports any output, and deflate reaches
    // ~1000:1: pushing 64 KB at a time bounds each report (and the overshoot) to ~64 MB.
    const step = 1 << 16;
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
  return joinParts(parts, size);
}

export function deflateDataset(dataset: Uint8Array): Uint8Array {
  return deflateSync(dataset, { level: 6 });
}
