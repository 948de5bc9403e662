import { inflateRawSync } from 'node:zlib';
import { TS } from './transferSyntax';

/**
 * The text a leak test searches: the file's bytes read as Latin-1 (one character per byte, so any
 * ASCII canary matches wherever its bytes sit, in any element or in garbage between elements).
 * When the file meta says deflated, the inflated dataset is appended, since the deflated bytes do
 * not contain canaries literally. Not searched: UTF-16 or other multi-byte re-encodings, and
 * anything inside compressed pixel data. If the deflated stream does not inflate, only the raw
 * bytes are searched and `inflateFailed` says so: a test should treat that as a failure.
 */
export function searchableText(bytes: Uint8Array): { text: string; inflateFailed: boolean } {
  const raw = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length).toString('latin1');
  const meta = readMeta(bytes);
  if (meta?.transferSyntax !== TS.deflatedLE) return { text: raw, inflateFailed: false };
  try {
    const inflated = inflateRawSync(bytes.subarray(meta.end));
    return { text: raw + '\n' + inflated.toString('latin1'), inflateFailed: false };
  } catch {
    return { text: raw, inflateFailed: true };
  }
}

/** The canaries that occur in `bytes` (after inflating a deflated dataset). */
export function findCanaries(bytes: Uint8Array, canaries: readonly string[]): string[] {
  const { text, inflateFailed } = searchableText(bytes);
  if (inflateFailed) throw new Error('findCanaries: the deflated dataset does not inflate');
  return canaries.filter((canary) => text.includes(canary));
}

/**
 * Walks the explicit VR little endian (0002) group after `DICM` for the transfer syntax and the
 * offset where the dataset starts; undefined when there is no preamble or the meta is broken.
 */
function readMeta(bytes: Uint8Array): { transferSyntax: string; end: number } | undefined {
  if (bytes.length < 132) return undefined;
  if (String.fromCharCode(...bytes.subarray(128, 132)) !== 'DICM') return undefined;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.length);
  let at = 132;
  let transferSyntax = '';
  while (at + 8 <= bytes.length && view.getUint16(at, true) === 0x0002) {
    const element = view.getUint16(at + 2, true);
    const vr = String.fromCharCode(bytes[at + 4]!, bytes[at + 5]!);
    const long = ['OB', 'OW', 'UN', 'SQ', 'UT', 'UC', 'UR'].includes(vr);
    const length = long ? view.getUint32(at + 8, true) : view.getUint16(at + 6, true);
    const valueAt = at + (long ? 12 : 8);
    if (length === 0xffffffff || valueAt + length > bytes.length) return undefined;
    if (element === 0x0010) {
      transferSyntax = String.fromCharCode(...bytes.subarray(valueAt, valueAt + length)).replace(
        /[\0 ]+$/,
        '',
      );
    }
    at = valueAt + length;
  }
  return { transferSyntax, end: at };
}
