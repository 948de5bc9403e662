import {
  isInstanceSummary,
  readInstanceSummary,
  type InstanceSummary,
} from '../../core/dicom/parseHeader';
import type { SourceRef } from '../../worker/protocol';
import { readSource, sourceSize } from '../../worker/source';
import { looksLikeZip } from './zipIndex';

/**
 * How much of a file the import reads first. Headers are usually a few KB; the rest of the file
 * (pixel data) is read only if the header turns out longer, when the whole file is read once.
 */
export const HEADER_PREFIX_BYTES = 256 * 1024;

export type Classified = (
  | { readonly kind: 'dicom'; readonly summary: InstanceSummary }
  | { readonly kind: 'zip' }
  | { readonly kind: 'skipped'; readonly reason: string }
) & {
  /** The file's size in bytes. */
  readonly size: number;
};

const baseName = (path: string): string => path.slice(path.lastIndexOf('/') + 1);

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
  let prefix: Uint8Array;
  let size: number;
  try {
    prefix = await readSource(source, HEADER_PREFIX_BYTES);
    // A short read is the whole file. Only a longer one asks the File its size: in Chromium the
    // first size of a picked File is a synchronous trip to the disk, costly over 5,000 files.
    size = prefix.length < HEADER_PREFIX_BYTES ? prefix.length : sourceSize(source);
    await pace();
  } catch (error) {
    const reason = error instanceof Error ? error.message : 'cannot be read';
    return { kind: 'skipped', reason, size: 0 };
  }
  if (size === 0) return { kind: 'skipped', reason: 'the file is empty', size };
  if (looksLikeZip(prefix)) return { kind: 'zip', size };
  // A DICOMDIR indexes a CD's files and holds the patient's data; the export writes none.
  if (baseName(path).toUpperCase() === 'DICOMDIR') {
    return {
      kind: 'skipped',
      reason: 'a DICOMDIR index, not an image (the export needs none)',
      size,
    };
  }
  let result = readInstanceSummary(prefix, path, size);
  if (!isInstanceSummary(result) && result.code === 'TRUNCATED' && prefix.length < size) {
    try {
      const whole = await readSource(source);
      await pace();
      result = readInstanceSummary(whole, path, size);
    } catch (error) {
      const reason = error instanceof Error ? error.message : 'cannot be read';
      return { kind: 'skipped', reason, size };
    }
  }
  if (isInstanceSummary(result)) return { kind: 'dicom', summary: result, size };
  return { kind: 'skipped', reason: `${result.message} [${result.code}]`, size };
}
