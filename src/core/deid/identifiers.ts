import type { ParsedDataset, ParsedFile } from '../dicom/model';
import { readText } from '../dicom/values';
import type { OptionName } from './options';
import { isCaseless } from './residual';

/**
 * The identifying values of one file, gathered from its top level before anything changes: they
 * drive the cleaning of free text (C actions, unlisted text) and the residual-PHI checks.
 */

const PERSON = [
  0x00100010, 0x00080090, 0x00081050, 0x00081070, 0x00081060, 0x00321032, 0x00101001, 0x00101060,
];
const PATIENT_IDS = [0x00100020, 0x00100021, 0x00101000, 0x00080050, 0x00200010];
const PATIENT_CONTACT = [0x00101040, 0x00102154, 0x00102155];
const BIRTH_DATE = 0x00100030;
const INSTITUTION = [0x00080080, 0x00080081, 0x00081040];
const DEVICE = [0x00081010, 0x00181000];

export interface Identifiers {
  /** Distinct values (and name components) of at least 3 characters (2 caseless), longest first. */
  readonly values: readonly string[];
  /** The same, lower-cased: what `cleanText` looks for (longest first, so a name beats its parts). */
  readonly needles: readonly string[];
}

export function gatherIdentifiers(file: ParsedFile, options: readonly OptionName[]): Identifiers {
  const dataset = file.dataset;
  const found = new Set<string>();
  // As the residual scan counts them: 3 characters, or 2 in scripts without letter case, where
  // names are short (山田, 김철): a 2-letter Japanese family name must be cleaned, not left to leak.
  const add = (text: string | undefined) => {
    const value = text?.trim();
    if (value && (value.length >= 3 || (value.length === 2 && isCaseless(value)))) found.add(value);
  };
  const tags = [
    ...PERSON,
    ...PATIENT_IDS,
    ...PATIENT_CONTACT,
    ...(options.includes('RetainInstitutionIdent') ? [] : INSTITUTION),
    ...(options.includes('RetainDeviceIdent') ? [] : DEVICE),
  ];
  for (const tag of tags) {
    const value = textOf(file, dataset, tag);
    if (value === undefined) continue;
    for (const single of value.split('\\')) {
      add(single);
      // Name components and words: "DOE^JOHN" leaks as "John Doe" in a comment.
      for (const part of single.split(/[\^=\s,]+/)) add(part);
    }
  }
  const birth = textOf(file, dataset, BIRTH_DATE)?.trim();
  if (birth && /^\d{8}$/.test(birth)) {
    const [y, m, d] = [birth.slice(0, 4), birth.slice(4, 6), birth.slice(6, 8)];
    for (const form of [
      birth,
      `${y}-${m}-${d}`,
      `${d}/${m}/${y}`,
      `${m}/${d}/${y}`,
      `${d}.${m}.${y}`,
      `${y}/${m}/${d}`,
    ]) {
      found.add(form);
    }
  }
  const values = [...found].sort((a, b) => b.length - a.length);
  return { values, needles: values.map((v) => v.toLowerCase()) };
}

function textOf(file: ParsedFile, dataset: ParsedDataset, tag: number): string | undefined {
  const element = dataset.elements.find((e) => e.tag === tag);
  if (!element || element.items || element.length === 0) return undefined;
  return readText(file.bytes, element, dataset.characterSets);
}

const REDACTED = '***';

/**
 * Cleans free text: every identifying value (case-insensitive) and every run of six or more digits
 * (record numbers, phone numbers, dates written as digits) is replaced by `***`.
 */
export function cleanText(text: string, identifiers: Identifiers): string {
  return redactIdentifiers(text, identifiers).replace(/\d{6,}/g, REDACTED);
}

/**
 * Left to right, the longest needle that starts at each position is replaced, as a regular
 * expression alternation of the needles (longest first, case-insensitive) would do; but no pattern
 * is compiled per patient, and a value that holds none of the needles costs one indexOf each.
 */
function redactIdentifiers(text: string, identifiers: Identifiers): string {
  const { needles } = identifiers;
  if (needles.length === 0) return text;
  const lower = text.toLowerCase();
  // Lower-casing that changes the length (a few non-Latin letters) would misplace the matches:
  // such text goes through the equivalent pattern instead.
  if (lower.length !== text.length) return text.replace(patternOf(identifiers.values), REDACTED);
  const present = needles.filter((needle) => lower.includes(needle));
  if (present.length === 0) return text;
  let out = '';
  let copied = 0;
  let at = 0;
  while (at < lower.length) {
    const hit = present.find((needle) => lower.startsWith(needle, at));
    if (hit === undefined) {
      at += 1;
      continue;
    }
    out += text.slice(copied, at) + REDACTED;
    at += hit.length;
    copied = at;
  }
  return out + text.slice(copied);
}

function patternOf(values: readonly string[]): RegExp {
  return new RegExp(values.map(escapeRegExp).join('|'), 'gi');
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
