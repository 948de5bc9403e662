/**
 * The central directory of a zip archive, read from the end of the Blob: entry names, sizes and
 * where each entry's local header sits. Nothing else of the archive is read, so opening a 4 GB zip
 * costs a few reads; each entry is inflated later, alone, when its bytes are needed (readSource).
 * Zip64 (archives past 4 GB or 65,535 entries) is understood.
 */
export interface ZipEntryInfo {
  readonly name: string;
  readonly method: number;
  readonly encrypted: boolean;
  readonly compressedSize: number;
  readonly size: number;
  readonly localHeaderOffset: number;
  readonly isDirectory: boolean;
}

export class ZipFormatError extends Error {
  override readonly name = 'ZipFormatError';
}

const EOCD = 0x06054b50;
const ZIP64_LOCATOR = 0x07064b50;
const ZIP64_EOCD = 0x06064b50;
const CENTRAL = 0x02014b50;
/** EOCD (22 bytes) plus the longest comment it may carry. */
const TAIL = 22 + 0xffff;
const utf8 = new TextDecoder('utf-8');

async function bytesOf(blob: Blob, start: number, end: number): Promise<DataView> {
  const buffer = await blob.slice(start, end).arrayBuffer();
  return new DataView(buffer);
}

export function looksLikeZip(prefix: Uint8Array): boolean {
  // Local file header, or the end record of an empty archive.
  return (
    prefix.length >= 4 &&
    prefix[0] === 0x50 &&
    prefix[1] === 0x4b &&
    ((prefix[2] === 0x03 && prefix[3] === 0x04) || (prefix[2] === 0x05 && prefix[3] === 0x06))
  );
}

export async function listZipEntries(zip: Blob): Promise<ZipEntryInfo[]> {
  const tailStart = Math.max(0, zip.size - TAIL);
  const tail = await bytesOf(zip, tailStart, zip.size);
  let at = -1;
  for (let i = tail.byteLength - 22; i >= 0; i--) {
    if (tail.getUint32(i, true) === EOCD) {
      at = i;
      break;
    }
  }
  if (at < 0)
    throw new ZipFormatError('the zip archive has no central directory (damaged or cut short)');
  let count = tail.getUint16(at + 10, true);
  let size = tail.getUint32(at + 12, true);
  let offset = tail.getUint32(at + 16, true);
  if (count === 0xffff || size === 0xffffffff || offset === 0xffffffff) {
    const locatorAt = at - 20;
    if (locatorAt < 0 || tail.getUint32(locatorAt, true) !== ZIP64_LOCATOR) {
      throw new ZipFormatError('the Zip64 archive has no Zip64 locator');
    }
    const recordAt = Number(tail.getBigUint64(locatorAt + 8, true));
    const record = await bytesOf(zip, recordAt, recordAt + 56);
    if (record.byteLength < 56 || record.getUint32(0, true) !== ZIP64_EOCD) {
      throw new ZipFormatError('the Zip64 end record is missing');
    }
    count = Number(record.getBigUint64(32, true));
    size = Number(record.getBigUint64(40, true));
    offset = Number(record.getBigUint64(48, true));
  }
  if (offset + size > zip.size)
    throw new ZipFormatError('the central directory lies past the end of the archive');
  const directory = await bytesOf(zip, offset, offset + size);
  const entries: ZipEntryInfo[] = [];
  let p = 0;
  for (let n = 0; n < count; n++) {
    if (p + 46 > directory.byteLength || directory.getUint32(p, true) !== CENTRAL) {
      throw new ZipFormatError('the central directory is damaged');
    }
    const flags = directory.getUint16(p + 8, true);
    const method = directory.getUint16(p + 10, true);
    let compressedSize = directory.getUint32(p + 20, true);
    let entrySize = directory.getUint32(p + 24, true);
    const nameLength = directory.getUint16(p + 28, true);
    const extraLength = directory.getUint16(p + 30, true);
    const commentLength = directory.getUint16(p + 32, true);
    let localHeaderOffset = directory.getUint32(p + 42, true);
    const nameStart = p + 46;
    const name = utf8.decode(
      new Uint8Array(directory.buffer, directory.byteOffset + nameStart, nameLength),
    );
    // Zip64 extended information: only the fields whose 32-bit slot is saturated, in this order.
    let e = nameStart + nameLength;
    const extraEnd = e + extraLength;
    while (e + 4 <= extraEnd) {
      const id = directory.getUint16(e, true);
      const length = directory.getUint16(e + 2, true);
      if (id === 0x0001) {
        let f = e + 4;
        const next = (): number => {
          const value = Number(directory.getBigUint64(f, true));
          f += 8;
          return value;
        };
        if (entrySize === 0xffffffff) entrySize = next();
        if (compressedSize === 0xffffffff) compressedSize = next();
        if (localHeaderOffset === 0xffffffff) localHeaderOffset = next();
      }
      e += 4 + length;
    }
    entries.push({
      name,
      method,
      encrypted: (flags & 1) === 1,
      compressedSize,
      size: entrySize,
      localHeaderOffset,
      isDirectory: name.endsWith('/'),
    });
    p = extraEnd + commentLength;
  }
  return entries;
}
