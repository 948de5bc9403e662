import { EXPLICIT_VR_BE, EXPLICIT_VR_LE, IMPLICIT_VR_LE } from './transferSyntax';
import { KNOWN_VRS } from './vr';

/**
 * Guesses the transfer syntax of a dataset that has no file meta header (or a meta header without
 * (0002,0010)) from its first element, the way DCMTK and pydicom do: a plausible first group in
 * little or big endian, then whether bytes 4–5 spell a VR. Undefined when it looks like no dataset
 * at all (a PNG, a PDF, text...), which makes the file NOT_DICOM.
 */
export function sniffRawTransferSyntax(bytes: Uint8Array, offset: number): string | undefined {
  if (bytes.length < offset + 8) return undefined;
  const b = (i: number) => bytes[offset + i] ?? 0;
  const groupLe = b(0) | (b(1) << 8);
  const groupBe = (b(0) << 8) | b(1);
  const vr = String.fromCharCode(b(4), b(5));
  const explicit = KNOWN_VRS.has(vr);
  if (plausibleFirstGroup(groupLe))
    return explicit ? EXPLICIT_VR_LE : implicitLooksSane(bytes, offset);
  if (plausibleFirstGroup(groupBe) && explicit) return EXPLICIT_VR_BE;
  return undefined;
}

/** A dataset starts with a low even group: 0008 almost always; 0002 is handled before this. */
function plausibleFirstGroup(group: number): boolean {
  return group >= 0x0004 && group <= 0x0028 && (group & 1) === 0;
}

/** Implicit VR: a 32-bit length that fits in the file. */
function implicitLooksSane(bytes: Uint8Array, offset: number): string | undefined {
  const length =
    ((bytes[offset + 4] ?? 0) |
      ((bytes[offset + 5] ?? 0) << 8) |
      ((bytes[offset + 6] ?? 0) << 16) |
      ((bytes[offset + 7] ?? 0) << 24)) >>>
    0;
  if (length === 0xffffffff || offset + 8 + length <= bytes.length) return IMPLICIT_VR_LE;
  return undefined;
}

/** A Part 10 file: 128-byte preamble, then `DICM`. */
export function hasDicmPrefix(bytes: Uint8Array): boolean {
  return (
    bytes.length >= 132 &&
    bytes[128] === 0x44 &&
    bytes[129] === 0x49 &&
    bytes[130] === 0x43 &&
    bytes[131] === 0x4d
  );
}
