import { toVeilError, VeilError } from '../errors';
import { asciiValue } from '../dicom/encode';
import type { ParsedDataset, ParsedFile } from '../dicom/model';
import { parseFile } from '../dicom/parse';
import { formatTag } from '../dicom/tag';
import { readStringValues, readText } from '../dicom/values';
import { joinParts } from '../dicom/encode';
import { emptyPatch, writeParts, type NewElement } from '../dicom/write';
import {
  walkDataset,
  UTF8_DECLARATION,
  pseudonymPrefix,
  type Expectation,
  type PatientContext,
  type WalkState,
} from './apply';
import { gatherIdentifiers } from './identifiers';
import { KeyedDeriver } from './keyed';
import { BASIC_PROFILE_CODE, OPTIONS } from './options';
import { ruleForStandardTag, type Plan } from './plan';
import type { ProjectKey } from './projectKey';
import type { PseudonymTable } from './pseudonymTable';
import { isMediaDirectoryTag, mediaDirectoryError } from '../dicom/mediaDirectory';
import { postCheck } from './postCheck';
import { collectIdentifiers, scanResidual } from './residual';
import { emptyChangeCounts, type Change, type DeidResult, type DeidWarning } from './types';
import {
  VEIL_IMPLEMENTATION_CLASS_UID,
  VEIL_IMPLEMENTATION_VERSION_NAME,
  VEIL_VERSION,
} from '../version';

export interface DeidContext {
  readonly fileName: string;
  readonly key: ProjectKey;
  readonly pseudonymTable?: PseudonymTable;
  readonly signal?: AbortSignal;
  /**
   * 'full' (default) lists every change with its values for the diff view; 'counts' only counts
   * them (batch tools that never show a diff save most of the work).
   */
  readonly detail?: 'full' | 'counts';
}

const TAG = {
  PatientName: 0x00100010,
  PatientID: 0x00100020,
  StudyInstanceUID: 0x0020000d,
  SeriesInstanceUID: 0x0020000e,
  SOPInstanceUID: 0x00080018,
  SOPClassUID: 0x00080016,
  Modality: 0x00080060,
  InstanceNumber: 0x00200013,
  PatientIdentityRemoved: 0x00120062,
  DeidentificationMethod: 0x00120063,
  DeidentificationMethodCodeSequence: 0x00120064,
  LongitudinalTemporalInformationModified: 0x00280303,
  CodeValue: 0x00080100,
  CodingSchemeDesignator: 0x00080102,
  CodeMeaning: 0x00080104,
} as const;

/** One deriver per key, reused across the files of a batch (its UID cache is the point). */
const derivers = new WeakMap<Uint8Array, KeyedDeriver>();
function deriverFor(key: ProjectKey): KeyedDeriver {
  let deriver = derivers.get(key.bytes);
  if (!deriver) {
    deriver = new KeyedDeriver(key.bytes);
    derivers.set(key.bytes, deriver);
  }
  return deriver;
}

/**
 * The whole de-identification of one file: bytes, plan and context in; new bytes, every change and
 * the warnings out. Never throws: a file that cannot be fully de-identified comes back as
 * `{ ok: false }` with a coded error and no bytes at all (fail closed).
 */
export function deidentify(input: Uint8Array, plan: Plan, context: DeidContext): DeidResult {
  const { fileName } = context;
  try {
    if (context.signal?.aborted) throw new VeilError('ABORTED', 'cancelled', { fileName });
    return run(input, plan, context);
  } catch (error) {
    return { ok: false, fileName, error: toVeilError(error, fileName).toData() };
  }
}

function run(input: Uint8Array, plan: Plan, context: DeidContext): DeidResult {
  const { fileName } = context;
  const file = parseFile(input, fileName);
  if (file.dataset.elements.some((e) => isMediaDirectoryTag(e.tag))) {
    throw mediaDirectoryError(fileName);
  }
  const deriver = deriverFor(context.key);
  const warnings: DeidWarning[] = file.warnings.map((message) => ({ code: 'READ', message }));
  const patient = patientContext(file, plan, deriver, context);
  const state: WalkState = {
    file,
    plan,
    deriver,
    patient,
    identifiers: gatherIdentifiers(file, plan.options),
    remappedUids: collectRemappedUids(file, plan),
    patch: emptyPatch(),
    changes: [],
    detail: context.detail !== 'counts',
    counts: emptyChangeCounts(),
    warnings,
    expectations: [],
  };
  walkDataset(state, file.dataset, '', file.transferSyntax.littleEndian);
  if (context.signal?.aborted) throw new VeilError('ABORTED', 'cancelled', { fileName });

  const marks = deidentificationMarks(plan);
  if (state.utf8Declared) declareUtf8(state, marks);
  state.patch.additions.set(file.dataset, marks.elements);
  for (const change of marks.changes) state.counts[change.kind] += 1;
  if (state.detail) state.changes.push(...marks.changes);
  state.expectations.push(...marks.expectations);

  const sopInstanceUid =
    finalValue(state, file.dataset, TAG.SOPInstanceUID) ?? instanceUidFromMeta(state);
  const sopClassUid = metaOrDataset(file, 0x00020002, TAG.SOPClassUID);
  if (!sopInstanceUid || !sopClassUid) {
    throw new VeilError('UNSUPPORTED', 'the object has no SOP Class UID or SOP Instance UID', {
      fileName,
    });
  }
  const meta = rebuildMeta(file, sopClassUid, sopInstanceUid, state);
  const output = writeParts(file, state.patch, { meta, zeroPreamble: true });

  // The check reads every header and text value of the output; pixel data it has no use for.
  const written = postCheck(
    output.structuralCopy(),
    fileName,
    state.expectations,
    forbiddenValues(file, plan, patient),
    // A keyed pseudonym is ours (a prefix and a MAC); a table's names are the person's, checked.
    plan.profile.pseudonyms.kind === 'table' ? [] : [patient.pseudonymId],
  );
  // What survives of the original's other identifying values (kept descriptors, retained private
  // tags, SR text): reported by place and kind; the caller decides (the app gates the export).
  const residual = scanResidual(written, collectIdentifiers(file, plan.options));

  const { parts, size } = output;
  let joined: Uint8Array | undefined;
  return {
    ok: true,
    fileName,
    parts,
    size,
    get bytes() {
      joined ??= joinParts(parts, size);
      return joined;
    },
    changes: state.changes,
    counts: state.counts,
    warnings: state.warnings,
    residual,
    identity: {
      patientPseudonym: patient.pseudonymId,
      studyInstanceUid: finalValue(state, file.dataset, TAG.StudyInstanceUID) ?? '',
      seriesInstanceUid: finalValue(state, file.dataset, TAG.SeriesInstanceUID) ?? '',
      sopInstanceUid,
      modality: finalValue(state, file.dataset, TAG.Modality) ?? '',
      instanceNumber: finalValue(state, file.dataset, TAG.InstanceNumber) ?? '',
    },
  };
}

function topText(file: ParsedFile, dataset: ParsedDataset, tag: number): string | undefined {
  const element = dataset.elements.find((e) => e.tag === tag);
  if (!element || element.items) return undefined;
  return readText(file.bytes, element, dataset.characterSets).trim();
}

function patientContext(
  file: ParsedFile,
  plan: Plan,
  deriver: KeyedDeriver,
  context: DeidContext,
): PatientContext {
  const originalId = topText(file, file.dataset, TAG.PatientID) ?? '';
  const originalName = topText(file, file.dataset, TAG.PatientName) ?? '';
  const key = originalId !== '' ? `id:${originalId}` : `name:${originalName}`;
  let pseudonymId: string;
  let pseudonymName: string;
  if (plan.profile.pseudonyms.kind === 'table') {
    const row = context.pseudonymTable?.get(originalId);
    if (!context.pseudonymTable) {
      throw new VeilError(
        'BAD_PSEUDONYM_TABLE',
        'the profile uses a pseudonym table but none was loaded',
      );
    }
    if (!row) {
      throw new VeilError(
        'BAD_PSEUDONYM_TABLE',
        "the pseudonym table has no row for this file's PatientID",
      );
    }
    pseudonymId = row.id;
    pseudonymName = row.name;
  } else {
    pseudonymId = deriver.pseudonym(pseudonymPrefix({ plan }), key);
    pseudonymName = pseudonymId;
  }
  let dateOffset: number | undefined;
  if (plan.options.includes('RetainLongModifDates')) {
    const shift = plan.profile.dateShift;
    dateOffset = shift.kind === 'fixed' ? shift.days : deriver.dateOffsetDays(key, shift.maxDays);
  }
  return { key, pseudonymId, pseudonymName, dateOffset };
}

/** Values of every UID the plan replaces (U), at any depth: other references to them must follow. */
function collectRemappedUids(file: ParsedFile, plan: Plan): Set<string> {
  const found = new Set<string>();
  if (plan.options.includes('RetainUIDs')) return found;
  const visit = (dataset: ParsedDataset) => {
    for (const element of dataset.elements) {
      if (element.items) {
        for (const item of element.items) visit(item.dataset);
        continue;
      }
      if (element.vr !== 'UI' || element.length === 0) continue;
      const rule = ruleForStandardTag(plan, element.tag);
      if (rule?.op.op === 'table' && (rule.op.code === 'U' || rule.op.code === 'X/Z/U*')) {
        for (const value of readStringValues(file.bytes, element)) if (value) found.add(value);
      }
    }
  };
  visit(file.dataset);
  return found;
}

/** The value an element of the top-level dataset will have after the patch (text VRs). */
function finalValue(state: WalkState, dataset: ParsedDataset, tag: number): string | undefined {
  const element = dataset.elements.find((e) => e.tag === tag);
  if (!element) return undefined;
  const patch = state.patch.elements.get(element);
  if (patch?.kind === 'remove') return undefined;
  if (!patch) return readText(state.file.bytes, element, dataset.characterSets).trim();
  const path = formatTag(tag);
  const expected = state.expectations.find((e) => e.path === path);
  return expected?.outcome.kind === 'value' ? expected.outcome.text : undefined;
}

/**
 * A dataset without a SOP Instance UID (an incomplete object, as some test and legacy files are)
 * still gets a valid file meta: the meta's own (0002,0003), remapped like every UID unless UIDs are
 * retained. The output stays as incomplete as the input was, and says so in a warning.
 */
function instanceUidFromMeta(state: WalkState): string | undefined {
  const element = state.file.meta.elements.find((e) => e.tag === 0x00020003);
  const original = element ? readStringValues(state.file.bytes, element)[0] : undefined;
  if (!original) return undefined;
  state.warnings.push({
    code: 'NO_SOP_INSTANCE_UID',
    message: 'the dataset has no SOP Instance UID; the file meta one was used',
    path: formatTag(TAG.SOPInstanceUID),
  });
  return state.plan.options.includes('RetainUIDs') ? original : state.deriver.uid(original);
}

function metaOrDataset(file: ParsedFile, metaTag: number, datasetTag: number): string | undefined {
  const fromDataset = topText(file, file.dataset, datasetTag)?.replace(/\0+$/, '');
  if (fromDataset) return fromDataset;
  const element = file.meta.elements.find((e) => e.tag === metaTag);
  return element ? readStringValues(file.bytes, element)[0] : undefined;
}

interface Marks {
  elements: NewElement[];
  changes: Change[];
  expectations: Expectation[];
}

/**
 * (0008,0005) becomes ISO_IR 192 at the top level (an addition replaces the element if there is
 * one): a chosen value was written in UTF-8 into a file that held only ASCII (apply.ts).
 */
function declareUtf8(state: WalkState, marks: Marks): void {
  const { tag, vr, text } = UTF8_DECLARATION;
  const path = formatTag(tag);
  const present = state.file.dataset.elements.find((e) => e.tag === tag);
  if (present && state.patch.elements.has(present)) {
    // A rule of the profile changed (0008,0005) itself: the two cannot both hold.
    throw new VeilError(
      'ENCODE_FAILED',
      'a chosen value needs UTF-8, but a rule changes Specific Character Set (0008,0005)',
      { fileName: state.file.fileName },
    );
  }
  // The walk counted the element it found as kept; it is replaced now, and said so once.
  let before: string | undefined;
  if (present) {
    state.counts.kept -= 1;
    const kept = state.changes.findIndex((c) => c.path === path);
    if (kept >= 0) before = state.changes.splice(kept, 1)[0]!.before;
  }
  marks.elements.push({ tag, vr, value: asciiValue(text, vr) });
  marks.changes.push({
    path,
    tag: path,
    keyword: 'SpecificCharacterSet',
    vr,
    kind: present ? 'replaced' : 'added',
    ...(before !== undefined ? { before } : {}),
    after: text,
    rule: 'a chosen value needs UTF-8: Specific Character Set declared (PS3.3 C.12.1.1.2)',
  });
  const stale = state.expectations.findIndex((e) => e.path === path);
  if (stale >= 0) state.expectations.splice(stale, 1);
  marks.expectations.push({ path, outcome: { kind: 'value', text } });
}

/**
 * PS3.15 E.1.1: Patient Identity Removed YES, the method in words and as CID 7050 codes (the basic
 * profile and each option applied), and how longitudinal temporal information was treated.
 */
function deidentificationMarks(plan: Plan): Marks {
  const optionNames = plan.options.map((o) => OPTIONS[o].standardName);
  const method = [`Veil ${VEIL_VERSION}`, BASIC_PROFILE_CODE.meaning, ...optionNames].map((v) =>
    v.slice(0, 64),
  );
  const codes = [
    { value: BASIC_PROFILE_CODE.value, meaning: BASIC_PROFILE_CODE.meaning },
    ...plan.options.map((o) => ({ value: OPTIONS[o].code, meaning: OPTIONS[o].standardName })),
  ];
  const temporal = plan.options.includes('RetainLongFullDates')
    ? 'UNMODIFIED'
    : plan.options.includes('RetainLongModifDates')
      ? 'MODIFIED'
      : 'REMOVED';
  const text = (tag: number, vr: string, value: string): NewElement => ({
    tag,
    vr,
    value: asciiValue(value, vr),
  });
  const elements: NewElement[] = [
    text(TAG.PatientIdentityRemoved, 'CS', 'YES'),
    text(TAG.DeidentificationMethod, 'LO', method.join('\\')),
    {
      tag: TAG.DeidentificationMethodCodeSequence,
      vr: 'SQ',
      items: codes.map((code) => ({
        elements: [
          text(TAG.CodeValue, 'SH', code.value),
          text(TAG.CodingSchemeDesignator, 'SH', 'DCM'),
          text(TAG.CodeMeaning, 'LO', code.meaning),
        ],
      })),
    },
    text(TAG.LongitudinalTemporalInformationModified, 'CS', temporal),
  ];
  const rule = 'PS3.15 E.1.1 de-identification marks';
  const changes: Change[] = [
    {
      path: '(0012,0062)',
      tag: '(0012,0062)',
      keyword: 'PatientIdentityRemoved',
      vr: 'CS',
      kind: 'added',
      after: 'YES',
      rule,
    },
    {
      path: '(0012,0063)',
      tag: '(0012,0063)',
      keyword: 'DeidentificationMethod',
      vr: 'LO',
      kind: 'added',
      after: method.join('\\'),
      rule,
    },
    {
      path: '(0012,0064)',
      tag: '(0012,0064)',
      keyword: 'DeidentificationMethodCodeSequence',
      vr: 'SQ',
      kind: 'added',
      after: codes.map((c) => c.value).join(', '),
      rule,
    },
    {
      path: '(0028,0303)',
      tag: '(0028,0303)',
      keyword: 'LongitudinalTemporalInformationModified',
      vr: 'CS',
      kind: 'added',
      after: temporal,
      rule,
    },
  ];
  const expectations: Expectation[] = [
    { path: '(0012,0062)', outcome: { kind: 'value', text: 'YES' } },
    { path: '(0028,0303)', outcome: { kind: 'value', text: temporal } },
  ];
  return { elements, changes, expectations };
}

/**
 * The file meta group, rebuilt: the new SOP Instance UID, Veil's implementation identity, the
 * transfer syntax kept; the source/sending/receiving AE titles and private meta information dropped.
 */
function rebuildMeta(
  file: ParsedFile,
  sopClassUid: string,
  sopInstanceUid: string,
  state: WalkState,
): NewElement[] {
  const changes: Change[] = [];
  const rule = 'file meta rebuilt (PS3.10 §7.1)';
  const ui = (tag: number, value: string): NewElement => ({
    tag,
    vr: 'UI',
    value: asciiValue(value, 'UI'),
  });
  const elements: NewElement[] = [
    { tag: 0x00020001, vr: 'OB', value: new Uint8Array([0x00, 0x01]) },
    ui(0x00020002, sopClassUid),
    ui(0x00020003, sopInstanceUid),
    ui(0x00020010, file.transferSyntax.uid),
    ui(0x00020012, VEIL_IMPLEMENTATION_CLASS_UID),
    { tag: 0x00020013, vr: 'SH', value: asciiValue(VEIL_IMPLEMENTATION_VERSION_NAME, 'SH') },
  ];
  const kept = new Set(elements.map((e) => e.tag));
  for (const element of file.meta.elements) {
    if (element.tag === 0x00020000 || kept.has(element.tag)) continue;
    changes.push({
      path: formatTag(element.tag),
      tag: formatTag(element.tag),
      keyword: '',
      vr: element.vr,
      kind: 'removed',
      rule,
    });
  }
  changes.push({
    path: '(0002,0003)',
    tag: '(0002,0003)',
    keyword: 'MediaStorageSOPInstanceUID',
    vr: 'UI',
    kind: 'replaced',
    after: sopInstanceUid,
    rule,
  });
  for (const change of changes) state.counts[change.kind] += 1;
  if (state.detail) state.changes.push(...changes);
  return elements;
}

/**
 * The patient's original ID and name must not survive anywhere, unless a custom rule keeps them on
 * purpose or a pseudonym table maps them to themselves.
 */
function forbiddenValues(file: ParsedFile, plan: Plan, patient: PatientContext): string[] {
  const kept = (tag: number) => {
    const op = plan.byTag[String(tag)]?.op.op;
    return op === 'keep';
  };
  const values: string[] = [];
  const id = topText(file, file.dataset, TAG.PatientID);
  const name = topText(file, file.dataset, TAG.PatientName);
  if (id && !kept(TAG.PatientID) && id !== patient.pseudonymId) values.push(id);
  if (name && !kept(TAG.PatientName) && name !== patient.pseudonymName) values.push(name);
  return values;
}
