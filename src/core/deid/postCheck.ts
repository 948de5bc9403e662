import { VeilError } from '../errors';
import type { ParsedDataset, ParsedElement, ParsedFile } from '../dicom/model';
import { parseFile } from '../dicom/parse';
import { formatTag } from '../dicom/tag';
import { readStringValues, readText } from '../dicom/values';
import { isTextVr } from '../dicom/vr';
import type { Expectation } from './apply';
import { dummyText } from './dummy';

/**
 * Fail closed: the written bytes are parsed again from scratch and must say what the walk decided.
 * Every removed element is absent, every replaced value reads back as intended, and the patient's
 * original ID and name appear in no text value. Any miss fails the file; nothing is exported.
 * Returns the fresh parse, for the residual scan.
 */
export function postCheck(
  bytes: Uint8Array,
  fileName: string,
  expectations: readonly Expectation[],
  forbidden: readonly string[],
  /**
   * Values Veil itself made for the patient (the keyed pseudonym): no trace of the patient even
   * when an original is part of one, as `Anon` is of `ANON-7K3QX9D2MF` in already-anonymised data.
   */
  own: readonly string[] = [],
): ParsedFile {
  let file: ParsedFile;
  try {
    file = parseFile(bytes, fileName);
  } catch (error) {
    const reason = error instanceof VeilError ? error.message : String(error);
    throw new VeilError('POST_CHECK_FAILED', `the written file cannot be read back (${reason})`, {
      fileName,
    });
  }
  const byPath = new Map<string, { element: ParsedElement; dataset: ParsedDataset }>();
  const visit = (dataset: ParsedDataset, prefix: string) => {
    for (const element of dataset.elements) {
      const path = `${prefix}${formatTag(element.tag)}`;
      byPath.set(path, { element, dataset });
      element.items?.forEach((item, i) => visit(item.dataset, `${path}[${i}]/`));
    }
  };
  visit(file.dataset, '');

  for (const expectation of expectations) {
    const found = byPath.get(expectation.path);
    if (expectation.outcome.kind === 'absent') {
      if (found) fail(fileName, `${expectation.path} should have been removed but is present`);
      continue;
    }
    if (!found) {
      fail(fileName, `${expectation.path} is missing from the output`);
      continue;
    }
    const actual = textOf(file, found.element, found.dataset);
    if (actual !== expectation.outcome.text)
      fail(fileName, `${expectation.path} does not hold the value written`);
  }

  const needles = forbidden.filter((v) => v.length >= 3).map((v) => v.toLowerCase());
  if (needles.length === 0) return file;
  const ours = own.filter((v) => v.length > 0).map((v) => v.toLowerCase());
  for (const [path, { element, dataset }] of byPath) {
    if (element.items || !isTextVr(element.vr) || element.length === 0) continue;
    const text = textOf(file, element, dataset).toLowerCase();
    // Our own placeholder is no trace of the patient, even when the input was already anonymised
    // and the patient's "name" is the same word (PatientName ANONYMIZED is common in shared data).
    if (text === dummyText(element.vr)?.toLowerCase()) continue;
    if (!needles.some((needle) => text.includes(needle))) continue;
    // Only what is left once our own values are taken out counts: `anon` inside our pseudonym is
    // no leak, `anon` anywhere else in the same value is.
    const rest = withoutOwn(text, ours);
    if (needles.some((needle) => rest.includes(needle))) {
      fail(fileName, `${path} still holds the patient's original name or ID`);
    }
  }
  return file;
}

/** `text` with every occurrence of each of `ours` cut out; the pieces stay apart (no new words). */
function withoutOwn(text: string, ours: readonly string[]): string {
  let rest = text;
  for (const value of ours) rest = rest.split(value).join('\0');
  return rest;
}

function textOf(file: ParsedFile, element: ParsedElement, dataset: ParsedDataset): string {
  if (element.vr === 'UI') return readStringValues(file.bytes, element).join('\\');
  return readText(file.bytes, element, dataset.characterSets);
}

function fail(fileName: string, message: string): never {
  throw new VeilError('POST_CHECK_FAILED', message, { fileName });
}
