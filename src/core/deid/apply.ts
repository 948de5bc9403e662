import { VeilError } from '../errors';
import { encodeText } from '../dicom/charset';
import { asciiValue, encodeNumbers, padValue } from '../dicom/encode';
import { lookupTag } from '../dicom/dictionary';
import type { ParsedDataset, ParsedElement, ParsedFile } from '../dicom/model';
import {
  elementOf,
  formatTag,
  groupOf,
  isGroupLengthTag,
  isPrivateCreatorTag,
  isPrivateTag,
} from '../dicom/tag';
import { displayValue, readStringValues, readText } from '../dicom/values';
import { isStringVr, isTextVr, maxLength, numberSize } from '../dicom/vr';
import type { ElementPatch, Patch } from '../dicom/write';
import { shiftDateValues } from './dates';
import { dummyText } from './dummy';
import { cleanText, type Identifiers } from './identifiers';
import type { KeyedDeriver } from './keyed';
import { findPrivateRule, ruleForStandardTag, type Plan, type PlanOp, type PlanRule } from './plan';
import { matchSafePrivate } from './safePrivate';
import type { BasicAction } from './table';
import type { Change, ChangeKind, DeidWarning } from './types';

/**
 * The walk: every element at every nesting level gets exactly one rule and one outcome, recorded as
 * a Change. The outcome goes into a Patch for the splice writer and into `expectations`, which the
 * post-check verifies on a fresh parse of the output.
 */

export interface PatientContext {
  /** The original PatientID (or name) the keyed derivations hang on; never written anywhere. */
  readonly key: string;
  readonly pseudonymId: string;
  readonly pseudonymName: string;
  /** Days added to dates under Retain Longitudinal Modified Dates; undefined when not shifting. */
  readonly dateOffset: number | undefined;
}

export interface Expectation {
  readonly path: string;
  /** 'absent', or the exact value text a fresh parse must read back. */
  readonly outcome: { readonly kind: 'absent' } | { readonly kind: 'value'; readonly text: string };
}

export interface WalkState {
  readonly file: ParsedFile;
  readonly plan: Plan;
  readonly deriver: KeyedDeriver;
  readonly patient: PatientContext;
  readonly identifiers: Identifiers;
  /** Original UIDs replaced by U rules anywhere in the file: any other reference to them follows. */
  readonly remappedUids: ReadonlySet<string>;
  readonly patch: Patch;
  /** Every change with its values (for the diff view); empty when only counts are wanted. */
  readonly changes: Change[];
  readonly detail: boolean;
  readonly counts: Record<ChangeKind, number>;
  readonly warnings: DeidWarning[];
  readonly expectations: Expectation[];
  /**
   * A chosen value (a pseudonym from a table, a replace rule) was written in UTF-8 into a file that
   * declared no character set: (0008,0005) must now say ISO_IR 192 (see textValue).
   */
  utf8Declared?: boolean;
  /** Whether this file may be declared UTF-8 (see mayDeclareUtf8); found on first need. */
  utf8Allowed?: boolean;
}

/** What one rule resolves to for one element. */
type Outcome =
  | { readonly kind: 'remove' }
  | { readonly kind: 'empty' }
  | { readonly kind: 'keep'; readonly recurse: boolean }
  | { readonly kind: 'clean' }
  | { readonly kind: 'dummy' }
  | { readonly kind: 'uid' }
  | { readonly kind: 'text'; readonly text: string; readonly change: ChangeKind }
  | { readonly kind: 'shift'; readonly days: number };

export function walkDataset(
  state: WalkState,
  dataset: ParsedDataset,
  prefix: string,
  littleEndian: boolean,
): void {
  const privateDecisions = decidePrivate(state, dataset, prefix);
  for (const element of dataset.elements) {
    const path = `${prefix}${formatTag(element.tag)}`;
    if (isGroupLengthTag(element.tag) || groupOf(element.tag) === 0x0002) {
      // Retired group lengths would be wrong once anything in the group changes; the meta group
      // only belongs in the file meta header.
      applyOutcome(
        state,
        dataset,
        element,
        path,
        { kind: 'remove' },
        'group length / misplaced meta',
        littleEndian,
      );
      continue;
    }
    if (isPrivateTag(element.tag)) {
      const decision = privateDecisions.get(element);
      if (!decision) throw new VeilError('INTERNAL', `no private decision for ${path}`);
      applyRule(state, dataset, element, path, decision, littleEndian);
      continue;
    }
    const rule = ruleForStandardTag(state.plan, element.tag) ?? unlistedRule(state, element);
    applyRule(state, dataset, element, path, rule, littleEndian);
  }
}

/**
 * Attributes the table does not list. PS3.15 keeps them, but "not listed" is not "safe": names are
 * emptied, dates follow the chosen date handling, free text is cleaned, and a UID that equals one
 * the profile replaced elsewhere is replaced the same way.
 */
function unlistedRule(state: WalkState, element: ParsedElement): PlanRule {
  const { vr } = element;
  if (vr === 'PN') return { op: { op: 'empty' }, label: 'unlisted person name (Veil policy)' };
  if (vr === 'DA' || vr === 'DT') {
    if (state.plan.options.includes('RetainLongFullDates'))
      return { op: { op: 'keep' }, label: 'unlisted date kept (full dates)' };
    if (state.patient.dateOffset !== undefined)
      return { op: { op: 'table', code: 'C' }, label: 'unlisted date shifted (Veil policy)' };
    return { op: { op: 'empty' }, label: 'unlisted date (Veil policy)' };
  }
  if (vr === 'UI' && !state.plan.options.includes('RetainUIDs') && element.length > 0) {
    const values = readStringValues(state.file.bytes, element);
    if (values.some((v) => state.remappedUids.has(v))) {
      return { op: { op: 'table', code: 'U' }, label: 'reference to a replaced UID' };
    }
    // Any other instance-like UID is replaced too: the keyed mapping is the same in every file, so
    // a reference to an object in another file still resolves, and no original UID links back.
    const keyword = lookupTag(element.tag)?.keyword ?? '';
    const named =
      NAMING_UID.test(keyword) || values.every((v) => v === '' || v.startsWith('1.2.840.10008.'));
    if (!named)
      return { op: { op: 'table', code: 'U' }, label: 'unlisted UID replaced (Veil policy)' };
  }
  if (isTextVr(vr))
    return { op: { op: 'table', code: 'C' }, label: 'unlisted text cleaned (Veil policy)' };
  return { op: { op: 'keep' }, label: 'not in E.1-1: kept' };
}

function applyRule(
  state: WalkState,
  dataset: ParsedDataset,
  element: ParsedElement,
  path: string,
  rule: PlanRule,
  le: boolean,
): void {
  applyOutcome(
    state,
    dataset,
    element,
    path,
    outcomeFor(state, dataset, element, rule.op),
    rule.label,
    le,
  );
}

function isEmpty(element: ParsedElement): boolean {
  return element.items ? element.items.length === 0 : element.length === 0;
}

function outcomeFor(
  state: WalkState,
  dataset: ParsedDataset,
  element: ParsedElement,
  op: PlanOp,
): Outcome {
  switch (op.op) {
    case 'keep':
      return { kind: 'keep', recurse: true };
    case 'remove':
      return { kind: 'remove' };
    case 'empty':
      return { kind: 'empty' };
    case 'table':
      return outcomeForCode(element, op.code);
    case 'replace':
      return { kind: 'text', text: op.value, change: 'replaced' };
    case 'shift':
      return { kind: 'shift', days: op.days };
    case 'hash': {
      if (element.vr === 'UI') return { kind: 'uid' };
      if (!isStringVr(element.vr)) {
        throw new VeilError(
          'BAD_RULE',
          `a hash rule cannot apply to ${formatTag(element.tag)} (VR ${element.vr})`,
        );
      }
      const original = readText(state.file.bytes, element, dataset.characterSets);
      const length = Math.min(maxLength(element.vr) ?? 64, 64);
      return {
        kind: 'text',
        text: state.deriver.hashText(formatTag(element.tag), original, length),
        change: 'replaced',
      };
    }
    case 'pseudonym-id':
    case 'pseudonym-name': {
      if (dataset !== state.file.dataset) {
        // Nested copies (in sequences that survive) get a keyed pseudonym of their own value.
        if (op.op === 'pseudonym-name' || isEmpty(element)) return { kind: 'empty' };
        const nested = readText(state.file.bytes, element, dataset.characterSets);
        if (state.plan.profile.pseudonyms.kind === 'table') return { kind: 'empty' };
        return {
          kind: 'text',
          text: state.deriver.pseudonym(pseudonymPrefix(state), `id:${nested}`),
          change: 'replaced',
        };
      }
      const text =
        op.op === 'pseudonym-id' ? state.patient.pseudonymId : state.patient.pseudonymName;
      return { kind: 'text', text, change: 'replaced' };
    }
  }
}

export function pseudonymPrefix(state: { plan: Plan }): string {
  const source = state.plan.profile.pseudonyms;
  return source.kind === 'keyed' ? source.prefix : 'ANON';
}

/**
 * PS3.15 codes, compound ones resolved without the IOD's attribute types (which the table does not
 * carry) by the choice that is valid whatever the type and leaks nothing:
 * Z/D → Z when already empty, else D; X/Z → Z; X/D → X when empty, else D; X/Z/D → Z when empty,
 * else D; X/Z/U* (sequences of references) → kept with every UID inside replaced by its own row.
 */
function outcomeForCode(element: ParsedElement, code: BasicAction | 'K' | 'C'): Outcome {
  const empty = isEmpty(element);
  switch (code) {
    case 'X':
      return { kind: 'remove' };
    case 'Z':
      return { kind: 'empty' };
    case 'D':
      return { kind: 'dummy' };
    case 'K':
      return { kind: 'keep', recurse: true };
    case 'C':
      return { kind: 'clean' };
    case 'U':
      return element.items ? { kind: 'keep', recurse: true } : { kind: 'uid' };
    case 'Z/D':
      return empty ? { kind: 'empty' } : { kind: 'dummy' };
    case 'X/Z':
      // An emptied sequence is invalid where the sequence is Type 3 with 1-n items (most of them,
      // e.g. Referenced Study Sequence); removal is invalid only for the Type 2 ones listed.
      if (element.items && !TYPE_2_SEQUENCES.has(element.tag)) return { kind: 'remove' };
      return { kind: 'empty' };
    case 'X/D':
      return empty ? { kind: 'remove' } : { kind: 'dummy' };
    case 'X/Z/D':
      return empty ? { kind: 'empty' } : { kind: 'dummy' };
    case 'X/Z/U*':
      if (element.items) return { kind: 'keep', recurse: true };
      return element.vr === 'UI' ? { kind: 'uid' } : { kind: 'empty' };
  }
}

/** Sequences with an X/Z row that are Type 2 in the modules that hold them (PS3.3). */
const TYPE_2_SEQUENCES = new Set([0x00400555 /* AcquisitionContextSequence */]);

/** UIDs that name things, not instances: kept whatever the profile (coding schemes, classes…). */
const NAMING_UID =
  /ClassUID$|^TransferSyntaxUID$|CodingSchemeUID$|^MappingResourceUID$|CreatorUID$/;

interface Resolved {
  readonly patch?: ElementPatch;
  readonly change: ChangeKind;
  readonly after?: string;
  readonly recurse: boolean;
}

function applyOutcome(
  state: WalkState,
  dataset: ParsedDataset,
  element: ParsedElement,
  path: string,
  outcome: Outcome,
  label: string,
  le: boolean,
): void {
  const { file } = state;
  const before = state.detail
    ? displayValue(file.bytes, element, dataset.characterSets, le)
    : undefined;
  const resolved = resolve(state, dataset, element, path, outcome, le);
  if (resolved.patch) state.patch.elements.set(element, resolved.patch);
  state.counts[resolved.change] += 1;
  if (state.detail) {
    state.changes.push({
      path,
      tag: formatTag(element.tag),
      keyword: keywordOf(state, dataset, element),
      vr: element.vr,
      kind: resolved.change,
      ...(before !== undefined ? { before } : {}),
      ...(resolved.after !== undefined ? { after: resolved.after } : {}),
      rule: label,
    });
  }
  if (resolved.patch?.kind === 'remove')
    state.expectations.push({ path, outcome: { kind: 'absent' } });
  else if (resolved.after !== undefined && !element.items) {
    state.expectations.push({ path, outcome: { kind: 'value', text: resolved.after } });
  }
  if (resolved.recurse && element.items) {
    element.items.forEach((item, index) => {
      walkDataset(state, item.dataset, `${path}[${index}]/`, item.implicitLittleEndian ? true : le);
    });
  }
}

function resolve(
  state: WalkState,
  dataset: ParsedDataset,
  element: ParsedElement,
  path: string,
  outcome: Outcome,
  le: boolean,
): Resolved {
  switch (outcome.kind) {
    case 'remove':
      return { patch: { kind: 'remove' }, change: 'removed', recurse: false };
    case 'empty':
      return emptied(element);
    case 'keep':
      return { change: 'kept', recurse: outcome.recurse };
    case 'dummy':
      return dummy(state, dataset, element, path, le);
    case 'uid':
      return remapUids(state, element);
    case 'text':
      return chosenTextValue(state, dataset, element, outcome.text, outcome.change);
    case 'shift':
      return shiftDates(state, dataset, element, path, outcome.days, 'date-shifted');
    case 'clean':
      return clean(state, dataset, element, path);
  }
}

function dummy(
  state: WalkState,
  dataset: ParsedDataset,
  element: ParsedElement,
  path: string,
  le: boolean,
): Resolved {
  const { vr } = element;
  // A sequence that must stay non-empty keeps its items, each processed by the profile.
  if (element.items || element.undefinedLength) return { change: 'cleaned', recurse: true };
  if (vr === 'UI') return remapUids(state, element);
  const text = dummyText(vr);
  if (text !== undefined) return textValue(dataset, element, text, 'replaced');
  const size = numberSize(vr);
  if (size !== undefined && vr !== 'AT' && vr !== 'UV' && vr !== 'SV') {
    return {
      patch: { kind: 'value', value: encodeNumbers(vr, [0], le) },
      change: 'replaced',
      after: '0',
      recurse: false,
    };
  }
  // Binary values (OB, OW, UN, AT…): zeros of the same length keep the structure, drop the content.
  state.warnings.push({
    code: 'DUMMY_BINARY',
    message: `${element.vr} value replaced by zeros`,
    path,
  });
  return {
    patch: { kind: 'value', value: new Uint8Array(element.length) },
    change: 'replaced',
    recurse: false,
  };
}

/** Z: a zero-length value (a sequence with no items); nothing to do when it already is. */
function emptied(element: ParsedElement): Resolved {
  const after = element.items ? undefined : '';
  if (isEmpty(element)) return { change: 'kept', after, recurse: false };
  return {
    patch: element.items
      ? { kind: 'items', items: [] }
      : { kind: 'value', value: new Uint8Array(0) },
    change: 'emptied',
    after,
    recurse: false,
  };
}

function remapUids(state: WalkState, element: ParsedElement): Resolved {
  if (element.vr !== 'UI' || element.items) {
    // U on a non-UID element: the table uses U only for UIDs; anything else is emptied rather than kept.
    return element.items ? { change: 'kept', recurse: true } : emptied(element);
  }
  if (element.length === 0) return { change: 'kept', after: '', recurse: false };
  const values = readStringValues(state.file.bytes, element).map((v) =>
    v === '' ? '' : state.deriver.uid(v),
  );
  const text = values.join('\\');
  return {
    patch: { kind: 'value', value: asciiValue(text, 'UI') },
    change: 'uid-remapped',
    after: text,
    recurse: false,
  };
}

/**
 * A value the person chose (a pseudonym from their table, a replace rule). When it holds characters
 * the file's character set cannot, and the file declares none (ASCII) and holds only ASCII text,
 * the value is written in UTF-8 and the file declared ISO_IR 192 (ASCII is a subset of it, so
 * nothing else changes meaning). Otherwise it still fails with ENCODE_FAILED: Veil never rewrites
 * other people's text into another character set.
 */
function chosenTextValue(
  state: WalkState,
  dataset: ParsedDataset,
  element: ParsedElement,
  text: string,
  change: ChangeKind,
): Resolved {
  try {
    return textValue(dataset, element, text, change);
  } catch (error) {
    if (!(error instanceof VeilError) || error.code !== 'ENCODE_FAILED') throw error;
    if (!isTextVr(element.vr) || !mayDeclareUtf8(state)) throw error;
    const utf8 = textValue(dataset, element, text, change, ['ISO_IR 192']);
    state.utf8Declared = true;
    return utf8;
  }
}

/** No dataset of the file declares a character set, and every text value is plain ASCII. */
function mayDeclareUtf8(state: WalkState): boolean {
  state.utf8Allowed ??= isPlainAscii(state.file.bytes, state.file.dataset);
  return state.utf8Allowed;
}

const DEFAULT_REPERTOIRE = new Set(['', 'ISO_IR 6', 'ISO 2022 IR 6']);

function isPlainAscii(bytes: Uint8Array, dataset: ParsedDataset): boolean {
  if (!dataset.characterSets.every((term) => DEFAULT_REPERTOIRE.has(term.trim()))) return false;
  for (const element of dataset.elements) {
    if (element.items) {
      if (!element.items.every((item) => isPlainAscii(bytes, item.dataset))) return false;
      continue;
    }
    if (!isTextVr(element.vr)) continue;
    for (let i = element.valueOffset; i < element.valueOffset + element.length; i++) {
      const byte = bytes[i]!;
      if (byte >= 0x80 || byte === 0x1b) return false;
    }
  }
  return true;
}

/** (0008,0005) ISO_IR 192, for a file whose chosen values needed UTF-8 (see chosenTextValue). */
export const UTF8_DECLARATION = { tag: 0x00080005, vr: 'CS', text: 'ISO_IR 192' } as const;

function textValue(
  dataset: ParsedDataset,
  element: ParsedElement,
  text: string,
  change: ChangeKind,
  characterSets: readonly string[] = dataset.characterSets,
): Resolved {
  if (element.items || !isStringVr(element.vr)) {
    throw new VeilError(
      'BAD_RULE',
      `a text value cannot be written to ${formatTag(element.tag)} (VR ${element.vr})`,
    );
  }
  const limit = maxLength(element.vr);
  const value = limit !== undefined && text.length > limit ? text.slice(0, limit) : text;
  const bytes = isTextVr(element.vr)
    ? encodeText(value, characterSets)
    : asciiValue(value, element.vr);
  return {
    patch: { kind: 'value', value: padValue(bytes, element.vr) },
    change,
    after: value,
    recurse: false,
  };
}

function shiftDates(
  state: WalkState,
  dataset: ParsedDataset,
  element: ParsedElement,
  path: string,
  days: number,
  change: ChangeKind,
): Resolved {
  const { vr } = element;
  if (vr !== 'DA' && vr !== 'DT') {
    if (vr === 'TM') return { change: 'kept', recurse: false };
    throw new VeilError(
      'BAD_RULE',
      `dates can only be shifted in DA or DT values, not in ${formatTag(element.tag)} (VR ${vr})`,
    );
  }
  if (element.length === 0) return { change: 'kept', after: '', recurse: false };
  const shifted = shiftDateValues(vr, readStringValues(state.file.bytes, element), days);
  if (shifted === undefined) {
    // A date that cannot be shifted must not stay as it was.
    state.warnings.push({
      code: 'DATE_NOT_SHIFTABLE',
      message: `a ${vr} value is malformed and was emptied`,
      path,
    });
    return emptied(element);
  }
  return textValue(dataset, element, shifted.join('\\'), change);
}

function clean(
  state: WalkState,
  dataset: ParsedDataset,
  element: ParsedElement,
  path: string,
): Resolved {
  const { vr } = element;
  if (element.items) return { change: 'cleaned', recurse: true };
  if (vr === 'DA' || vr === 'DT') {
    if (state.patient.dateOffset !== undefined) {
      return shiftDates(state, dataset, element, path, state.patient.dateOffset, 'date-shifted');
    }
    if (state.plan.options.includes('RetainLongFullDates'))
      return { change: 'kept', recurse: false };
    return emptied(element);
  }
  if (vr === 'PN') {
    // A name cannot be cleaned of itself.
    return emptied(element);
  }
  if (isTextVr(vr)) {
    const original = readText(state.file.bytes, element, dataset.characterSets);
    const cleaned = cleanText(original, state.identifiers);
    if (cleaned === original) return { change: 'kept', recurse: false };
    try {
      return textValue(dataset, element, cleaned, 'cleaned');
    } catch (error) {
      if (!(error instanceof VeilError) || error.code !== 'ENCODE_FAILED') throw error;
      // Veil writes non-ASCII text in UTF-8 or a single-byte set only: cleaned text in an ISO 2022
      // multi-byte set or GB18030 is emptied instead (the stricter outcome), and the file goes on.
      state.warnings.push({
        code: 'CLEAN_EMPTIED',
        message: `the cleaned ${vr} value cannot be written in this Specific Character Set: emptied instead`,
        path,
      });
      return emptied(element);
    }
  }
  if (!isStringVr(vr)) {
    const group = groupOf(element.tag);
    const graphics = (group >= 0x5000 && group <= 0x501e) || (group >= 0x6000 && group <= 0x601e);
    if (!graphics) {
      // A binary value (a certified or frame-origin timestamp…) cannot be cleaned: it goes.
      return { patch: { kind: 'remove' }, change: 'removed', recurse: false };
    }
    state.warnings.push({
      code: 'GRAPHICS_KEPT',
      message: `${vr} overlay or curve data kept as it is: check it for burned-in text`,
      path,
    });
  }
  return { change: 'kept', recurse: false };
}

function keywordOf(state: WalkState, dataset: ParsedDataset, element: ParsedElement): string {
  if (!isPrivateTag(element.tag)) return lookupTag(element.tag)?.keyword ?? '';
  const creator = creatorOf(state, dataset, element);
  const byte = (elementOf(element.tag) & 0xff).toString(16).toUpperCase().padStart(2, '0');
  if (elementOf(element.tag) >= 0x10 && elementOf(element.tag) <= 0xff) return 'PrivateCreator';
  return creator !== undefined ? `${creator}:xx${byte}` : '';
}

/** Private Creator values of one dataset by (group << 8 | block), read once per dataset. */
const creatorsByDataset = new WeakMap<ParsedDataset, Map<number, string>>();

function creatorOf(
  state: WalkState,
  dataset: ParsedDataset,
  element: ParsedElement,
): string | undefined {
  const block = elementOf(element.tag) >>> 8;
  if (block < 0x10) return undefined;
  let creators = creatorsByDataset.get(dataset);
  if (!creators) {
    creators = new Map();
    for (const e of dataset.elements) {
      if (!isPrivateCreatorTag(e.tag)) continue;
      const key = ((groupOf(e.tag) << 8) | elementOf(e.tag)) >>> 0;
      creators.set(
        key,
        readText(state.file.bytes, { ...e, vr: 'LO' }, dataset.characterSets).trim(),
      );
    }
    creatorsByDataset.set(dataset, creators);
  }
  return creators.get(((groupOf(element.tag) << 8) | block) >>> 0);
}

/**
 * Private elements: each data element is found by its block's creator in the same dataset (PS3.5
 * §7.8.1: creators are not inherited by items), then a custom rule, the safe list (with the option)
 * or removal decides. A creator stays only while an element of its block stays.
 */
function decidePrivate(
  state: WalkState,
  dataset: ParsedDataset,
  prefix: string,
): Map<ParsedElement, PlanRule> {
  const decisions = new Map<ParsedElement, PlanRule>();
  const keptBlocks = new Set<number>();
  const remove = (label: string): PlanRule => ({ op: { op: 'remove' }, label });
  for (const element of dataset.elements) {
    if (!isPrivateTag(element.tag)) continue;
    const group = groupOf(element.tag);
    const low = elementOf(element.tag);
    if (group <= 0x0007 || group === 0xffff) {
      decisions.set(element, remove('illegal private group removed'));
      continue;
    }
    if (low >= 0x10 && low <= 0xff) continue; // creators are decided after their blocks
    if (low < 0x1000) {
      decisions.set(element, remove('private element outside any block removed'));
      continue;
    }
    const creator = creatorOf(state, dataset, element);
    if (creator === undefined) {
      decisions.set(element, remove('private element without a creator removed'));
      continue;
    }
    const custom = findPrivateRule(state.plan, creator, group, low & 0xff);
    if (custom) {
      decisions.set(element, custom);
      if (custom.op.op !== 'remove') keptBlocks.add(((group << 8) | (low >>> 8)) >>> 0);
      continue;
    }
    const safe = state.plan.retainSafePrivate
      ? matchSafePrivate(creator, group, low & 0xff)
      : undefined;
    if (safe) {
      if (!safe.caseExact) {
        state.warnings.push({
          code: 'SAFE_PRIVATE_CASE',
          message: 'private creator matched the safe list only when ignoring case',
          path: `${prefix}${formatTag(element.tag)}`,
        });
      }
      if (element.undefinedLength && !element.items) {
        state.warnings.push({
          code: 'PRIVATE_SEQUENCE_OPAQUE',
          message: 'a safe private sequence was kept without its items being inspected',
          path: `${prefix}${formatTag(element.tag)}`,
        });
      }
      decisions.set(element, {
        op: { op: 'keep' },
        label: 'E.3.10-1 safe private (RetainSafePrivate)',
      });
      keptBlocks.add(((group << 8) | (low >>> 8)) >>> 0);
      continue;
    }
    decisions.set(element, remove(state.plan.privateLabel));
  }
  for (const element of dataset.elements) {
    if (!isPrivateTag(element.tag) || decisions.has(element)) continue;
    const block = ((groupOf(element.tag) << 8) | elementOf(element.tag)) >>> 0;
    decisions.set(
      element,
      keptBlocks.has(block)
        ? { op: { op: 'keep' }, label: 'private creator of a kept block' }
        : remove('private creator of a removed block'),
    );
  }
  return decisions;
}
