/**
 * The character sets DICOM names in (0008,0005) Specific Character Set (PS3.3 C.12.1.1.2, Tables
 * C.12-2 to C.12-5) and the ISO 2022 escape sequences that switch between them (PS3.5 §6.1.2.5).
 * Decoding goes through the platform's TextDecoder (WHATWG labels, present in browsers and in Node
 * with full ICU); the mapping of terms to labels follows what pydicom's charset.py does.
 */

/** One graphic character set, as it sits in code element G0 (bytes 0x21–0x7E) or G1 (0xA0–0xFF). */
export interface CharacterSet {
  /** ISO-IR registration, for warnings. */
  readonly name: string;
  /** 94×94 sets (Kanji, Hangul, Hanzi) take two bytes per character. */
  readonly width: 1 | 2;
  /** Decodes a run of bytes exactly as they appear in the value. */
  readonly decode: (bytes: Uint8Array) => string;
  /** TextDecoder label of a single-byte G1 set, to build the reverse table for writing. */
  readonly label?: string;
}

const decoders = new Map<string, TextDecoder>();

/** One reusable decoder per label; `ignoreBOM` keeps a leading U+FEFF instead of dropping bytes. */
export function textDecoder(label: string): TextDecoder {
  let decoder = decoders.get(label);
  if (!decoder) {
    decoder = new TextDecoder(label, { ignoreBOM: true });
    decoders.set(label, decoder);
  }
  return decoder;
}

/**
 * Every byte becomes the code point of the same number. Done by hand rather than with
 * TextDecoder('iso-8859-1'), which the WHATWG spec maps to windows-1252 (0x80 → €) in browsers but
 * Node decodes as true Latin-1: by hand, both platforms agree and no byte is ever lost.
 */
export function latin1(bytes: Uint8Array): string {
  // Most values are a few bytes (codes, dates, UIDs): a plain loop beats building argument lists.
  if (bytes.length <= 64) {
    let text = '';
    for (let i = 0; i < bytes.length; i++) text += String.fromCharCode(bytes[i]!);
    return text;
  }
  let text = '';
  // fromCharCode takes arguments: chunk so a long UT value does not overflow the call stack.
  for (let at = 0; at < bytes.length; at += 8192) {
    text += String.fromCharCode.apply(null, bytes.subarray(at, at + 8192) as unknown as number[]);
  }
  return text;
}

const singleByte = (name: string, label: string): CharacterSet => ({
  name,
  width: 1,
  label,
  decode: (bytes) => textDecoder(label).decode(bytes),
});

/** ISO-IR 6, the default repertoire in G0. */
export const ASCII: CharacterSet = { name: 'ISO-IR 6', width: 1, decode: latin1 };

/**
 * ISO-IR 14, JIS X 0201 Romaji: ASCII except 0x5C (¥) and 0x7E (‾). Decoded as ASCII, as pydicom and
 * the WHATWG Shift_JIS decoder both do, so a backslash stays a value delimiter.
 */
const JIS_ROMAN: CharacterSet = { name: 'ISO-IR 14', width: 1, decode: latin1 };

export const LATIN1: CharacterSet = {
  name: 'ISO-IR 100',
  width: 1,
  label: 'latin1',
  decode: latin1,
};

/**
 * G1 when nothing is designated there (default repertoire): bytes above 0x7F are not valid, but
 * decoding them as Latin-1, as pydicom does, keeps every byte and reads most mislabelled files.
 */
export const UNDECLARED_G1: CharacterSet = { name: 'no G1 set', width: 1, decode: latin1 };

/** ISO-IR 13, JIS X 0201 Katakana: 0xA1–0xDF are the half-width forms U+FF61–U+FF9F. */
const KATAKANA: CharacterSet = {
  name: 'ISO-IR 13',
  width: 1,
  decode: (bytes) => {
    let text = '';
    for (const b of bytes)
      text += String.fromCharCode(b >= 0xa1 && b <= 0xdf ? 0xff61 + b - 0xa1 : 0xfffd);
    return text;
  },
};

/** ISO-IR 87, JIS X 0208 in G0: 7-bit byte pairs; with the high bit set they are EUC-JP. */
const JIS_X_0208: CharacterSet = {
  name: 'ISO-IR 87',
  width: 2,
  decode: (bytes) => textDecoder('euc-jp').decode(bytes.map((b) => b | 0x80)),
};

/** ISO-IR 159, JIS X 0212 in G0: EUC-JP writes these pairs after the single shift 0x8F. */
const JIS_X_0212: CharacterSet = {
  name: 'ISO-IR 159',
  width: 2,
  decode: (bytes) => {
    const euc: number[] = [];
    for (let i = 0; i < bytes.length; i += 2) {
      euc.push(0x8f, bytes[i]! | 0x80);
      if (i + 1 < bytes.length) euc.push(bytes[i + 1]! | 0x80);
    }
    return textDecoder('euc-jp').decode(Uint8Array.from(euc));
  },
};

/** ISO-IR 149, KS X 1001 in G1: the GR byte pairs are EUC-KR as they stand. */
const KS_X_1001: CharacterSet = {
  name: 'ISO-IR 149',
  width: 2,
  decode: (bytes) => textDecoder('euc-kr').decode(bytes),
};

/** ISO-IR 58, GB 2312 in G1: the GR byte pairs are EUC-CN, a subset of GBK. */
const GB_2312: CharacterSet = {
  name: 'ISO-IR 58',
  width: 2,
  decode: (bytes) => textDecoder('gbk').decode(bytes),
};

const G1_SETS = {
  100: LATIN1,
  101: singleByte('ISO-IR 101', 'iso-8859-2'),
  109: singleByte('ISO-IR 109', 'iso-8859-3'),
  110: singleByte('ISO-IR 110', 'iso-8859-4'),
  126: singleByte('ISO-IR 126', 'iso-8859-7'),
  127: singleByte('ISO-IR 127', 'iso-8859-6'),
  138: singleByte('ISO-IR 138', 'iso-8859-8'),
  144: singleByte('ISO-IR 144', 'iso-8859-5'),
  // WHATWG maps iso-8859-9 to windows-1254, identical in 0xA0–0xFF (C1 bytes never reach it).
  148: singleByte('ISO-IR 148', 'iso-8859-9'),
  // TIS 620-2533; windows-874 is its WHATWG superset.
  166: singleByte('ISO-IR 166', 'windows-874'),
} as const;

/** What a defined term puts in G0 and G1 before any escape sequence, and after every delimiter. */
export interface TermSets {
  readonly g0: CharacterSet;
  readonly g1: CharacterSet;
  /** ISO-IR numbers the term declares, so escapes to them are expected. */
  readonly registrations: readonly number[];
}

/** UTF-8, GB18030 and GBK allow no code extensions: the value is one TextDecoder call. */
export interface StandAloneTerm {
  readonly standAlone: string;
}

const sets = (g1: CharacterSet, ...registrations: number[]): TermSets => ({
  g0: ASCII,
  g1,
  registrations,
});
const DEFAULT_SETS = sets(UNDECLARED_G1, 6);

/** Defined terms (PS3.3 Tables C.12-2 to C.12-5); the single-byte ones exist in both spellings. */
export const TERMS: ReadonlyMap<string, TermSets | StandAloneTerm> = new Map<
  string,
  TermSets | StandAloneTerm
>([
  ['', DEFAULT_SETS],
  ['ISO_IR 6', DEFAULT_SETS],
  ['ISO 2022 IR 6', DEFAULT_SETS],
  ...Object.entries(G1_SETS).flatMap(([ir, set]): [string, TermSets][] => [
    [`ISO_IR ${ir}`, sets(set, Number(ir))],
    [`ISO 2022 IR ${ir}`, sets(set, Number(ir))],
  ]),
  ['ISO_IR 13', { g0: JIS_ROMAN, g1: KATAKANA, registrations: [13, 14] }],
  ['ISO 2022 IR 13', { g0: JIS_ROMAN, g1: KATAKANA, registrations: [13, 14] }],
  // Multi-byte sets are meant as value 2+; as value 1 they only declare what escapes may select,
  // except the two G1 ones, whose bytes need no escape (pydicom reads them the same way).
  ['ISO 2022 IR 87', sets(UNDECLARED_G1, 87)],
  ['ISO 2022 IR 159', sets(UNDECLARED_G1, 159)],
  ['ISO 2022 IR 149', sets(KS_X_1001, 149)],
  ['ISO 2022 IR 58', sets(GB_2312, 58)],
  ['ISO_IR 192', { standAlone: 'utf-8' }],
  ['GB18030', { standAlone: 'gb18030' }],
  ['GBK', { standAlone: 'gbk' }],
]);

export interface Designation {
  readonly element: 'G0' | 'G1';
  readonly set: CharacterSet;
  readonly registration: number;
}

const g1 = (registration: keyof typeof G1_SETS): Designation => ({
  element: 'G1',
  set: G1_SETS[registration],
  registration,
});

/**
 * Escape sequences by the bytes after ESC (PS3.3 Tables C.12-3 and C.12-4). `(` designates a
 * 94-set to G0, `)` a 94-set to G1, `-` a 96-set to G1, `$` a multi-byte set.
 */
export const ESCAPES: ReadonlyMap<string, Designation> = new Map([
  ['(B', { element: 'G0', set: ASCII, registration: 6 }],
  ['(J', { element: 'G0', set: JIS_ROMAN, registration: 14 }],
  [')I', { element: 'G1', set: KATAKANA, registration: 13 }],
  ['-A', g1(100)],
  ['-B', g1(101)],
  ['-C', g1(109)],
  ['-D', g1(110)],
  ['-F', g1(126)],
  ['-G', g1(127)],
  ['-H', g1(138)],
  ['-L', g1(144)],
  ['-M', g1(148)],
  ['-T', g1(166)],
  ['$B', { element: 'G0', set: JIS_X_0208, registration: 87 }],
  ['$(D', { element: 'G0', set: JIS_X_0212, registration: 159 }],
  ['$)C', { element: 'G1', set: KS_X_1001, registration: 149 }],
  ['$)A', { element: 'G1', set: GB_2312, registration: 58 }],
] satisfies [string, Designation][]);
