import { decodeText, parseSpecificCharacterSet } from './charset';
import { latin1 } from './charsetTables';
import type { ParsedElement } from './model';
import { formatTag } from './tag';
import { isStringVr, isTextVr, numberSize } from './vr';

/**
 * Value decoding on demand: nothing is decoded at parse time, and pixel data never is.
 */

/** The value bytes of an element (a view, not a copy). */
export function valueBytes(bytes: Uint8Array, element: ParsedElement): Uint8Array {
  return bytes.subarray(element.valueOffset, element.valueOffset + element.length);
}

/** Value as ISO 646 / latin1 text, for the VRs whose repertoire is ASCII (UI, CS, DA, AE, IS…). */
export function readString(bytes: Uint8Array, element: ParsedElement): string {
  return latin1(valueBytes(bytes, element));
}

/** Strips the padding a string VR may carry: trailing spaces (and NUL for UI and sloppy writers). */
export function trimPadding(text: string): string {
  let end = text.length;
  while (end > 0 && isPad(text.charCodeAt(end - 1))) end -= 1;
  return end === text.length ? text : text.slice(0, end);
}

const isPad = (code: number): boolean => code === 0x20 || code === 0;

/** The values of a multi-valued ASCII string, padding removed. */
export function readStringValues(bytes: Uint8Array, element: ParsedElement): string[] {
  const text = trimPadding(readString(bytes, element));
  if (text.indexOf('\\') < 0) return [trimValue(text)];
  return text.split('\\').map(trimValue);
}

/** Leading spaces and trailing spaces or NULs of one value (hand-written: it runs per value). */
function trimValue(value: string): string {
  let start = 0;
  while (start < value.length && value.charCodeAt(start) === 0x20) start += 1;
  let end = value.length;
  while (end > start && isPad(value.charCodeAt(end - 1))) end -= 1;
  return start === 0 && end === value.length ? value : value.slice(start, end);
}

export function parseCharacterSets(bytes: Uint8Array, element: ParsedElement): string[] {
  return parseSpecificCharacterSet(readString(bytes, element));
}

/** Decodes a text value (LO, PN, SH, ST, LT, UT, UC) with the dataset's Specific Character Set. */
export function readText(
  bytes: Uint8Array,
  element: ParsedElement,
  characterSets: readonly string[],
): string {
  const view = valueBytes(bytes, element);
  if (!isTextVr(element.vr)) return trimPadding(latin1(view));
  return trimPadding(decodeText(view, characterSets, element.vr).text);
}

/** Binary numbers of US, SS, UL, SL, FL, FD, AT, in the file's byte order. */
export function readNumbers(
  bytes: Uint8Array,
  element: ParsedElement,
  littleEndian: boolean,
): number[] {
  const size = numberSize(element.vr);
  if (size === undefined) return [];
  const view = new DataView(bytes.buffer, bytes.byteOffset + element.valueOffset, element.length);
  const values: number[] = [];
  for (let at = 0; at + size <= element.length; at += size) {
    switch (element.vr) {
      case 'US':
        values.push(view.getUint16(at, littleEndian));
        break;
      case 'SS':
        values.push(view.getInt16(at, littleEndian));
        break;
      case 'UL':
        values.push(view.getUint32(at, littleEndian));
        break;
      case 'SL':
        values.push(view.getInt32(at, littleEndian));
        break;
      case 'FL':
        values.push(view.getFloat32(at, littleEndian));
        break;
      case 'FD':
        values.push(view.getFloat64(at, littleEndian));
        break;
      case 'AT':
        values.push(
          ((view.getUint16(at, littleEndian) << 16) | view.getUint16(at + 2, littleEndian)) >>> 0,
        );
        break;
      case 'UV':
      case 'SV':
        values.push(
          Number(
            element.vr === 'UV'
              ? view.getBigUint64(at, littleEndian)
              : view.getBigInt64(at, littleEndian),
          ),
        );
        break;
    }
  }
  return values;
}

/** How much of a long value the diff view shows. */
const DISPLAY_LIMIT = 1024;

/**
 * A value as the diff view shows it: text decoded with the character set, numbers printed, and
 * binary values summarised by their size (pixel data above all is never decoded).
 */
export function displayValue(
  bytes: Uint8Array,
  element: ParsedElement,
  characterSets: readonly string[],
  littleEndian: boolean,
): string | undefined {
  if (element.items) return `${element.items.length} item${element.items.length === 1 ? '' : 's'}`;
  if (element.encapsulated) return 'encapsulated pixel data';
  if (element.undefinedLength) return 'undefined-length value';
  if (isStringVr(element.vr)) {
    const text = readText(
      bytes,
      { ...element, length: Math.min(element.length, DISPLAY_LIMIT * 4) },
      characterSets,
    );
    return text.length > DISPLAY_LIMIT ? `${text.slice(0, DISPLAY_LIMIT)}…` : text;
  }
  if (numberSize(element.vr) !== undefined) {
    const numbers = readNumbers(
      bytes,
      { ...element, length: Math.min(element.length, 64 * 8) },
      littleEndian,
    );
    const text = element.vr === 'AT' ? numbers.map(formatTag).join('\\') : numbers.join('\\');
    return element.length > 64 * 8 ? `${text}…` : text;
  }
  return `${element.length} bytes`;
}
