/**
 * Text values by Specific Character Set (0008,0005): decoding for reading and scanning, encoding for
 * replacement values. PS3.5 §6.1.2.4–6.1.2.5 and PS3.3 C.12.1.1.2; the sets themselves are in
 * charsetTables.ts.
 *
 * Decode the whole value of an element, then split it on `\` (and PN on `=` and `^`): never split the
 * bytes first, because the second byte of a GBK/GB18030 or JIS X 0208 character can be 0x5C, 0x5E or
 * 0x3D.
 */
import { VeilError } from '../errors';
import {
  ASCII,
  ESCAPES,
  LATIN1,
  TERMS,
  latin1,
  textDecoder,
  type CharacterSet,
  type StandAloneTerm,
  type TermSets,
} from './charsetTables';
import { isMultiValuedString, isTextVr } from './vr';

const ESC = 0x1b;

/** Bytes 0x80–0x9F are C1 controls in every ISO 2022 set; no DICOM set assigns them. Keep as Latin-1. */
const C1: CharacterSet = { name: 'C1 controls', width: 1, decode: latin1 };

/** Split a (0008,0005) value into terms: trimmed, an empty value 1 kept (it means ISO 2022 IR 6). */
export function parseSpecificCharacterSet(raw: string): string[] {
  const values = raw.split('\\').map((value) => value.replace(/^[ \0]+|[ \0]+$/g, ''));
  if (values.every((value) => value === '')) return [];
  return values.filter((value, index) => index === 0 || value !== '');
}

interface Resolved {
  /** G0/G1 from value 1, or the stand-alone decoder. */
  readonly initial: TermSets | StandAloneTerm;
  /** ISO-IR numbers that escape sequences may select without a warning. */
  readonly declared: ReadonlySet<number>;
  readonly warnings: readonly string[];
}

const quote = (term: string): string => JSON.stringify(term.slice(0, 32));

/** A term as written, or with the common misspellings pydicom also accepts ('ISO IR 100', 'ISO-IR 144'). */
function lookUpTerm(raw: string, warnings: string[]): TermSets | StandAloneTerm | undefined {
  const exact = TERMS.get(raw);
  if (exact) return exact;
  const upper = raw.toUpperCase();
  const extension = /^ISO[ _-]?2022[ _-]?IR[ _+-]?(\d+)$/.exec(upper);
  const single = /^ISO[ _-]?IR[ _-]?(\d+)$/.exec(upper);
  const patched = extension
    ? `ISO 2022 IR ${extension[1]}`
    : single
      ? `ISO_IR ${single[1]}`
      : upper;
  const found = TERMS.get(patched);
  if (found) warnings.push(`Specific Character Set term ${quote(raw)} read as '${patched}'`);
  return found;
}

const resolvedCache = new Map<string, Resolved>();

function resolve(specificCharacterSet: readonly string[]): Resolved {
  const key = specificCharacterSet.join('\\');
  const cached = resolvedCache.get(key);
  if (cached) return cached;
  const warnings: string[] = [];
  const [first = '', ...extensions] = specificCharacterSet.map((term) => term.trim());
  let initial = lookUpTerm(first, warnings);
  if (!initial) {
    warnings.push(
      `unknown Specific Character Set term ${quote(first)}: read as ISO-IR 6 with Latin-1 above 0x7F`,
    );
    initial = TERMS.get('')!;
  }
  const declared = new Set('registrations' in initial ? [6, ...initial.registrations] : []);
  if ('standAlone' in initial && extensions.length > 0) {
    warnings.push(`${quote(first)} allows no code extensions; ignored the other terms`);
  } else {
    for (const term of extensions) {
      const found = lookUpTerm(term, warnings);
      if (!found) warnings.push(`unknown Specific Character Set term ${quote(term)} ignored`);
      else if ('standAlone' in found) {
        warnings.push(`${quote(term)} cannot be a code extension; ignored`);
      } else found.registrations.forEach((r) => declared.add(r));
    }
  }
  const resolved = { initial, declared, warnings };
  // A batch sees a handful of distinct values; the bound only guards against hostile input.
  if (resolvedCache.size > 256) resolvedCache.clear();
  resolvedCache.set(key, resolved);
  return resolved;
}

const CONTROL_DELIMITERS = [0x09, 0x0a, 0x0c, 0x0d];
const BACKSLASH = 0x5c;
/** PS3.5 §6.1.2.5.3: the character set returns to value 1's at these bytes. */
const SINGLE_VALUED_DELIMITERS = new Set(CONTROL_DELIMITERS);
const MULTI_VALUED_DELIMITERS = new Set([...CONTROL_DELIMITERS, BACKSLASH]);
const PN_DELIMITERS = new Set([...CONTROL_DELIMITERS, BACKSLASH, 0x5e, 0x3d]);

function delimitersOf(vr: string): ReadonlySet<number> {
  if (vr === 'PN') return PN_DELIMITERS;
  return isMultiValuedString(vr) ? MULTI_VALUED_DELIMITERS : SINGLE_VALUED_DELIMITERS;
}

/** Nothing that depends on the character set: no byte above 0x7F and no escape. */
function isPlainAscii(bytes: Uint8Array): boolean {
  for (const b of bytes) if (b > 0x7f || b === ESC) return false;
  return true;
}

/** End (exclusive) of the escape sequence at `at`: ESC, up to 3 intermediates 0x20–0x2F, a final 0x30–0x7E. */
function escapeEnd(bytes: Uint8Array, at: number): number | undefined {
  let i = at + 1;
  while (i < bytes.length && i - at <= 3 && bytes[i]! >= 0x20 && bytes[i]! <= 0x2f) i++;
  const final = bytes[i];
  return i > at + 1 && final !== undefined && final >= 0x30 && final <= 0x7e ? i + 1 : undefined;
}

/**
 * ISO 2022 code extension: bytes 0x21–0x7E are read in the set designated to G0, 0xA0–0xFF in the
 * one designated to G1; escape sequences change the designations and are not text. At each delimiter
 * both return to value 1's sets, but a delimiter byte inside a two-byte G0 character (JIS X 0208 has
 * `$^` for ま) is not one: the standard requires an escape back to a single-byte set before it.
 */
function decodeIso2022(
  bytes: Uint8Array,
  initial: TermSets,
  declared: ReadonlySet<number>,
  delimiters: ReadonlySet<number>,
  warnings: Set<string>,
): string {
  let g0 = initial.g0;
  let g1 = initial.g1;
  let text = '';
  let runSet: CharacterSet = ASCII;
  let runStart = 0;
  const flush = (end: number): void => {
    if (end > runStart) {
      const decoded = runSet.decode(bytes.subarray(runStart, end));
      if (decoded.includes('\ufffd')) {
        warnings.add(`bytes that are not valid ${runSet.name} were replaced by U+FFFD`);
      }
      text += decoded;
    }
    runStart = end;
  };
  const useSet = (set: CharacterSet, at: number): void => {
    if (set !== runSet) {
      flush(at);
      runSet = set;
    }
  };

  let i = 0;
  while (i < bytes.length) {
    const b = bytes[i]!;
    if (b === ESC) {
      flush(i);
      const end = escapeEnd(bytes, i);
      const designation =
        end === undefined ? undefined : ESCAPES.get(latin1(bytes.subarray(i + 1, end)));
      if (end === undefined || !designation) {
        // Keep the bytes as text (pydicom does too): the ESC becomes U+001B in an ASCII run.
        warnings.add('an unknown or truncated escape sequence was kept as text');
        runSet = ASCII;
        i += 1;
        continue;
      }
      if (!declared.has(designation.registration)) {
        warnings.add(
          `escape sequence to ${designation.set.name}, which (0008,0005) does not declare`,
        );
      }
      if (designation.element === 'G0') g0 = designation.set;
      else g1 = designation.set;
      i = end;
      runStart = end;
      continue;
    }
    if (b < 0x21 || b === 0x7f)
      useSet(ASCII, i); // space and controls are the same in every set
    else if (b < 0x7f) useSet(g0, i);
    else if (b < 0xa0) useSet(C1, i);
    else useSet(g1, i);
    i += 1;
    if (delimiters.has(b) && (b < 0x21 || g0.width === 1)) {
      flush(i);
      g0 = initial.g0;
      g1 = initial.g1;
    }
  }
  flush(bytes.length);
  return text;
}

/**
 * Decode the bytes of a string value by the dataset's Specific Character Set (already split, see
 * parseSpecificCharacterSet; empty means the default repertoire). Only SH, LO, ST, LT, UT, PN and UC
 * depend on it; the other string VRs are ASCII and are read as Latin-1 so no byte is ever lost.
 * Padding is not removed. Unknown terms fall back to the default repertoire with a warning; the
 * warning names terms and character sets, never the text.
 */
export function decodeText(
  bytes: Uint8Array,
  specificCharacterSet: readonly string[],
  vr: string,
): { text: string; warning?: string } {
  if (!isTextVr(vr) || isPlainAscii(bytes)) return { text: latin1(bytes) };
  const { initial, declared, warnings: termWarnings } = resolve(specificCharacterSet);
  const warnings = new Set(termWarnings);
  let text: string;
  if ('standAlone' in initial) {
    text = textDecoder(initial.standAlone).decode(bytes);
    if (text.includes('\ufffd')) {
      warnings.add(`bytes that are not valid ${initial.standAlone} were replaced by U+FFFD`);
    }
  } else {
    text = decodeIso2022(bytes, initial, declared, delimitersOf(vr), warnings);
  }
  return warnings.size > 0 ? { text, warning: [...warnings].join('; ') } : { text };
}

const reverseTables = new Map<CharacterSet, ReadonlyMap<number, number>>();

/** Code point → byte for the G1 half (0xA0–0xFF) of a single-byte set, built from its decoder. */
function reverseTable(set: CharacterSet): ReadonlyMap<number, number> {
  let table = reverseTables.get(set);
  if (!table) {
    const built = new Map<number, number>();
    for (let b = 0xa0; b <= 0xff; b++) {
      const decoded = set.decode(Uint8Array.of(b));
      const codePoint = decoded.codePointAt(0);
      if (decoded.length === 1 && codePoint !== undefined && codePoint !== 0xfffd) {
        built.set(codePoint, b);
      }
    }
    table = built;
    reverseTables.set(set, table);
  }
  return table;
}

/** True when a UTF-16 string holds an unpaired surrogate, which UTF-8 cannot carry. */
function hasLoneSurrogate(text: string): boolean {
  return /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/.test(text);
}

/**
 * Encode a replacement value for writing. ASCII always works; other text only where value 1 of the
 * dataset's Specific Character Set holds it without escape sequences: ISO_IR 192 (UTF-8) or a
 * single-byte set such as ISO_IR 100 (Latin-1). Anything else throws ENCODE_FAILED, naming the VR and
 * the character set but never the value (it may be PHI).
 */
export function encodeText(
  text: string,
  specificCharacterSet: readonly string[],
  vr?: string,
): Uint8Array {
  const what = `a ${vr ?? 'text'} value`;
  const fail: (why: string) => never = (why) => {
    throw new VeilError('ENCODE_FAILED', `cannot write ${what}: ${why}`);
  };
  if (text.includes('\x1b'))
    fail('it contains an ESC character, which would start an escape sequence');
  if (/^[\0-\x7f]*$/.test(text)) return Uint8Array.from(text, (c) => c.charCodeAt(0));
  if (vr !== undefined && !isTextVr(vr)) fail(`${vr} allows only ASCII characters`);

  const { initial } = resolve(specificCharacterSet);
  const declaredAs = quote(specificCharacterSet[0] ?? '');
  if ('standAlone' in initial) {
    if (initial.standAlone !== 'utf-8') {
      fail(`Veil writes non-ASCII text only in UTF-8 or a single-byte set, not ${declaredAs}`);
    }
    if (hasLoneSurrogate(text)) fail('it holds an unpaired UTF-16 surrogate');
    return new TextEncoder().encode(text);
  }
  const set = initial.g1;
  if (initial.g0 !== ASCII || set.label === undefined) {
    fail(
      `Specific Character Set ${declaredAs} has no single-byte set for non-ASCII characters; ` +
        'use ASCII or set (0008,0005) to ISO_IR 192',
    );
  }
  const byteOf = (codePoint: number): number | undefined => {
    if (codePoint < 0x80) return codePoint;
    if (set === LATIN1) return codePoint <= 0xff ? codePoint : undefined;
    return reverseTable(set).get(codePoint);
  };
  const out = new Uint8Array(text.length);
  let length = 0;
  for (const char of text) {
    const byte = byteOf(char.codePointAt(0)!);
    if (byte === undefined)
      fail(`a character is not in Specific Character Set ${declaredAs}; use ISO_IR 192`);
    out[length++] = byte;
  }
  return out.subarray(0, length);
}
