import { lookupTag } from '../dicom/dictionary';
import type { ParsedDataset, ParsedElement, ParsedFile } from '../dicom/model';
import { elementOf, formatTag, groupOf, isPrivateCreatorTag, isPrivateTag } from '../dicom/tag';
import { readString, readText } from '../dicom/values';
import { isTextVr } from '../dicom/vr';
import type { OptionName } from './options';
import { dummyText } from './dummy';

/**
 * The residual-PHI scan: after de-identification, every text value that remains is searched for the
 * identifying values of the ORIGINAL file. A hit says where (tag path, as Change.path writes it) and
 * which kind of identifier matched, never the value.
 *
 * What is collected from the original (top level, plus the two sequences that repeat identifiers):
 *   patient-name(-family|-given|-middle)  (0010,0010), every PN group (alphabetic, ideographic,
 *                                          phonetic); the whole name in both orders and each part
 *   other-patient-name                    (0010,1001) Other Patient Names, (0010,1005) Birth Name,
 *                                          (0010,1060) Mother's Birth Name
 *   patient-id, issuer-of-patient-id      (0010,0020), (0010,0021)
 *   other-patient-id                      (0010,1000), and (0010,0020)/(0010,0021) in the items of
 *                                          Other Patient IDs Sequence (0010,1002)
 *   accession-number                      (0008,0050), also in Request Attributes Sequence items
 *   birth-date                            (0010,0030) in the spellings of `birthDateForms`
 *   patient-address, patient-telephone    (0010,1040), (0010,2154)
 *   institution-name, institution-address, institutional-department
 *                                          (0008,0080), (0008,0081), (0008,1040); left out under
 *                                          the Retain Institution Identity option, which keeps them
 *   physician-name                        (0008,0090), (0008,1048), (0008,1050), (0008,1060),
 *                                          (0032,1032)
 *   operator-name                         (0008,1070)
 *
 * What is scanned in the output: every element at any depth (sequence items, private elements,
 * SR content) whose VR is LO, LT, SH, ST, UT, UC, PN (decoded by Specific Character Set), AE, CS, UR,
 * DA, DT, or UN (read as text: retained private elements of implicit VR files are UN). Binary VRs
 * (OB, OW…), numbers, UIDs and TM are not.
 *
 * Matching rules, chosen so a hit means something:
 * - Case-insensitive; whitespace, commas and PN `^` separators count as one space, in the value and
 *   in the text alike ("DOE^JOHN" matches "Doe,  John").
 * - A name part or word needs 3 characters (2 in scripts without letter case, where names are
 *   short: 山田), and is never one of STOP_WORDS (MR, DR, TEST, PATIENT, HOSPITAL…). A whole name
 *   is sought only when one of its parts counts on its own (so "LI^AN" gives nothing).
 * - Names and words match whole tokens only: no letter or digit may touch them ("ANN" does not hit
 *   "ANNUAL"). In caseless scripts (CJK, kana, Hangul) they match anywhere, as words are not spaced.
 * - An ID needs 3 characters (5 when all digits), and matches whole tokens; from 6 characters on it
 *   matches anywhere ("MRN1234567" holds "1234567"). Dates match where no digit touches them.
 * - Institution names and departments match as whole values; addresses as whole values and by
 *   comma- or line-separated parts of 6 characters or more.
 *
 * The values are gathered once per patient; the scan is a substring search per value over each
 * value, linear in the size of the dataset.
 */

export const IDENTIFIER_KINDS = [
  'patient-name',
  'patient-name-family',
  'patient-name-given',
  'patient-name-middle',
  'other-patient-name',
  'patient-id',
  'issuer-of-patient-id',
  'other-patient-id',
  'accession-number',
  'birth-date',
  'patient-address',
  'patient-telephone',
  'institution-name',
  'institution-address',
  'institutional-department',
  'physician-name',
  'operator-name',
] as const;

export type IdentifierKind = (typeof IDENTIFIER_KINDS)[number];

/** Each kind in words, for reports and the review screen. */
export const IDENTIFIER_KIND_TEXT: Readonly<Record<IdentifierKind, string>> = {
  'patient-name': "the patient's name",
  'patient-name-family': "the patient's family name",
  'patient-name-given': "the patient's given name",
  'patient-name-middle': "the patient's middle name",
  'other-patient-name': 'another name of the patient',
  'patient-id': 'the patient ID',
  'issuer-of-patient-id': 'the issuer of the patient ID',
  'other-patient-id': 'another patient ID',
  'accession-number': 'the accession number',
  'birth-date': 'the birth date',
  'patient-address': "the patient's address",
  'patient-telephone': "the patient's telephone number",
  'institution-name': 'the institution',
  'institution-address': "the institution's address",
  'institutional-department': 'the department',
  'physician-name': "a physician's name",
  'operator-name': "an operator's name",
};

/** One place where an identifying value of the original survives. Holds no value. */
export interface ResidualHit {
  /** `(0040,A730)[0]/(0040,A160)`: the tag path through sequences, as Change.path writes it. */
  readonly path: string;
  readonly tag: string;
  /** Dictionary keyword, `creator:xxEE` for private data, or '' when unknown. */
  readonly keyword: string;
  readonly vr: string;
  readonly kind: IdentifierKind;
}

/**
 * The identifying values of one original file, ready to scan with. It holds PHI: keep it in memory
 * next to the file it came from, never in a report or a message.
 */
export interface IdentifyingValues {
  /** How many distinct values (and name parts, and date spellings) will be looked for. */
  readonly count: number;
  /** @internal every value with its boundary rule, longest first. */
  readonly sought: readonly { readonly text: string; readonly rule: Rule }[];
  /** @internal normalised value → the kinds it stands for. */
  readonly kinds: ReadonlyMap<string, readonly IdentifierKind[]>;
}

/** Words too common to mean a person or a place, even when a name part is one of them. */
export const STOP_WORDS: ReadonlySet<string> = new Set(
  `mr mrs ms miss dr md phd prof jr sr ii iii iv the and for with von van der den del della des les
   unknown anonymous anonymized anonymised anon deidentified redacted removed patient test none null
   other yes hospital clinic clinical medical center
   centre health university radiology imaging department dept institute street road avenue study
   series image chest head brain abdomen pelvis spine`.split(/\s+/),
);

type Rule = 'token' | 'digits' | 'anywhere';

interface Needle {
  readonly text: string;
  readonly rule: Rule;
  readonly kind: IdentifierKind;
}

const T = {
  PatientName: 0x00100010,
  PatientID: 0x00100020,
  IssuerOfPatientID: 0x00100021,
  PatientBirthDate: 0x00100030,
  OtherPatientIDs: 0x00101000,
  OtherPatientNames: 0x00101001,
  OtherPatientIDsSequence: 0x00101002,
  PatientBirthName: 0x00101005,
  PatientAddress: 0x00101040,
  PatientMotherBirthName: 0x00101060,
  PatientTelephoneNumbers: 0x00102154,
  AccessionNumber: 0x00080050,
  InstitutionName: 0x00080080,
  InstitutionAddress: 0x00080081,
  ReferringPhysicianName: 0x00080090,
  InstitutionalDepartmentName: 0x00081040,
  PhysiciansOfRecord: 0x00081048,
  PerformingPhysicianName: 0x00081050,
  NameOfPhysiciansReadingStudy: 0x00081060,
  OperatorsName: 0x00081070,
  RequestingPhysician: 0x00321032,
  RequestAttributesSequence: 0x00400275,
} as const;

type How = 'patient' | 'person' | 'id' | 'whole' | 'address' | 'date';

/** Top-level sources: tag → how its value is cut into needles, and of which kind. */
const SOURCES: readonly (readonly [number, How, IdentifierKind])[] = [
  [T.PatientName, 'patient', 'patient-name'],
  [T.OtherPatientNames, 'person', 'other-patient-name'],
  [T.PatientBirthName, 'person', 'other-patient-name'],
  [T.PatientMotherBirthName, 'person', 'other-patient-name'],
  [T.PatientID, 'id', 'patient-id'],
  [T.IssuerOfPatientID, 'id', 'issuer-of-patient-id'],
  [T.OtherPatientIDs, 'id', 'other-patient-id'],
  [T.AccessionNumber, 'id', 'accession-number'],
  [T.PatientBirthDate, 'date', 'birth-date'],
  [T.PatientAddress, 'address', 'patient-address'],
  [T.PatientTelephoneNumbers, 'id', 'patient-telephone'],
  [T.InstitutionName, 'whole', 'institution-name'],
  [T.InstitutionAddress, 'address', 'institution-address'],
  [T.InstitutionalDepartmentName, 'whole', 'institutional-department'],
  [T.ReferringPhysicianName, 'person', 'physician-name'],
  [T.PhysiciansOfRecord, 'person', 'physician-name'],
  [T.PerformingPhysicianName, 'person', 'physician-name'],
  [T.NameOfPhysiciansReadingStudy, 'person', 'physician-name'],
  [T.RequestingPhysician, 'person', 'physician-name'],
  [T.OperatorsName, 'person', 'operator-name'],
];

/** Identifiers repeated inside the items of a sequence. */
const NESTED_SOURCES: readonly (readonly [number, number, IdentifierKind])[] = [
  [T.OtherPatientIDsSequence, T.PatientID, 'other-patient-id'],
  [T.OtherPatientIDsSequence, T.IssuerOfPatientID, 'issuer-of-patient-id'],
  [T.RequestAttributesSequence, T.AccessionNumber, 'accession-number'],
];

const INSTITUTION_KINDS: ReadonlySet<IdentifierKind> = new Set([
  'institution-name',
  'institution-address',
  'institutional-department',
]);

const SEPARATORS = /[\s,^]+/g;

/** Whitespace, commas and PN component separators are one space; everything lower case. */
export function normalise(text: string): string {
  return text.toLowerCase().replace(SEPARATORS, ' ');
}

/** Letters only of scripts without letter case (CJK, kana, Hangul, Arabic, Hebrew…). */
export const isCaseless = (text: string): boolean =>
  /[\p{L}]/u.test(text) &&
  [...text].every((c) => !/\p{L}/u.test(c) || c.toLowerCase() === c.toUpperCase());

/**
 * The identifying values of `original` (see the module comment for the list). `options` are the
 * profile's: under Retain Institution Identity the institution is kept on purpose, so not sought.
 */
export function collectIdentifiers(
  original: ParsedFile,
  options: readonly OptionName[] = [],
): IdentifyingValues {
  const skipInstitution = options.includes('RetainInstitutionIdent');
  const { dataset } = original;
  const textOf = (set: ParsedDataset, tag: number): string | undefined => {
    const element = set.elements.find((e) => e.tag === tag);
    if (!element || element.items || element.length === 0) return undefined;
    return readText(original.bytes, element, set.characterSets);
  };
  const found: [string, How, IdentifierKind][] = [];
  for (const [tag, how, kind] of SOURCES) {
    if (skipInstitution && INSTITUTION_KINDS.has(kind)) continue;
    const value = textOf(dataset, tag);
    if (value !== undefined) found.push([value, how, kind]);
  }
  for (const [sequenceTag, tag, kind] of NESTED_SOURCES) {
    const sequence = dataset.elements.find((e) => e.tag === sequenceTag);
    for (const item of sequence?.items ?? []) {
      const value = textOf(item.dataset, tag);
      if (value !== undefined) found.push([value, 'id', kind]);
    }
  }
  // The files of one patient give the same values: their needles are made once.
  const key = found.map(([value, how, kind]) => `${how}\u0001${kind}\u0001${value}`).join('\u0000');
  const known = collected.get(key);
  if (known) return known;
  const needles: Needle[] = [];
  for (const [value, how, kind] of found) addValue(needles, value, how, kind);
  const ids = compile(needles);
  if (collected.size >= 64) collected.clear();
  collected.set(key, ids);
  return ids;
}

/** Identifying values by the raw values they were made from (see collectIdentifiers). */
const collected = new Map<string, IdentifyingValues>();

function addValue(needles: Needle[], value: string, how: How, kind: IdentifierKind): void {
  for (const single of value.split('\\')) {
    const trimmed = single.replace(/[\0 ]+$/, '').trim();
    if (trimmed === '') continue;
    switch (how) {
      case 'patient':
      case 'person':
        addPersonName(needles, trimmed, how === 'patient', kind);
        break;
      case 'id':
        addId(needles, trimmed, kind);
        break;
      case 'whole':
        addWords(needles, normalise(trimmed), kind, 3);
        break;
      case 'address':
        addWords(needles, normalise(trimmed), kind, 3);
        for (const part of trimmed.split(/[,;\r\n]+/))
          addWords(needles, normalise(part).trim(), kind, 6);
        break;
      case 'date':
        for (const form of birthDateForms(trimmed))
          needles.push({ text: form, rule: 'digits', kind });
        break;
    }
  }
}

const COMPONENT_KINDS = [
  'patient-name-family',
  'patient-name-given',
  'patient-name-middle',
] as const;

/**
 * A PN value: each `=` group (alphabetic, ideographic, phonetic) gives its family, given and middle
 * names and their words, and the whole name (family given, given family, with the middle name too).
 * Prefixes and suffixes (Dr, Jr) are not identifying on their own.
 */
function addPersonName(
  needles: Needle[],
  value: string,
  patient: boolean,
  kind: IdentifierKind,
): void {
  for (const group of value.split('=')) {
    const [family = '', given = '', middle = ''] = group.split('^').map((p) => normalise(p).trim());
    const parts: Needle[] = [];
    [family, given, middle].forEach((part, i) => {
      const partKind = patient ? COMPONENT_KINDS[i]! : kind;
      addWords(parts, part, partKind, 3);
      const words = part.split(' ');
      if (words.length > 1) for (const word of words) addWords(parts, word, partKind, 3);
    });
    needles.push(...parts);
    // The whole name, in the orders free text writes it, when a part of it counts on its own.
    if (parts.length === 0) continue;
    const orders = [
      [family, given],
      [given, family],
      [family, given, middle],
      [given, middle, family],
    ];
    for (const order of orders) {
      const named = order.filter((p) => p !== '');
      if (named.length > 1) addWords(needles, named.join(' '), kind, 3);
    }
  }
}

/** A name, a word or a whole value, if long and uncommon enough (2 characters in caseless scripts). */
function addWords(needles: Needle[], text: string, kind: IdentifierKind, minimum: number): void {
  const value = text.trim();
  if (value === '' || STOP_WORDS.has(value)) return;
  const caseless = isCaseless(value);
  if ([...value].length < (caseless ? 2 : minimum)) return;
  needles.push({ text: value, rule: caseless ? 'anywhere' : 'token', kind });
}

function addId(needles: Needle[], value: string, kind: IdentifierKind): void {
  const text = normalise(value).trim();
  const digits = /^\d+$/.test(text);
  if (text.length < (digits ? 5 : 3) || STOP_WORDS.has(text)) return;
  needles.push({ text, rule: text.length >= 6 ? 'anywhere' : 'token', kind });
}

const MONTHS = `january february march april may june july august september october november
  december`.split(/\s+/);

/**
 * The spellings a birth date (DA, YYYYMMDD) takes in free text: ISO and DICOM forms; day-month and
 * month-day orders with `/`, `.` or `-`, with and without leading zeros; two-digit years with
 * leading zeros; English month names, full and short ("12 Mar 1961", "March 12, 1961",
 * "12-MAR-1961"). Normalised (lower case, commas as spaces) as the scanned text is.
 */
export function birthDateForms(value: string): string[] {
  const match = /^(\d{4})(\d{2})(\d{2})$/.exec(value.trim());
  if (!match) return [];
  const [, y, mm, dd] = match as unknown as [string, string, string, string];
  const m = String(Number(mm));
  const d = String(Number(dd));
  const month = MONTHS[Number(mm) - 1];
  if (!month || Number(dd) < 1 || Number(dd) > 31) return [];
  const yy = y.slice(2);
  const forms = new Set<string>([
    `${y}${mm}${dd}`,
    `${y}-${mm}-${dd}`,
    `${y}/${mm}/${dd}`,
    `${y}.${mm}.${dd}`,
  ]);
  for (const sep of ['/', '.', '-']) {
    for (const [day, mon] of [
      [dd, mm],
      [d, m],
    ] as const) {
      forms.add(`${day}${sep}${mon}${sep}${y}`);
      forms.add(`${mon}${sep}${day}${sep}${y}`);
    }
    forms.add(`${dd}${sep}${mm}${sep}${yy}`);
    forms.add(`${mm}${sep}${dd}${sep}${yy}`);
  }
  for (const name of [month, month.slice(0, 3)]) {
    for (const day of [dd, d]) {
      forms.add(`${day} ${name} ${y}`);
      forms.add(`${name} ${day} ${y}`);
      forms.add(`${day}-${name}-${y}`);
    }
  }
  return [...forms];
}

/** A letter or a digit (what a name or word may not touch), and a digit (what a date may not). */
const WORD_CHAR = /[\p{L}\p{N}]/u;
const DIGIT = /\p{N}/u;

/** Which rule wins when one text is sought under several: the most permissive. */
const LOOSENESS: Readonly<Record<Rule, number>> = { token: 0, digits: 1, anywhere: 2 };

function compile(needles: readonly Needle[]): IdentifyingValues {
  const kinds = new Map<string, IdentifierKind[]>();
  const rules = new Map<string, Rule>();
  for (const { text, rule, kind } of needles) {
    const list = kinds.get(text) ?? [];
    if (!list.includes(kind)) list.push(kind);
    kinds.set(text, list);
    const previous = rules.get(text);
    if (previous === undefined || LOOSENESS[rule] > LOOSENESS[previous]) rules.set(text, rule);
  }
  // Longest first, so that at one position a whole name wins over its parts.
  const texts = [...kinds.keys()].sort((a, b) => b.length - a.length || (a < b ? -1 : 1));
  const sought = texts.map((text) => ({ text, rule: rules.get(text)! }));
  return { count: texts.length, sought, kinds };
}

/** VRs whose values are read as ASCII (no Specific Character Set) and still scanned. */
const ASCII_SCANNED = new Set(['AE', 'CS', 'UR', 'DA', 'DT']);

/** Every place in `output` where a value of `ids` survives, in file order; one hit per kind. */
export function scanResidual(output: ParsedFile, ids: IdentifyingValues): ResidualHit[] {
  const hits: ResidualHit[] = [];
  if (ids.sought.length === 0) return hits;
  const visit = (dataset: ParsedDataset, prefix: string) => {
    let creators: Map<number, string> | undefined;
    for (const element of dataset.elements) {
      if (element.items) {
        const path = `${prefix}${formatTag(element.tag)}`;
        element.items.forEach((item, i) => visit(item.dataset, `${path}[${i}]/`));
        continue;
      }
      if (element.length === 0 || element.encapsulated || element.tag === 0x7fe00010) continue;
      const text = textToScan(output, element, dataset);
      // Veil's own placeholder (D) carries nothing of the original, even when already-anonymised
      // input used the same one: a birth date 19000101 is no trace in a dummy date 19000101.
      if (text === undefined || text === dummyText(element.vr)) continue;
      const found = matchKinds(normalise(text), ids);
      if (found.size === 0) continue;
      const path = `${prefix}${formatTag(element.tag)}`;
      if (isPrivateTag(element.tag) && !creators) creators = creatorsOf(output, dataset);
      const keyword = keywordOf(element, creators);
      for (const kind of found) {
        hits.push({ path, tag: formatTag(element.tag), keyword, vr: element.vr, kind });
      }
    }
  };
  visit(output.dataset, '');
  return hits;
}

function textToScan(
  file: ParsedFile,
  element: ParsedElement,
  dataset: ParsedDataset,
): string | undefined {
  if (isTextVr(element.vr)) return readText(file.bytes, element, dataset.characterSets);
  if (ASCII_SCANNED.has(element.vr)) return readString(file.bytes, element);
  // A UN value (a retained private element of an implicit VR file) is most often text.
  if (element.vr === 'UN' && !element.undefinedLength) {
    return readText(file.bytes, { ...element, vr: 'LT' }, dataset.characterSets);
  }
  return undefined;
}

/**
 * Every kind matched in `text`. At each position the longest value that starts there and meets its
 * boundary rule wins, and every position is tried (matches may overlap), as one alternation of
 * all the values, longest first, would find them; but by plain substring search, which costs
 * nothing to prepare (a compiled pattern per patient cost more than the rest of the file).
 */
function matchKinds(text: string, ids: IdentifyingValues): ReadonlySet<IdentifierKind> {
  // Position → the value that won it (the first, so the longest, to meet its rule there). Made on
  // the first match only: most values of most files match nothing.
  let claims: Map<number, string> | undefined;
  for (const { text: value, rule } of ids.sought) {
    if (value.length > text.length) continue;
    for (let at = text.indexOf(value); at >= 0; at = text.indexOf(value, at + 1)) {
      if (claims?.has(at) || !bounded(text, at, value.length, rule)) continue;
      (claims ??= new Map()).set(at, value);
    }
  }
  if (!claims) return NOTHING;
  const found = new Set<IdentifierKind>();
  // Kinds in the order their matches stand in the text.
  for (const at of [...claims.keys()].sort((x, y) => x - y)) {
    for (const kind of ids.kinds.get(claims.get(at)!) ?? []) found.add(kind);
  }
  return found;
}

const NOTHING: ReadonlySet<IdentifierKind> = new Set();

/** Whether `text[at, at + length)` stands apart as its rule asks. */
function bounded(text: string, at: number, length: number, rule: Rule): boolean {
  if (rule === 'anywhere') return true;
  const apart = rule === 'token' ? WORD_CHAR : DIGIT;
  return !apart.test(codePointBefore(text, at)) && !apart.test(codePointFrom(text, at + length));
}

function codePointBefore(text: string, at: number): string {
  if (at <= 0) return '';
  const low = text.charCodeAt(at - 1);
  const start = low >= 0xdc00 && low <= 0xdfff && at >= 2 ? at - 2 : at - 1;
  return String.fromCodePoint(text.codePointAt(start)!);
}

function codePointFrom(text: string, at: number): string {
  return at < text.length ? String.fromCodePoint(text.codePointAt(at)!) : '';
}

/** Private Creator values of one dataset by (group << 8 | block). */
function creatorsOf(file: ParsedFile, dataset: ParsedDataset): Map<number, string> {
  const creators = new Map<number, string>();
  for (const element of dataset.elements) {
    if (!isPrivateCreatorTag(element.tag)) continue;
    const key = ((groupOf(element.tag) << 8) | elementOf(element.tag)) >>> 0;
    creators.set(key, readText(file.bytes, { ...element, vr: 'LO' }, dataset.characterSets).trim());
  }
  return creators;
}

/** As the engine's changes name elements (apply.ts keywordOf). */
function keywordOf(element: ParsedElement, creators: Map<number, string> | undefined): string {
  if (!isPrivateTag(element.tag)) return lookupTag(element.tag)?.keyword ?? '';
  const low = elementOf(element.tag);
  if (low >= 0x10 && low <= 0xff) return 'PrivateCreator';
  const creator = creators?.get(((groupOf(element.tag) << 8) | (low >>> 8)) >>> 0);
  const byte = (low & 0xff).toString(16).toUpperCase().padStart(2, '0');
  return creator !== undefined ? `${creator}:xx${byte}` : '';
}
