import { inflateRawSync } from 'node:zlib';
import * as dicomParser from 'dicom-parser';
import { deidentify, type DeidContext } from '../../src/core/deid/deidentify';
import type { OptionName } from '../../src/core/deid/options';
import { buildPlan, type Plan } from '../../src/core/deid/plan';
import { defaultProfile } from '../../src/core/deid/profile';
import { createProjectKey, type ProjectKey } from '../../src/core/deid/projectKey';
import type { Change, DeidResult, DeidSuccess, Profile } from '../../src/core/deid/types';
import type { ParsedDataset, ParsedElement, ParsedFile } from '../../src/core/dicom/model';
import { parseFile } from '../../src/core/dicom/parse';
import { formatTag } from '../../src/core/dicom/tag';
import { readStringValues, readText } from '../../src/core/dicom/values';
import { dciodvfy, normaliseValidatorLine } from './dciodvfy';
import { dicomFile, type DicomFileBuilder, type FileOptions } from './dicomBuilder';
import { concat } from './bytes';
import { TS } from './transferSyntax';
import { LONG_LENGTH_VRS } from './encodeValue';

/** Shared plumbing of the engine's proof tests (src/core/deid/{leak,judges,options,actions}.test.ts). */

/** A project key whose 32 bytes are all `fill` (not zero: createProjectKey refuses that). */
export const testKey = (fill = 7): ProjectKey => createProjectKey(new Uint8Array(32).fill(fill));

export const profileWith = (options: readonly OptionName[] = [], extra: Partial<Profile> = {}) =>
  ({ ...defaultProfile(), options, ...extra }) satisfies Profile;

export const planWith = (options: readonly OptionName[] = [], extra: Partial<Profile> = {}): Plan =>
  buildPlan(profileWith(options, extra));

/** De-identifies and insists on success; a failure throws with its code (never a value). */
export function deid(
  bytes: Uint8Array,
  plan: Plan,
  context: Partial<DeidContext> = {},
): DeidSuccess {
  const result = run(bytes, plan, context);
  if (!result.ok)
    throw new Error(`deidentify failed: ${result.error.code}: ${result.error.message}`);
  return result;
}

export function run(bytes: Uint8Array, plan: Plan, context: Partial<DeidContext> = {}): DeidResult {
  return deidentify(bytes, plan, { fileName: 'test.dcm', key: testKey(), ...context });
}

export const SC_IMAGE_STORAGE = '1.2.840.10008.5.1.4.1.1.7';

export interface SmallFile {
  readonly sopInstanceUid?: string;
  readonly patientId?: string;
  readonly patientName?: string;
  readonly file?: Omit<FileOptions, 'transferSyntax'>;
}

/**
 * The least a de-identifiable object needs (SOP Class and Instance UIDs, a patient), plus whatever
 * `build` adds; elements are sorted into file order.
 */
export function smallFile(
  transferSyntax: string,
  build: (b: DicomFileBuilder) => unknown = () => undefined,
  options: SmallFile = {},
): Uint8Array {
  const b = dicomFile(transferSyntax, options.file)
    .str(0x00080016, 'UI', SC_IMAGE_STORAGE)
    .str(0x00080018, 'UI', options.sopInstanceUid ?? '1.2.826.0.1.3680043.2.1143.8.1')
    .str(0x00100010, 'PN', options.patientName ?? 'DOE^JANE')
    .str(0x00100020, 'LO', options.patientId ?? 'ZZID');
  build(b);
  return b.sort().build();
}

/** What a valid value of each of these VRs looks like (PS3.5 Table 6.2-1), for checking dummies. */
export const VALID_VALUE: Readonly<Record<string, RegExp>> = {
  AE: /^[ -[\]-~]{1,16}$/,
  AS: /^\d{3}[DWMY]$/,
  CS: /^[A-Z0-9 _]{1,16}$/,
  DA: /^(19|20)\d{2}(0[1-9]|1[0-2])(0[1-9]|[12]\d|3[01])$/,
  DT: /^\d{8}(\d{2}(\d{2}(\d{2})?)?)?$/,
  TM: /^([01]\d|2[0-3])([0-5]\d([0-5]\d)?)?$/,
  UI: /^2\.25\.[1-9]\d{0,38}$/,
  UR: /^[a-z][a-z0-9+.-]*:\S+$/,
};

/** Whole days from one `YYYYMMDD` to another (the date part of a DA or DT). */
export function daysBetween(from: string, to: string): number {
  const ms = (d: string) => Date.UTC(+d.slice(0, 4), +d.slice(4, 6) - 1, +d.slice(6, 8));
  return Math.round((ms(to) - ms(from)) / 86_400_000);
}

/** The change recorded at `path`; throws when the walk recorded none (every element gets one). */
export function changeAt(result: DeidSuccess, path: string): Change {
  const found = result.changes.filter((c) => c.path === path);
  if (found.length !== 1) throw new Error(`${found.length} changes at ${path}`);
  return found[0]!;
}

/** The changes at `path` and below it (items of a sequence). */
export const changesUnder = (result: DeidSuccess, path: string): Change[] =>
  result.changes.filter((c) => c.path === path || c.path.startsWith(`${path}[`));

/** `(0008,1110)[0]/(0008,1155)` → tags and item indexes, to find an element in a parsed file. */
export function elementAt(
  file: ParsedFile,
  path: string,
): { element: ParsedElement; dataset: ParsedDataset } | undefined {
  let dataset: ParsedDataset = path.startsWith('(0002,') ? file.meta : file.dataset;
  const steps = path.split('/');
  for (let i = 0; i < steps.length; i++) {
    const match = /^(\([0-9A-F]{4},[0-9A-F]{4}\))(?:\[(\d+)\])?$/.exec(steps[i]!);
    if (!match) throw new Error(`elementAt: bad path ${path}`);
    const element = dataset.elements.find((e) => formatTag(e.tag) === match[1]);
    if (!element) return undefined;
    if (match[2] === undefined) return i === steps.length - 1 ? { element, dataset } : undefined;
    const item = element.items?.[Number(match[2])];
    if (!item) return undefined;
    if (i === steps.length - 1) return { element, dataset };
    dataset = item.dataset;
  }
  return undefined;
}

/** The text of the element at `path` in `bytes` (read back with the core parser), or undefined. */
export function textAt(bytes: Uint8Array, path: string): string | undefined {
  const file = parseFile(bytes, 'read-back.dcm');
  const found = elementAt(file, path);
  if (!found) return undefined;
  const { element, dataset } = found;
  if (element.vr === 'UI') return readStringValues(file.bytes, element).join('\\');
  return readText(file.bytes, element, dataset.characterSets);
}

/**
 * The raw value bytes of (7FE0,0010) as dicom-parser (not the engine's reader) finds them: native
 * pixels or the whole encapsulated fragment sequence. `transferSyntax` is for files without meta.
 */
export function pixelDataBytes(bytes: Uint8Array, transferSyntax?: string): Uint8Array | undefined {
  // dicom-parser inflates deflated datasets with Node's zlib, which needs a Buffer.
  const input = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length);
  const options = transferSyntax ? { TransferSyntaxUID: transferSyntax } : undefined;
  const dataset = dicomParser.parseDicom(input, options as dicomParser.ParseDicomOptions);
  const element = dataset.elements['x7fe00010'];
  if (!element) return undefined;
  return Uint8Array.from(
    dataset.byteArray.subarray(element.dataOffset, element.dataOffset + element.length),
  );
}

/**
 * What must be true of the environment for an external judge: present, or (on a developer machine
 * only) a skip that says why. In CI (`process.env.CI`) a missing tool is a failure.
 */
export function requireTool(skip: (note: string) => never, name: string, present: boolean): void {
  if (present) return;
  const reason = `${name} is not installed (Debian: ${name === 'dcmdump' ? 'dcmtk' : 'dicom3tools'})`;
  if (process.env.CI) throw new Error(`${reason}; CI must install it (see .ci/run)`);
  skip(reason);
}

/**
 * dciodvfy's `Error` lines as a set, with what varies between an input and its de-identified output
 * normalised away: UIDs, quoted values and `(0xgggg,0xeeee)` tag paths. dicom3tools does not read
 * deflated datasets (it parses the compressed bytes as explicit VR), so those are validated as
 * their inflated explicit VR little endian equivalent.
 */
export function dciodvfyErrorSet(bytes: Uint8Array): Set<string> {
  const { errors } = dciodvfy(inflatedCopy(bytes) ?? bytes);
  return new Set(errors.map(normaliseValidatorLine));
}

export { normaliseValidatorLine };

/**
 * A deflated Part 10 file rewritten as explicit VR little endian: same meta elements with
 * (0002,0010) changed and the group length recomputed, then the inflated dataset. Undefined when
 * the file is not deflated.
 */
export function inflatedCopy(bytes: Uint8Array): Uint8Array | undefined {
  const meta = readMetaElements(bytes);
  if (!meta) return undefined;
  const ts = meta.elements.find((e) => e.tag === 0x00020010);
  const uid = ts && new TextDecoder('latin1').decode(ts.value).replace(/[\0 ]+$/, '');
  if (uid !== TS.deflatedLE) return undefined;
  const dataset = inflateRawSync(bytes.subarray(meta.end));
  const parts: Uint8Array[] = [];
  for (const element of meta.elements) {
    if (element.tag === 0x00020000) continue;
    const value =
      element.tag === 0x00020010 ? new TextEncoder().encode(`${TS.explicitLE}\0`) : element.value;
    parts.push(explicitHeader(element.tag, element.vr, value.length), value);
  }
  const body = concat(...parts);
  const groupLength = new Uint8Array(4);
  new DataView(groupLength.buffer).setUint32(0, body.length, true);
  return concat(
    bytes.subarray(0, 132),
    explicitHeader(0x00020000, 'UL', 4),
    groupLength,
    body,
    dataset,
  );
}

function explicitHeader(tag: number, vr: string, length: number): Uint8Array {
  const long = LONG_LENGTH_VRS.has(vr);
  const out = new Uint8Array(long ? 12 : 8);
  const view = new DataView(out.buffer);
  view.setUint16(0, tag >>> 16, true);
  view.setUint16(2, tag & 0xffff, true);
  out[4] = vr.charCodeAt(0);
  out[5] = vr.charCodeAt(1);
  if (long) view.setUint32(8, length, true);
  else view.setUint16(6, length, true);
  return out;
}

function readMetaElements(
  bytes: Uint8Array,
): { elements: { tag: number; vr: string; value: Uint8Array }[]; end: number } | undefined {
  if (bytes.length < 132 || new TextDecoder().decode(bytes.subarray(128, 132)) !== 'DICM') {
    return undefined;
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.length);
  const elements: { tag: number; vr: string; value: Uint8Array }[] = [];
  let at = 132;
  while (at + 8 <= bytes.length && view.getUint16(at, true) === 0x0002) {
    const tag = ((0x0002 << 16) | view.getUint16(at + 2, true)) >>> 0;
    const vr = String.fromCharCode(bytes[at + 4]!, bytes[at + 5]!);
    const long = LONG_LENGTH_VRS.has(vr);
    const length = long ? view.getUint32(at + 8, true) : view.getUint16(at + 6, true);
    const valueAt = at + (long ? 12 : 8);
    elements.push({ tag, vr, value: bytes.subarray(valueAt, valueAt + length) });
    at = valueAt + length;
  }
  return { elements, end: at };
}
