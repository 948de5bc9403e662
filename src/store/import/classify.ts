import {
  isInstanceSummary,
  readInstanceSummary,
  type InstanceSummary,
} from '../../core/dicom/parseHeader';
import type { SourceRef } from '../../worker/protocol';
import { readSource, sourceSize } from '../../worker/source';
import { looksLikeZip } from './zipIndex';

/**
 * How much of a file the import reads, in turn, until the header is whole: headers are usually a
 * few KB (3 KB for a CT slice), so the first read is small; a long header (big private blocks, an
 * enhanced multi-frame's functional groups) gets a second, larger one, and only a header longer
 * still makes the whole file be read. Each read is a round trip to the browser process costing
 * ~1 ms whatever its size up to a few hundred KB, but the copying grows with it: 600 CT slices list
 * in 0.5 s with 16 KB reads against 1 s with 256 KB ones.
 */
export const HEADER_PREFIX_BYTES = [16 * 1024, 256 * 1024] as const;

export type Classified = (
  | { readonly kind: 'dicom'; readonly summary: InstanceSummary }
  | { readonly kind: 'zip' }
  | { readonly kind: 'skipped'; readonly reason: string }
) & {
  /** The file's size in bytes. */
  readonly size: number;
};

/**
 * Reads the header of one file: a DICOM instance, a zip to expand, or something to skip (and why).
 * `pace` is awaited after each read, before parsing: the caller yields to the page there when reads
 * finishing together would otherwise be parsed in one long task.
 */
export async function classify(
  source: SourceRef,
  path: string,
  pace: () => Promise<void> = async () => undefined,
): Promise<Classified> {
  const first = HEADER_PREFIX_BYTES[0];
  let prefix: Uint8Array;
  let size: number;
  try {
    prefix = await readSource(source, first);
    // A short read is the whole file. Only a longer one asks the File its size: in Chromium the
    // first size of a picked File is a synchronous trip to the disk, costly over 5,000 files.
    size = prefix.length < first ? prefix.length : sourceSize(source);
    await pace();
  } catch (error) {
    const reason = error instanceof Error ? error.message : 'cannot be read';
    return { kind: 'skipped', reason, size: 0 };
  }
  if (size === 0) return { kind: 'skipped', reason: 'the file is empty', size };
  if (looksLikeZip(prefix)) return { kind: 'zip', size };
  let result = readInstanceSummary(prefix, path, size);
  for (const limit of [...HEADER_PREFIX_BYTES.slice(1), Infinity]) {
    if (isInstanceSummary(result) || result.code !== 'TRUNCATED' || prefix.length >= size) break;
    try {
      prefix = await readSource(source, limit);
      await pace();
      result = readInstanceSummary(prefix, path, size);
    } catch (error) {
      const reason = error instanceof Error ? error.message : 'cannot be read';
      return { kind: 'skipped', reason, size };
    }
  }
  if (isInstanceSummary(result)) return { kind: 'dicom', summary: result, size };
  return { kind: 'skipped', reason: `${result.message} [${result.code}]`, size };
}
