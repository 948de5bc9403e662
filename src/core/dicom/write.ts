import { deflateDataset } from './deflate';
import {
  Chunks,
  EXPLICIT_LE,
  IMPLICIT_LE,
  UNDEFINED_LENGTH,
  encodeHeader,
  encodeItemTag,
  encodeUint32Le,
  type Encoding,
} from './encode';
import type { ParsedDataset, ParsedElement, ParsedFile, ParsedItem } from './model';
import type { Tag } from './tag';

/**
 * Writing by splicing. Untouched elements (pixel data above all) are copied as byte ranges of the
 * input; changed elements are re-encoded; a sequence that holds a change gets a new header (its
 * defined length recomputed, an undefined length kept undefined) and its untouched items are copied.
 * With an empty patch the output is the input, byte for byte.
 */

export type ElementPatch =
  | { readonly kind: 'remove' }
  /** New value bytes (in the dataset's encoding, padded to even length); `vr` changes the VR. */
  | { readonly kind: 'value'; readonly value: Uint8Array; readonly vr?: string }
  /** The sequence's items replaced wholesale (e.g. none, for an emptied sequence). */
  | { readonly kind: 'items'; readonly items: readonly NewItem[] };

export interface NewElement {
  readonly tag: Tag;
  readonly vr: string;
  readonly value?: Uint8Array;
  readonly items?: readonly NewItem[];
}

export interface NewItem {
  readonly elements: readonly NewElement[];
}

export interface Patch {
  readonly elements: Map<ParsedElement, ElementPatch>;
  /** New elements for a dataset (top level or an item); one with a tag already present replaces it. */
  readonly additions: Map<ParsedDataset, NewElement[]>;
}

export const emptyPatch = (): Patch => ({ elements: new Map(), additions: new Map() });

export interface WriteOptions {
  /** A rebuilt file meta group (without (0002,0000), which is computed); omit to copy the original. */
  readonly meta?: readonly NewElement[];
  /** Write 128 zero bytes instead of the original preamble (which may hold anything, even PHI). */
  readonly zeroPreamble?: boolean;
}

export function writeFile(file: ParsedFile, patch: Patch, options: WriteOptions = {}): Uint8Array {
  return writeParts(file, patch, options).concat();
}

/** The written file as parts (see Chunks): nothing copied that the input already holds. */
export function writeParts(file: ParsedFile, patch: Patch, options: WriteOptions = {}): Chunks {
  const out = new Chunks();
  const { bytes } = file;
  const writeMeta = options.meta !== undefined;
  if (file.hasPreamble || writeMeta) {
    if (file.hasPreamble && !options.zeroPreamble) out.push(bytes.subarray(0, 132));
    else out.push(preambleWithPrefix());
  }
  if (writeMeta) out.append(encodeMeta(options.meta ?? []));
  else out.push(bytes.subarray(file.hasPreamble ? 132 : 0, file.datasetOffset));

  const ts = file.transferSyntax;
  const encoding: Encoding = { explicitVr: ts.explicitVr, littleEndian: ts.littleEndian };
  const writer = new DatasetWriter(bytes, patch);
  const dataset = writer.dataset(file.dataset, encoding);
  if (ts.deflated) out.push(deflateDataset(dataset.concat()));
  else out.append(dataset);
  return out;
}

/** Binary VRs whose values nothing interprets as structure or text. */
const BULK_VRS = new Set(['OB', 'OW', 'OF', 'OD', 'OL', 'OV']);
/** Below this a value is copied with its neighbours; above it, kept apart as an opaque part. */
const BULK_MIN = 4096;
/** Value bytes kept with the header: an implicit VR reader peeks at them for an item tag. */
const BULK_LEAD = 8;

function isBulk(element: ParsedElement): boolean {
  return (
    element.length >= BULK_MIN &&
    !element.items &&
    !element.encapsulated &&
    !element.undefinedLength &&
    BULK_VRS.has(element.vr)
  );
}

function preambleWithPrefix(): Uint8Array {
  const out = new Uint8Array(132);
  out.set([0x44, 0x49, 0x43, 0x4d], 128);
  return out;
}

/** The meta group is always explicit VR little endian, led by its group length. */
function encodeMeta(elements: readonly NewElement[]): Chunks {
  const body = new Chunks();
  for (const element of [...elements].sort((a, b) => a.tag - b.tag)) {
    body.append(encodeNewElement(element, EXPLICIT_LE));
  }
  const out = new Chunks();
  out.push(encodeHeader(0x00020000, 'UL', 4, EXPLICIT_LE));
  out.push(encodeUint32Le(body.size));
  out.append(body);
  return out;
}

export function encodeNewElement(element: NewElement, encoding: Encoding): Chunks {
  const out = new Chunks();
  if (element.items) {
    const items = new Chunks();
    for (const item of element.items) items.append(encodeNewItem(item, encoding));
    out.push(encodeHeader(element.tag, element.vr, items.size, encoding));
    out.append(items);
    return out;
  }
  const value = element.value ?? new Uint8Array(0);
  out.push(encodeHeader(element.tag, element.vr, value.length, encoding));
  out.push(value);
  return out;
}

function encodeNewItem(item: NewItem, encoding: Encoding): Chunks {
  const body = new Chunks();
  for (const element of [...item.elements].sort((a, b) => a.tag - b.tag)) {
    body.append(encodeNewElement(element, encoding));
  }
  const out = new Chunks();
  out.push(encodeItemTag(0xfffee000, body.size, encoding.littleEndian));
  out.append(body);
  return out;
}

class DatasetWriter {
  private readonly dirty = new Map<ParsedDataset, boolean>();

  constructor(
    private readonly bytes: Uint8Array,
    private readonly patch: Patch,
  ) {}

  /** A dataset holds a change when it, or any dataset nested in it, is patched or gains elements. */
  private isDirty(dataset: ParsedDataset): boolean {
    const known = this.dirty.get(dataset);
    if (known !== undefined) return known;
    let dirty = (this.patch.additions.get(dataset)?.length ?? 0) > 0;
    for (const element of dataset.elements) {
      if (dirty) break;
      if (this.patch.elements.has(element)) dirty = true;
      else if (element.items) dirty = element.items.some((item) => this.isDirty(item.dataset));
    }
    this.dirty.set(dataset, dirty);
    return dirty;
  }

  dataset(dataset: ParsedDataset, encoding: Encoding): Chunks {
    const out = new Chunks();
    const additions = [...(this.patch.additions.get(dataset) ?? [])].sort((a, b) => a.tag - b.tag);
    // In a dataset whose tags are out of order an addition may be written before the element it
    // replaces is reached: that element must then be dropped, not copied as a duplicate.
    const replaced = new Set(additions.map((a) => a.tag));
    let next = 0;
    // Consecutive untouched elements are copied as one range.
    let runStart = -1;
    let runEnd = -1;
    const flush = () => {
      if (runStart >= 0) out.push(this.bytes.subarray(runStart, runEnd));
      runStart = -1;
    };
    for (const element of dataset.elements) {
      while (next < additions.length && additions[next]!.tag < element.tag) {
        flush();
        out.append(encodeNewElement(additions[next++]!, encoding));
      }
      if (next < additions.length && additions[next]!.tag === element.tag) {
        flush();
        out.append(encodeNewElement(additions[next++]!, encoding));
        continue;
      }
      if (replaced.has(element.tag)) continue;
      const elementPatch = this.patch.elements.get(element);
      const nestedDirty = element.items?.some((item) => this.isDirty(item.dataset)) ?? false;
      if (!elementPatch && !nestedDirty) {
        if (runStart < 0) runStart = element.start;
        if (isBulk(element)) {
          runEnd = element.valueOffset + BULK_LEAD;
          flush();
          out.push(this.bytes.subarray(runEnd, element.end), true);
          continue;
        }
        runEnd = element.end;
        continue;
      }
      flush();
      if (elementPatch) out.append(this.patched(element, elementPatch, encoding));
      else out.append(this.sequence(element, element.items ?? [], encoding));
    }
    flush();
    while (next < additions.length) out.append(encodeNewElement(additions[next++]!, encoding));
    return out;
  }

  private patched(element: ParsedElement, patch: ElementPatch, encoding: Encoding): Chunks {
    const out = new Chunks();
    if (patch.kind === 'remove') return out;
    if (patch.kind === 'value') {
      out.push(encodeHeader(element.tag, patch.vr ?? element.vr, patch.value.length, encoding));
      out.push(patch.value);
      return out;
    }
    const itemEncoding = element.vr === 'UN' ? IMPLICIT_LE : encoding;
    const items = new Chunks();
    for (const item of patch.items) items.append(encodeNewItem(item, itemEncoding));
    return this.wrapSequence(element, items, encoding);
  }

  private sequence(
    element: ParsedElement,
    items: readonly ParsedItem[],
    encoding: Encoding,
  ): Chunks {
    const body = new Chunks();
    for (const item of items) {
      const itemEncoding = item.implicitLittleEndian ? IMPLICIT_LE : encoding;
      if (!this.isDirty(item.dataset)) {
        body.push(this.bytes.subarray(item.start, item.end));
        continue;
      }
      const content = this.dataset(item.dataset, itemEncoding);
      const le = itemEncoding.littleEndian;
      if (item.undefinedLength) {
        body.push(encodeItemTag(0xfffee000, UNDEFINED_LENGTH, le));
        body.append(content);
        body.push(encodeItemTag(0xfffee00d, 0, le));
      } else {
        body.push(encodeItemTag(0xfffee000, content.size, le));
        body.append(content);
      }
    }
    return this.wrapSequence(element, body, encoding);
  }

  /** Sequence header + items, keeping an undefined length undefined (with its delimiter). */
  private wrapSequence(element: ParsedElement, items: Chunks, encoding: Encoding): Chunks {
    const out = new Chunks();
    if (element.undefinedLength) {
      out.push(encodeHeader(element.tag, element.vr, UNDEFINED_LENGTH, encoding));
      out.append(items);
      out.push(encodeItemTag(0xfffee0dd, 0, element.vr === 'UN' || encoding.littleEndian));
    } else {
      out.push(encodeHeader(element.tag, element.vr, items.size, encoding));
      out.append(items);
    }
    return out;
  }
}
