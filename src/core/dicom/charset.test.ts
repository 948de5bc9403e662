import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { FIXTURES, readFixture } from '../../../test/fixtures/index';
import {
  readFileMeta,
  scanDataset,
  type ScannedElement,
} from '../../../test/fixtures/scanElements';
import { decodeText, encodeText, parseSpecificCharacterSet } from './charset';
import { formatTag } from './tag';

const ESC = 0x1b;
const bytesOf = (...parts: (string | number[])[]): Uint8Array =>
  Uint8Array.from(
    parts.flatMap((part) =>
      typeof part === 'string' ? Array.from(part, (c) => c.charCodeAt(0)) : part,
    ),
  );
const latin1 = (bytes: Uint8Array): string => String.fromCharCode(...bytes);
const TEXT_VRS = new Set(['SH', 'LO', 'ST', 'LT', 'UT', 'PN', 'UC']);

/**
 * Expected values, produced by pydicom 2.3.1 (Debian python3-pydicom 2.3.1-1), an independent
 * decoder: `ds = dcmread(f); ds.decode()`, then str() of each value, multiple values joined by `\`.
 * Every PatientName, and every other text element whose value is not plain ASCII.
 */
const PYDICOM_VALUES: readonly (readonly [file: string, path: string, vr: string, text: string])[] =
  [
    ['chrArab.dcm', '(0010,0010)', 'PN', 'قباني^لنزار'],
    ['chrFren.dcm', '(0010,0010)', 'PN', 'Buc^Jérôme'],
    ['chrFrenMulti.dcm', '(0010,0010)', 'PN', 'Buc^Jérôme'],
    ['chrFrenMulti.dcm', '(0010,1001)', 'PN', 'Buc^Jérôme\\Buc^Jérôme'],
    ['chrGerm.dcm', '(0010,0010)', 'PN', 'Äneas^Rüdiger'],
    ['chrGreek.dcm', '(0010,0010)', 'PN', 'Διονυσιος'],
    ['chrH31.dcm', '(0010,0010)', 'PN', 'Yamada^Tarou=山田^太郎=やまだ^たろう'],
    ['chrH32.dcm', '(0010,0010)', 'PN', 'ﾔﾏﾀﾞ^ﾀﾛｳ=山田^太郎=やまだ^たろう'],
    ['chrHbrw.dcm', '(0010,0010)', 'PN', 'שרון^דבורה'],
    ['chrI2.dcm', '(0010,0010)', 'PN', 'Hong^Gildong=洪^吉洞=홍^길동'],
    ['chrJapMulti.dcm', '(0010,0010)', 'PN', 'やまだ^たろう'],
    ['chrJapMulti.dcm', '(0010,1001)', 'PN', 'やまだ^たろう\\やまだ^たろう'],
    ['chrJapMulti.dcm', '(0010,21B0)', 'LT', 'たろう'],
    ['chrJapMultiExplicitIR6.dcm', '(0010,0010)', 'PN', 'やまだ^たろう'],
    ['chrJapMultiExplicitIR6.dcm', '(0010,1001)', 'PN', 'やまだ^たろう\\やまだ^たろう'],
    ['chrJapMultiExplicitIR6.dcm', '(0010,21B0)', 'LT', 'たろう'],
    ['chrKoreanMulti.dcm', '(0008,1070)', 'PN', '김희중'],
    ['chrKoreanMulti.dcm', '(0010,0010)', 'PN', '김희중'],
    ['chrKoreanMulti.dcm', '(0010,1001)', 'PN', '김희중\\김희중'],
    ['chrKoreanMulti.dcm', '(0010,21B0)', 'LT', '김희중'],
    ['chrRuss.dcm', '(0010,0010)', 'PN', 'Люкceмбypг'],
    ['chrSQEncoding.dcm', '(0032,1064)/(0010,0010)', 'PN', 'ﾔﾏﾀﾞ^ﾀﾛｳ=山田^太郎=やまだ^たろう'],
    ['chrSQEncoding1.dcm', '(0032,1064)/(0010,0010)', 'PN', 'ﾔﾏﾀﾞ^ﾀﾛｳ=山田^太郎=やまだ^たろう'],
    // pydicom's PersonName drops the empty third group: the bytes end in '=' (FileInfo.txt shows it).
    ['chrX1.dcm', '(0010,0010)', 'PN', 'Wang^XiaoDong=王^小東='],
    ['chrX2.dcm', '(0010,0010)', 'PN', 'Wang^XiaoDong=王^小东='],
  ];

/** The explicit-VR little-endian elements of a fixture, read by the test-only scanner. */
function elementsOf(file: string): ScannedElement[] {
  const bytes = readFixture(file);
  const meta = readFileMeta(bytes);
  const start = meta?.datasetOffset ?? 0;
  return scanDataset(bytes, start, { explicitVR: true, littleEndian: true }).elements;
}

const sameItem = (a: ScannedElement['parent'], b: ScannedElement['parent']): boolean =>
  a?.sequence === b?.sequence && a?.item === b?.item;

/** PS3.3 C.12.1.1.2: an item's own (0008,0005) applies inside it, else the enclosing dataset's. */
function charsetOf(element: ScannedElement, all: readonly ScannedElement[]): string[] {
  let scope = element.parent;
  for (;;) {
    const found = all.find((e) => e.tag === 0x00080005 && sameItem(e.parent, scope));
    if (found) return parseSpecificCharacterSet(latin1(found.value));
    if (!scope) return [];
    scope = scope.sequence.parent;
  }
}

function pathOf(element: ScannedElement): string {
  const tags = [formatTag(element.tag)];
  for (let p = element.parent; p; p = p.sequence.parent) tags.unshift(formatTag(p.sequence.tag));
  return tags.join('/');
}

const trimPadding = (text: string): string => text.replace(/[ \0]+$/, '');

describe('parseSpecificCharacterSet', () => {
  it('splits, trims and keeps an empty value 1', () => {
    expect(parseSpecificCharacterSet('ISO_IR 100')).toEqual(['ISO_IR 100']);
    expect(parseSpecificCharacterSet('ISO_IR 192 ')).toEqual(['ISO_IR 192']);
    expect(parseSpecificCharacterSet('\\ISO 2022 IR 87')).toEqual(['', 'ISO 2022 IR 87']);
    expect(parseSpecificCharacterSet('ISO 2022 IR 13\\ISO 2022 IR 87 ')).toEqual([
      'ISO 2022 IR 13',
      'ISO 2022 IR 87',
    ]);
    expect(parseSpecificCharacterSet(' ISO_IR 100 \\ ')).toEqual(['ISO_IR 100']);
    expect(parseSpecificCharacterSet('')).toEqual([]);
    expect(parseSpecificCharacterSet('  ')).toEqual([]);
  });
});

describe('decodeText on the pydicom charset fixtures', () => {
  it.each(PYDICOM_VALUES)('%s %s (%s)', (file, path, vr, expected) => {
    const all = elementsOf(file);
    const element = all.find((e) => pathOf(e) === path);
    expect(element?.vr).toBe(vr);
    const decoded = decodeText(element!.value, charsetOf(element!, all), vr);
    expect(trimPadding(decoded.text)).toBe(expected);
    expect(decoded.warning).toBeUndefined();
  });

  it('uses the character set of the item, not of the dataset, inside chrSQEncoding', () => {
    // The dataset says ISO_IR 192; its item says ISO 2022 IR 13\ISO 2022 IR 87 (see the table).
    const all = elementsOf('chrSQEncoding.dcm');
    const name = all.find((e) => pathOf(e) === '(0032,1064)/(0010,0010)')!;
    expect(charsetOf(name, all)).toEqual(['ISO 2022 IR 13', 'ISO 2022 IR 87']);
    const asUtf8 = decodeText(name.value, ['ISO_IR 192'], 'PN');
    expect(asUtf8.text).not.toContain('山田');
    expect(asUtf8.warning).toMatch(/U\+FFFD/);
  });

  // Every text element of every explicit-VR fixture, not only the ones with expected values above.
  // (A file that writes all its text as UN has no text VR to find here; the deid tests cover it.)
  const explicitFixtures = FIXTURES.filter(
    (f) =>
      f.transferSyntax !== '1.2.840.10008.1.2' &&
      !f.deflated &&
      !f.bigEndian &&
      !f.covers.includes('un-vr-on-standard-tags'),
  );
  it.each(explicitFixtures.map((f) => [f.file] as const))(
    'decodes every text element of %s without a warning or a replacement character',
    (file) => {
      const all = elementsOf(file);
      const texts = all.filter((e) => TEXT_VRS.has(e.vr ?? ''));
      expect(texts.length).toBeGreaterThan(0);
      for (const element of texts) {
        const decoded = decodeText(element.value, charsetOf(element, all), element.vr!);
        expect(decoded.warning, pathOf(element)).toBeUndefined();
        expect(decoded.text, pathOf(element)).not.toContain('\ufffd');
        expect(decoded.text, pathOf(element)).not.toContain('\x1b');
      }
    },
  );
});

describe('decodeText code extensions (hand-made bytes)', () => {
  // From pydicom 2.3.1's tests/test_charset.py (ENCODED_NAMES): each single-byte set as an ISO 2022
  // code extension after ASCII, decoded by pydicom to the string given here.
  const ENCODED_NAMES: readonly (readonly [string, string, number[]])[] = [
    [
      'ISO 2022 IR 13',
      'ﾔﾏﾀﾞ^ﾀﾛｳ',
      [0x1b, 0x29, 0x49, 0xd4, 0xcf, 0xc0, 0xde, 0x5e, 0x1b, 0x29, 0x49, 0xc0, 0xdb, 0xb3],
    ],
    [
      'ISO 2022 IR 100',
      'Buc^Jérôme',
      [
        0x1b, 0x2d, 0x41, 0x42, 0x75, 0x63, 0x5e, 0x1b, 0x2d, 0x41, 0x4a, 0xe9, 0x72, 0xf4, 0x6d,
        0x65,
      ],
    ],
    ['ISO 2022 IR 101', 'Wałęsa', [0x1b, 0x2d, 0x42, 0x57, 0x61, 0xb3, 0xea, 0x73, 0x61]],
    [
      'ISO 2022 IR 109',
      'antaŭnomo',
      [0x1b, 0x2d, 0x43, 0x61, 0x6e, 0x74, 0x61, 0xfd, 0x6e, 0x6f, 0x6d, 0x6f],
    ],
    ['ISO 2022 IR 110', 'vārds', [0x1b, 0x2d, 0x44, 0x76, 0xe0, 0x72, 0x64, 0x73]],
    [
      'ISO 2022 IR 127',
      'قباني^لنزار',
      [
        0x1b, 0x2d, 0x47, 0xe2, 0xc8, 0xc7, 0xe6, 0xea, 0x5e, 0x1b, 0x2d, 0x47, 0xe4, 0xe6, 0xd2,
        0xc7, 0xd1,
      ],
    ],
    [
      'ISO 2022 IR 126',
      'Διονυσιος',
      [0x1b, 0x2d, 0x46, 0xc4, 0xe9, 0xef, 0xed, 0xf5, 0xf3, 0xe9, 0xef, 0xf2],
    ],
    [
      'ISO 2022 IR 138',
      'שרון^דבורה',
      [
        0x1b, 0x2d, 0x48, 0xf9, 0xf8, 0xe5, 0xef, 0x5e, 0x1b, 0x2d, 0x48, 0xe3, 0xe1, 0xe5, 0xf8,
        0xe4,
      ],
    ],
    [
      'ISO 2022 IR 144',
      'Люкceмбypг',
      [0x1b, 0x2d, 0x4c, 0xbb, 0xee, 0xda, 0x63, 0x65, 0xdc, 0xd1, 0x79, 0x70, 0xd3],
    ],
    [
      'ISO 2022 IR 148',
      'Çavuşoğlu',
      [0x1b, 0x2d, 0x4d, 0xc7, 0x61, 0x76, 0x75, 0xfe, 0x6f, 0xf0, 0x6c, 0x75],
    ],
    ['ISO 2022 IR 166', 'นามสกุล', [0x1b, 0x2d, 0x54, 0xb9, 0xd2, 0xc1, 0xca, 0xa1, 0xd8, 0xc5]],
  ];
  it.each(ENCODED_NAMES)('%s after ASCII', (term, expected, encoded) => {
    const decoded = decodeText(bytesOf('ASCII+', encoded), ['', term], 'PN');
    expect(decoded).toEqual({ text: `ASCII+${expected}` });
  });

  it('returns to value 1 at PN component (^) and group (=) delimiters, not inside LO', () => {
    const bytes = bytesOf('Dionysios=', [ESC, 0x2d, 0x46, 0xc4, 0xe9], '^', [0xe9], '=', [0xe9]);
    const charset = ['ISO 2022 IR 100', 'ISO 2022 IR 126'];
    expect(decodeText(bytes, charset, 'PN').text).toBe('Dionysios=Δι^é=é');
    // In LO, ^ and = are ordinary characters: Greek stays designated to the end.
    expect(decodeText(bytes, charset, 'LO').text).toBe('Dionysios=Δι^ι=ι');
  });

  it('returns to value 1 at a backslash in multi-valued VRs only', () => {
    const bytes = bytesOf([ESC, 0x2d, 0x46, 0xc4], '\\', [0xc4]);
    const charset = ['ISO 2022 IR 100', 'ISO 2022 IR 126'];
    expect(decodeText(bytes, charset, 'LO').text).toBe('Δ\\Ä');
    expect(decodeText(bytes, charset, 'PN').text).toBe('Δ\\Ä');
    expect(decodeText(bytes, charset, 'LT').text).toBe('Δ\\Δ');
    expect(decodeText(bytes, charset, 'UT').text).toBe('Δ\\Δ');
  });

  it.each([
    ['CR', 0x0d],
    ['LF', 0x0a],
    ['FF', 0x0c],
    ['TAB', 0x09],
  ])('returns to value 1 at %s in every text VR', (_name, control) => {
    const bytes = bytesOf([ESC, 0x2d, 0x4c, 0xbb, control, 0xbb]);
    const charset = ['ISO 2022 IR 100', 'ISO 2022 IR 144'];
    for (const vr of ['LT', 'ST', 'UT', 'LO', 'SH', 'PN', 'UC']) {
      expect(decodeText(bytes, charset, vr).text).toBe(`Л${String.fromCharCode(control)}»`);
    }
  });

  it('does not take a ^ inside a JIS X 0208 character for a delimiter', () => {
    // ESC $ B, then `$^` is ま (0x245E): the 0x5E is the second byte of a kanji, not a delimiter.
    const bytes = bytesOf(
      [ESC, 0x24, 0x42],
      '$d$^$@',
      [ESC, 0x28, 0x42],
      '^',
      [ESC, 0x24, 0x42],
      '$?$m$&',
      [ESC, 0x28, 0x42],
    );
    expect(decodeText(bytes, ['', 'ISO 2022 IR 87'], 'PN')).toEqual({ text: 'やまだ^たろう' });
  });

  it('reads JIS X 0212 (ISO 2022 IR 159) next to JIS X 0208', () => {
    // pydicom 2.3.1 test_japanese_multi_byte_personname: "Mori^Ogai=森^鷗外=もり^おうがい" encoded.
    const encoded = [
      0x4d, 0x6f, 0x72, 0x69, 0x5e, 0x4f, 0x67, 0x61, 0x69, 0x3d, 0x1b, 0x24, 0x42, 0x3f, 0x39,
      0x1b, 0x28, 0x42, 0x5e, 0x1b, 0x24, 0x28, 0x44, 0x6c, 0x3f, 0x1b, 0x24, 0x42, 0x33, 0x30,
      0x1b, 0x28, 0x42, 0x3d, 0x1b, 0x24, 0x42, 0x24, 0x62, 0x24, 0x6a, 0x1b, 0x28, 0x42, 0x5e,
      0x1b, 0x24, 0x42, 0x24, 0x2a, 0x24, 0x26, 0x24, 0x2c, 0x24, 0x24, 0x1b, 0x28, 0x42,
    ];
    const charset = ['ISO 2022 IR 6', 'ISO 2022 IR 87', 'ISO 2022 IR 159'];
    expect(decodeText(Uint8Array.from(encoded), charset, 'PN')).toEqual({
      text: 'Mori^Ogai=森^鷗外=もり^おうがい',
    });
  });

  it('reads GB 2312 (ISO 2022 IR 58) designated to G1, as in PS3.5 Annex K', () => {
    const bytes = bytesOf(
      'Wang^XiaoDong=',
      [ESC, 0x24, 0x29, 0x41, 0xcd, 0xf5],
      '^',
      [ESC, 0x24, 0x29, 0x41, 0xd0, 0xa1, 0xb6, 0xab],
      '=',
    );
    expect(decodeText(bytes, ['', 'ISO 2022 IR 58'], 'PN')).toEqual({
      text: 'Wang^XiaoDong=王^小东=',
    });
  });

  it('falls back to value 1 after a delimiter when the escape is missing (as pydicom does)', () => {
    // pydicom 2.3.1 test_missing_escape_for_single_byte_code_extensions: "ASCII+ﾔﾏﾀﾞ^ÀÛ³".
    const bytes = bytesOf('ASCII+', [
      ESC,
      0x29,
      0x49,
      0xd4,
      0xcf,
      0xc0,
      0xde,
      0x5e,
      0xc0,
      0xdb,
      0xb3,
    ]);
    expect(decodeText(bytes, ['', 'ISO 2022 IR 13'], 'PN').text).toBe('ASCII+ﾔﾏﾀﾞ^ÀÛ³');
  });

  it('reads the first value without any escape (ISO 2022 IR 100 as default)', () => {
    // pydicom 2.3.1 test_multi_charset_default_value.
    const charset = ['ISO 2022 IR 100', 'ISO 2022 IR 144'];
    expect(decodeText(bytesOf('R', [0xf6], 'ntgenaufnahme'), charset, 'LO').text).toBe(
      'Röntgenaufnahme',
    );
  });

  it('keeps an unknown escape sequence as text, with a warning', () => {
    const bytes = bytesOf([ESC], '-Z', [0xe9]);
    const decoded = decodeText(bytes, ['ISO_IR 100'], 'LO');
    expect(decoded.text).toBe('\x1b-Zé');
    expect(decoded.warning).toMatch(/unknown or truncated escape/);
    expect(decodeText(bytesOf('ab', [ESC]), ['ISO_IR 100'], 'LO').text).toBe('ab\x1b');
  });

  it('follows an escape to a set (0008,0005) does not declare, with a warning', () => {
    const bytes = bytesOf('Dionysios=', [ESC, 0x2d, 0x46, 0xc4, 0xe9]);
    const decoded = decodeText(bytes, ['ISO_IR 100'], 'PN');
    expect(decoded.text).toBe('Dionysios=Δι');
    expect(decoded.warning).toMatch(/ISO-IR 126, which \(0008,0005\) does not declare/);
  });
});

describe('decodeText stand-alone sets, defaults and faults', () => {
  it('reads UTF-8, GB18030 and GBK as a whole, even when a trail byte is 0x5C', () => {
    expect(decodeText(bytesOf([0xe7, 0x8e, 0x8b]), ['ISO_IR 192'], 'PN')).toEqual({ text: '王' });
    // 0x81 0x5C is one character (乗) in GBK and GB18030, not a byte followed by a backslash.
    expect(decodeText(bytesOf([0x81, 0x5c], '\\', [0xcd, 0xf5]), ['GB18030'], 'LO').text).toBe(
      '乗\\王',
    );
    expect(decodeText(bytesOf([0x81, 0x5c]), ['GBK'], 'LO').text).toBe('乗');
  });

  it('keeps a UTF-8 byte order mark instead of dropping its bytes', () => {
    expect(decodeText(bytesOf([0xef, 0xbb, 0xbf], 'A'), ['ISO_IR 192'], 'LO').text).toBe('\ufeffA');
  });

  it('reports invalid UTF-8 as replaced characters', () => {
    const decoded = decodeText(bytesOf([0xc4, 0xe9]), ['ISO_IR 192'], 'PN');
    expect(decoded.text).toContain('\ufffd');
    expect(decoded.warning).toMatch(/not valid utf-8/);
  });

  it('ignores code extensions after a stand-alone set, with a warning', () => {
    const decoded = decodeText(
      bytesOf('Buc^J', [0xc3, 0xa9], 'r', [0xc3, 0xb4], 'me'),
      ['ISO_IR 192', 'ISO 2022 IR 100', 'ISO 2022 IR 144'],
      'PN',
    );
    expect(decoded.text).toBe('Buc^Jérôme');
    expect(decoded.warning).toMatch(/allows no code extensions/);
  });

  it('reads the default repertoire, and unknown terms, as Latin-1 without losing a byte', () => {
    const all = Uint8Array.from({ length: 256 }, (_, i) => i).filter((b) => b !== ESC);
    for (const charset of [[], [''], ['ISO_IR 6']]) {
      expect(decodeText(all, charset, 'LT')).toEqual({ text: latin1(all) });
    }
    const unknown = decodeText(bytesOf('Buc^J', [0xe9], 'r'), ['ISO_IR 999'], 'PN');
    expect(unknown.text).toBe('Buc^Jér');
    expect(unknown.warning).toMatch(/unknown Specific Character Set term "ISO_IR 999"/);
  });

  it('warns about unknown terms only when the value needs a character set', () => {
    expect(decodeText(bytesOf('Doe^John'), ['NONSENSE'], 'PN')).toEqual({ text: 'Doe^John' });
  });

  it('accepts the common misspellings, with a warning', () => {
    const decoded = decodeText(bytesOf('J', [0xc3, 0xa9]), ['ISO IR 192'], 'PN');
    expect(decoded.text).toBe('Jé');
    expect(decoded.warning).toMatch(/"ISO IR 192" read as 'ISO_IR 192'/);
    const greek = decodeText(
      bytesOf([ESC, 0x2d, 0x46, 0xc4]),
      ['ISO 2022 IR 100', 'ISO_2022_IR+126'],
      'PN',
    );
    expect(greek.text).toBe('Δ');
  });

  it('reads the ASCII VRs as Latin-1 whatever the character set', () => {
    const bytes = bytesOf('AB', [0xe9, ESC, 0x24, 0x42]);
    for (const vr of ['CS', 'DA', 'UI', 'AE', 'IS', 'DS', 'TM', 'UR']) {
      expect(decodeText(bytes, ['ISO_IR 192'], vr)).toEqual({ text: latin1(bytes) });
    }
  });

  it('never puts the decoded text in a warning', () => {
    const decoded = decodeText(bytesOf('Secret', [0xff, 0xfe], 'Name'), ['ISO_IR 192', 'X'], 'PN');
    expect(decoded.warning).toBeDefined();
    expect(decoded.warning).not.toMatch(/Secret|Name/);
  });
});

describe('encodeText', () => {
  it('writes ASCII in every character set', () => {
    for (const charset of [
      [],
      ['ISO_IR 100'],
      ['ISO_IR 192'],
      ['', 'ISO 2022 IR 87'],
      ['GB18030'],
    ]) {
      expect(encodeText('ANON^PATIENT 01', charset)).toEqual(bytesOf('ANON^PATIENT 01'));
    }
  });

  it('writes Latin-1 for ISO_IR 100 and UTF-8 for ISO_IR 192', () => {
    expect(encodeText('Jérôme', ['ISO_IR 100'])).toEqual(bytesOf('J', [0xe9], 'r', [0xf4], 'me'));
    expect(encodeText('Jérôme', ['ISO 2022 IR 100', 'ISO 2022 IR 87'])).toEqual(
      bytesOf('J', [0xe9], 'r', [0xf4], 'me'),
    );
    expect(encodeText('王^小東', ['ISO_IR 192'])).toEqual(
      bytesOf([0xe7, 0x8e, 0x8b], '^', [0xe5, 0xb0, 0x8f, 0xe6, 0x9d, 0xb1]),
    );
  });

  it('writes the other single-byte sets through their decoders', () => {
    expect(encodeText('Διονυσιος', ['ISO_IR 126'])).toEqual(
      bytesOf([0xc4, 0xe9, 0xef, 0xed, 0xf5, 0xf3, 0xe9, 0xef, 0xf2]),
    );
    expect(encodeText('Wałęsa', ['ISO_IR 101'])).toEqual(bytesOf('Wa', [0xb3, 0xea], 'sa'));
  });

  it('throws ENCODE_FAILED naming the VR, never the value, when the set cannot hold the text', () => {
    const cases: [string, string[], string][] = [
      ['Jérôme', [], 'PN'],
      ['Jérôme', ['ISO_IR 6'], 'LO'],
      ['Łukasz', ['ISO_IR 100'], 'PN'],
      ['山田', ['', 'ISO 2022 IR 87'], 'PN'],
      ['王', ['GB18030'], 'PN'],
      ['Jérôme', ['ISO_IR 192'], 'CS'],
      ['\ud800x', ['ISO_IR 192'], 'LO'],
      ['a\x1b-Fb', ['ISO_IR 192'], 'LO'],
    ];
    for (const [text, charset, vr] of cases) {
      let caught: unknown;
      try {
        encodeText(text, charset, vr);
      } catch (error) {
        caught = error;
      }
      expect(caught).toMatchObject({ name: 'VeilError', code: 'ENCODE_FAILED' });
      const message = (caught as Error).message;
      expect(message).toContain(vr);
      expect(message).not.toContain(text);
    }
  });

  it('round-trips through decodeText for Latin-1 and UTF-8 text', () => {
    const noEscape = (s: string): boolean => !s.includes('\x1b');
    fc.assert(
      fc.property(
        fc.string({
          unit: fc.integer({ min: 0x20, max: 0xff }).map((c) => String.fromCharCode(c)),
        }),
        (text) => {
          const bytes = encodeText(text, ['ISO_IR 100'], 'LT');
          expect(decodeText(bytes, ['ISO_IR 100'], 'LT').text).toBe(text);
        },
      ),
    );
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme' }).filter(noEscape), (text) => {
        const bytes = encodeText(text, ['ISO_IR 192'], 'UT');
        expect(decodeText(bytes, ['ISO_IR 192'], 'UT').text).toBe(text);
      }),
    );
  });
});
