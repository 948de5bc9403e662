import { VeilError } from '../errors';
import type { Tag } from './tag';
import { formatTag } from './tag';
import { hasLongHeader, isStringVr, paddingByte } from './vr';

/** How bytes are laid out where an element is written. */
export interface Encoding {
  readonly explicitVr: boolean;
  readonly littleEndian: boolean;
}

export const EXPLICIT_LE: Encoding = { explicitVr: true, littleEndian: true };
export const IMPLICIT_LE: Encoding = { explicitVr: false, littleEndian: true };

export const UNDEFINED_LENGTH = 0xffffffff;

/** Chunks of output collected in order, concatenated once at the end. */
export class Chunks {
  readonly parts: Uint8Array[] = [];
  /**
   * Indexes into `parts` of opaque parts: the bulk of a binary value copied untouched (pixel data),
   * which no reader of the structure ever looks into. See `structuralCopy`.
   */
  readonly opaque: number[] = [];
  size = 0;
  push(part: Uint8Array, opaque = false): void {
    if (part.length === 0) return;
    if (opaque) this.opaque.push(this.parts.length);
    this.parts.push(part);
    this.size += part.length;
  }
  append(other: Chunks): void {
    const base = this.parts.length;
    for (const index of other.opaque) this.opaque.push(base + index);
    for (const part of other.parts) this.parts.push(part);
    this.size += other.size;
  }
  concat(): Uint8Array {
    return joinParts(this.parts, this.size);
  }
  /**
   * The output without its opaque parts: every header, length, delimiter and text value in place,
   * at its offset, for a reader to check; the opaque ranges hold whatever was there. Valid until
   * the next call (it is one shared array). Pages never written stay unmapped, so a 100 MB
   * multi-frame costs only the pages its headers fall on.
   */
  structuralCopy(): Uint8Array {
    // One scratch array, reused: a fresh one per file would be zeroed and collected every time.
    // What a previous file left in the opaque ranges is never read (see above) nor written out.
    if (scratch.length < this.size)
      scratch = new Uint8Array(Math.max(this.size, scratch.length * 2));
    const out = scratch.subarray(0, this.size);
    let at = 0;
    let next = 0;
    for (let i = 0; i < this.parts.length; i++) {
      const part = this.parts[i]!;
      if (this.opaque[next] === i) next += 1;
      else out.set(part, at);
      at += part.length;
    }
    return out;
  }
}

let scratch = new Uint8Array(0);

export function joinParts(parts: readonly Uint8Array[], size: number): Uint8Array {
  if (parts.length === 1 && parts[0]!.length === size) return parts[0]!.slice();
  const out = new Uint8Array(size);
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}

// Headers are written byte by byte, never through a DataView: a small typed array whose `.buffer`
// is never touched stays on V8's heap, so a file's hundred headers cost no external allocations.
function put16(out: Uint8Array, at: number, value: number, le: boolean): void {
  out[at + (le ? 0 : 1)] = value & 0xff;
  out[at + (le ? 1 : 0)] = (value >>> 8) & 0xff;
}

function put32(out: Uint8Array, at: number, value: number, le: boolean): void {
  for (let i = 0; i < 4; i++) out[at + (le ? i : 3 - i)] = (value >>> (8 * i)) & 0xff;
}

/** Element header: tag, VR and length in the encoding's layout. */
export function encodeHeader(tag: Tag, vr: string, length: number, encoding: Encoding): Uint8Array {
  const le = encoding.littleEndian;
  if (!encoding.explicitVr) {
    const out = new Uint8Array(8);
    put16(out, 0, tag >>> 16, le);
    put16(out, 2, tag & 0xffff, le);
    put32(out, 4, length, le);
    return out;
  }
  const long = hasLongHeader(vr);
  const out = new Uint8Array(long ? 12 : 8);
  put16(out, 0, tag >>> 16, le);
  put16(out, 2, tag & 0xffff, le);
  out[4] = vr.charCodeAt(0);
  out[5] = vr.charCodeAt(1);
  if (long) {
    put32(out, 8, length, le);
  } else {
    if (length > 0xfffe) {
      throw new VeilError(
        'ENCODE_FAILED',
        `a ${vr} value of ${formatTag(tag)} is too long for its VR`,
      );
    }
    put16(out, 6, length, le);
  }
  return out;
}

/** Item, item delimitation and sequence delimitation headers (FFFE group), 8 bytes each. */
export function encodeItemTag(tag: Tag, length: number, littleEndian: boolean): Uint8Array {
  const out = new Uint8Array(8);
  put16(out, 0, tag >>> 16, littleEndian);
  put16(out, 2, tag & 0xffff, littleEndian);
  put32(out, 4, length, littleEndian);
  return out;
}

/** A 32-bit unsigned number (a group length) in little endian. */
export function encodeUint32Le(value: number): Uint8Array {
  const out = new Uint8Array(4);
  put32(out, 0, value, true);
  return out;
}

/**
 * A string value padded to even length: UI with NUL, other string VRs with a space (PS3.5 §6.2).
 * `bytes` are already in the dataset's character set.
 */
export function padValue(bytes: Uint8Array, vr: string): Uint8Array {
  if (bytes.length % 2 === 0) return bytes;
  const out = new Uint8Array(bytes.length + 1);
  out.set(bytes);
  out[bytes.length] = isStringVr(vr) ? paddingByte(vr) : 0;
  return out;
}

/** ASCII text (UIDs, dates, codes, pseudonyms): every character must be 7-bit. */
export function asciiValue(text: string, vr: string): Uint8Array {
  const out = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code > 0x7f) throw new VeilError('ENCODE_FAILED', `a ${vr} value must be ASCII`);
    out[i] = code;
  }
  return padValue(out, vr);
}

/** Binary numbers for US, SS, UL, SL, FL, FD in the given byte order. */
export function encodeNumbers(
  vr: string,
  values: readonly number[],
  littleEndian: boolean,
): Uint8Array {
  const size = { US: 2, SS: 2, UL: 4, SL: 4, FL: 4, FD: 8 }[vr];
  if (size === undefined) throw new VeilError('ENCODE_FAILED', `cannot encode numbers as ${vr}`);
  const out = new Uint8Array(size * values.length);
  const view = new DataView(out.buffer);
  values.forEach((value, i) => {
    const at = i * size;
    if (vr === 'US') view.setUint16(at, value, littleEndian);
    else if (vr === 'SS') view.setInt16(at, value, littleEndian);
    else if (vr === 'UL') view.setUint32(at, value, littleEndian);
    else if (vr === 'SL') view.setInt32(at, value, littleEndian);
    else if (vr === 'FL') view.setFloat32(at, value, littleEndian);
    else view.setFloat64(at, value, littleEndian);
  });
  return out;
}
