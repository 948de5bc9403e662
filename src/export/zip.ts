import { crc32 } from '../worker/crc32';
import type { ExportPlan } from './exportPlan';

/**
 * The export zip, assembled as one Blob from the outputs' own Blobs, without reading them: every
 * output's size and CRC-32 are known before the first byte (the workers computed the CRC while the
 * file was in memory), so each entry is a small local header followed by the output Blob itself,
 * and the archive ends with the central directory. When the outputs are disk-backed (work files,
 * see src/worker/workFile.ts) the whole zip is: a download of it streams from disk in the browser
 * process, and nothing of a 4 GB export passes through the page's memory.
 *
 * Stored entries only (no compression: DICOM pixel data barely compresses and storing keeps the
 * speed of a copy), names in UTF-8 (flag bit 11), and Zip64 for any entry, offset or count past the
 * classic limits (PKWARE APPNOTE 6.3.10, §4.3.9, §4.4.1.4, §4.5.3), so that `unzip` and every
 * other reader opens archives past 4 GB.
 */

export interface ZipEntry {
  readonly name: string;
  readonly data: Blob | Uint8Array;
  /** CRC-32 of `data`; computed here when absent (only sensible for small data in memory). */
  readonly crc32?: number;
}

export interface ZipOptions {
  /** The entries' modification time (MS-DOS local time, two-second resolution). */
  readonly lastModified: Date;
  /** Zip64 records even where the classic ones would do (tests exercise them with small files). */
  readonly forceZip64?: boolean;
}

export interface BuiltZip {
  readonly blob: Blob;
  /** Where each entry's data ends in the archive, in entry order. */
  readonly ends: readonly number[];
}

const MAX32 = 0xffffffff;
const MAX16 = 0xffff;
const UTF8_NAMES = 0x0800;
const ZIP64_VERSION = 45;
const CLASSIC_VERSION = 20;

const encoder = new TextEncoder();

export function buildZip(entries: readonly ZipEntry[], options: ZipOptions): BuiltZip {
  const { parts, ends } = zipParts(entries, options);
  return { blob: new Blob(parts, { type: 'application/zip' }), ends };
}

/** The archive's parts in order: headers made here, entry data as given, the directory last. */
export function zipParts(
  entries: readonly ZipEntry[],
  options: ZipOptions,
): { readonly parts: (Blob | Uint8Array<ArrayBuffer>)[]; readonly ends: readonly number[] } {
  const force = options.forceZip64 === true;
  const { time, date } = dosDateTime(options.lastModified);
  const parts: (Blob | Uint8Array<ArrayBuffer>)[] = [];
  const central: Uint8Array<ArrayBuffer>[] = [];
  const ends: number[] = [];
  let offset = 0;
  for (const entry of entries) {
    const name = encoder.encode(entry.name);
    const size = entry.data instanceof Blob ? entry.data.size : entry.data.length;
    const crc =
      entry.crc32 ?? (entry.data instanceof Blob ? missingCrc(entry.name) : crc32(entry.data));
    const bigSize = force || size >= MAX32;
    const bigOffset = force || offset >= MAX32;
    const version = bigSize || bigOffset ? ZIP64_VERSION : CLASSIC_VERSION;

    // Local header (§4.3.7); a Zip64 one carries both sizes in its extra field (§4.5.3).
    const local = new Uint8Array(30 + name.length + (bigSize ? 20 : 0));
    const l = new DataView(local.buffer);
    l.setUint32(0, 0x04034b50, true);
    l.setUint16(4, bigSize ? ZIP64_VERSION : CLASSIC_VERSION, true);
    l.setUint16(6, UTF8_NAMES, true);
    l.setUint16(8, 0, true);
    l.setUint16(10, time, true);
    l.setUint16(12, date, true);
    l.setUint32(14, crc, true);
    l.setUint32(18, bigSize ? MAX32 : size, true);
    l.setUint32(22, bigSize ? MAX32 : size, true);
    l.setUint16(26, name.length, true);
    l.setUint16(28, bigSize ? 20 : 0, true);
    local.set(name, 30);
    if (bigSize) {
      const at = 30 + name.length;
      l.setUint16(at, 0x0001, true);
      l.setUint16(at + 2, 16, true);
      setUint64(l, at + 4, size);
      setUint64(l, at + 12, size);
    }

    // Central directory header (§4.3.12): the Zip64 extra holds only the fields set to 0xFFFFFFFF.
    const extra = (bigSize ? 16 : 0) + (bigOffset ? 8 : 0);
    const record = new Uint8Array(46 + name.length + (extra > 0 ? 4 + extra : 0));
    const c = new DataView(record.buffer);
    c.setUint32(0, 0x02014b50, true);
    c.setUint16(4, ZIP64_VERSION, true);
    c.setUint16(6, version, true);
    c.setUint16(8, UTF8_NAMES, true);
    c.setUint16(10, 0, true);
    c.setUint16(12, time, true);
    c.setUint16(14, date, true);
    c.setUint32(16, crc, true);
    c.setUint32(20, bigSize ? MAX32 : size, true);
    c.setUint32(24, bigSize ? MAX32 : size, true);
    c.setUint16(28, name.length, true);
    c.setUint16(30, extra > 0 ? 4 + extra : 0, true);
    // Comment length, disk number, internal and external attributes: 0.
    c.setUint32(42, bigOffset ? MAX32 : offset, true);
    record.set(name, 46);
    if (extra > 0) {
      let at = 46 + name.length;
      c.setUint16(at, 0x0001, true);
      c.setUint16(at + 2, extra, true);
      at += 4;
      if (bigSize) {
        setUint64(c, at, size);
        setUint64(c, at + 8, size);
        at += 16;
      }
      if (bigOffset) setUint64(c, at, offset);
    }
    central.push(record);

    parts.push(local, entry.data as Blob | Uint8Array<ArrayBuffer>);
    offset += local.length + size;
    ends.push(offset);
  }

  const directoryOffset = offset;
  const directorySize = central.reduce((n, r) => n + r.length, 0);
  parts.push(...central);
  const zip64 =
    force || entries.length >= MAX16 || directoryOffset >= MAX32 || directorySize >= MAX32;
  parts.push(endRecords(entries.length, directoryOffset, directorySize, zip64));
  return { parts, ends };
}

/** Zip64 end of central directory record and locator when needed, then the classic end record. */
function endRecords(
  count: number,
  directoryOffset: number,
  directorySize: number,
  zip64: boolean,
): Uint8Array<ArrayBuffer> {
  const end = new Uint8Array((zip64 ? 56 + 20 : 0) + 22);
  const v = new DataView(end.buffer);
  let at = 0;
  if (zip64) {
    // §4.3.14: its size field counts the bytes after itself (56 - 12).
    v.setUint32(0, 0x06064b50, true);
    setUint64(v, 4, 44);
    v.setUint16(12, ZIP64_VERSION, true);
    v.setUint16(14, ZIP64_VERSION, true);
    setUint64(v, 24, count);
    setUint64(v, 32, count);
    setUint64(v, 40, directorySize);
    setUint64(v, 48, directoryOffset);
    // §4.3.15: the locator points at the record just written.
    v.setUint32(56, 0x07064b50, true);
    setUint64(v, 64, directoryOffset + directorySize);
    v.setUint32(72, 1, true);
    at = 76;
  }
  v.setUint32(at, 0x06054b50, true);
  v.setUint16(at + 8, zip64 ? MAX16 : count, true);
  v.setUint16(at + 10, zip64 ? MAX16 : count, true);
  v.setUint32(at + 12, zip64 ? MAX32 : directorySize, true);
  v.setUint32(at + 16, zip64 ? MAX32 : directoryOffset, true);
  return end;
}

function setUint64(view: DataView, at: number, value: number): void {
  view.setUint32(at, value % 0x100000000, true);
  view.setUint32(at + 4, Math.floor(value / 0x100000000), true);
}

/** MS-DOS date and time (§4.4.6), in local time as readers show it; 1980 at the earliest. */
function dosDateTime(when: Date): { time: number; date: number } {
  const year = Math.min(Math.max(when.getFullYear(), 1980), 2107);
  return {
    time: (when.getHours() << 11) | (when.getMinutes() << 5) | (when.getSeconds() >> 1),
    date: ((year - 1980) << 9) | ((when.getMonth() + 1) << 5) | when.getDate(),
  };
}

function missingCrc(name: string): never {
  throw new Error(`zip entry ${name}: a Blob needs its CRC-32 (reading it here would copy it)`);
}

export interface ExportZip {
  /** The archive; its large parts are the outputs' own (disk-backed) Blobs. */
  readonly blob: Blob;
  /** The same bytes as `blob`, read on demand; `onFile` counts files as they pass. */
  readonly stream: ReadableStream<Uint8Array>;
}

/**
 * Parts per intermediate Blob. Making a Blob costs Chromium ~40 µs a part (each is registered
 * with the browser process): the 10,000 parts of a 5,000-file export in one Blob would be a
 * 400 ms task, so they are grouped, with a turn for the page between groups.
 */
const PARTS_PER_GROUP = 400;

/**
 * The export as one zip: documents first, then the files in path order. `onFile` is told how many
 * files have been read from `stream` so far, for the progress bar.
 */
export async function exportZip(
  plan: ExportPlan,
  created: Date,
  onFile?: (written: number) => void,
): Promise<ExportZip> {
  const { entries, documents } = exportEntries(plan);
  const { parts, ends } = zipParts(entries, { lastModified: created });
  const groups: Blob[] = [];
  for (let at = 0; at < parts.length; at += PARTS_PER_GROUP) {
    if (at > 0) await new Promise((resolve) => setTimeout(resolve, 0));
    groups.push(new Blob(parts.slice(at, at + PARTS_PER_GROUP)));
  }
  const blob = new Blob(groups, { type: 'application/zip' });
  return withProgress(blob, ends.slice(documents), onFile);
}

/** The zip as a stream, made in one go (small exports and tests; the app uses exportZip). */
export function exportZipStream(
  plan: ExportPlan,
  created: Date,
  onFile?: (written: number) => void,
): ReadableStream<Uint8Array> {
  const { entries, documents } = exportEntries(plan);
  const { blob, ends } = buildZip(entries, { lastModified: created });
  return withProgress(blob, ends.slice(documents), onFile).stream;
}

function exportEntries(plan: ExportPlan): { entries: ZipEntry[]; documents: number } {
  const documents = plan.documents.map((d) => ({ name: d.name, data: encoder.encode(d.text) }));
  const files = plan.files.map((f) => ({ name: f.name, data: f.blob, crc32: f.crc32 }));
  return { entries: [...documents, ...files], documents: documents.length };
}

function withProgress(
  blob: Blob,
  fileEnds: readonly number[],
  onFile: ((written: number) => void) | undefined,
): ExportZip {
  let passed = 0;
  let written = 0;
  const counter = new TransformStream<Uint8Array, Uint8Array>({
    transform(chunk, controller) {
      passed += chunk.length;
      while (written < fileEnds.length && fileEnds[written]! <= passed) {
        written++;
        onFile?.(written);
      }
      controller.enqueue(chunk);
    },
  });
  let stream: ReadableStream<Uint8Array> | undefined;
  return {
    blob,
    // Made once, on first use.
    get stream() {
      return (stream ??= blob.stream().pipeThrough(counter));
    },
  };
}
