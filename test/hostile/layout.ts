import { implicitVr } from '../../src/core/dicom/dictionary';
import { LONG_LENGTH_VRS } from '../support/encodeValue';

/**
 * A small DICOM element lister for the hostile corpus, written apart from core's reader (no
 * dicom-parser): it tells the generator where each element, item and length field of a WELL-FORMED
 * file sits, so truncation points and corrupted lengths land where the expected outcome is known.
 * It throws on anything unexpected: it only ever reads the generator's own sources.
 */

export interface LaidItem {
  readonly start: number;
  readonly valueOffset: number;
  /** Just after the item, its delimitation item included. */
  readonly end: number;
  readonly lengthField: number;
  readonly undefinedLength: boolean;
  /** Undefined for pixel data fragments. */
  readonly elements?: readonly LaidElement[];
}

export interface LaidElement {
  readonly tag: number;
  /** From the file (explicit VR) or the dictionary (implicit VR). */
  readonly vr: string;
  readonly start: number;
  readonly valueOffset: number;
  /** Just after the element, its sequence delimitation item included. */
  readonly end: number;
  /** Offset of the length field and its size in bytes (2 or 4). */
  readonly lengthField: number;
  readonly lengthSize: 2 | 4;
  readonly length: number;
  readonly undefinedLength: boolean;
  /** Items of a sequence, or the fragments of encapsulated pixel data. */
  readonly items?: readonly LaidItem[];
}

export interface Syntax {
  readonly explicit: boolean;
  readonly littleEndian: boolean;
}

export interface LaidFile {
  readonly meta: readonly LaidElement[];
  /** Where the dataset starts (after the meta group, or 0 for a bare dataset). */
  readonly datasetStart: number;
  readonly transferSyntax: string;
  /** Undefined for a deflated dataset, which this lister does not inflate. */
  readonly dataset: readonly LaidElement[] | undefined;
}

const UNDEFINED = 0xffffffff;
const ITEM = 0xfffee000;
const ITEM_END = 0xfffee00d;
const SEQUENCE_END = 0xfffee0dd;

const SYNTAXES: Readonly<Record<string, Syntax>> = {
  '1.2.840.10008.1.2': { explicit: false, littleEndian: true },
  '1.2.840.10008.1.2.2': { explicit: true, littleEndian: false },
};

class Reader {
  readonly view: DataView;
  constructor(
    readonly bytes: Uint8Array,
    readonly littleEndian: boolean,
  ) {
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.length);
  }
  u16(at: number): number {
    return this.view.getUint16(at, this.littleEndian);
  }
  u32(at: number): number {
    return this.view.getUint32(at, this.littleEndian);
  }
  tag(at: number): number {
    return ((this.u16(at) << 16) | this.u16(at + 2)) >>> 0;
  }
}

export function layFile(bytes: Uint8Array): LaidFile {
  const hasPreamble =
    bytes.length >= 132 && String.fromCharCode(...bytes.subarray(128, 132)) === 'DICM';
  if (!hasPreamble) {
    // A bare dataset: the only kind the generator uses is implicit VR little endian (rtstruct).
    const le = new Reader(bytes, true);
    const explicit = /^[A-Z]{2}$/.test(String.fromCharCode(bytes[4]!, bytes[5]!));
    const syntax = { explicit, littleEndian: true };
    return {
      meta: [],
      datasetStart: 0,
      transferSyntax: explicit ? '1.2.840.10008.1.2.1' : '1.2.840.10008.1.2',
      dataset: layDataset(le, 0, bytes.length, syntax),
    };
  }
  const le = new Reader(bytes, true);
  const meta: LaidElement[] = [];
  let at = 132;
  while (at + 8 <= bytes.length && le.u16(at) === 0x0002) {
    const element = layElement(le, at, { explicit: true, littleEndian: true });
    meta.push(element);
    at = element.end;
  }
  const tsElement = meta.find((e) => e.tag === 0x00020010);
  if (!tsElement) throw new Error('layFile: no transfer syntax');
  const transferSyntax = String.fromCharCode(
    ...bytes.subarray(tsElement.valueOffset, tsElement.valueOffset + tsElement.length),
  ).replace(/[\0 ]+$/, '');
  if (transferSyntax === '1.2.840.10008.1.2.1.99') {
    return { meta, datasetStart: at, transferSyntax, dataset: undefined };
  }
  const syntax = SYNTAXES[transferSyntax] ?? { explicit: true, littleEndian: true };
  const reader = syntax.littleEndian ? le : new Reader(bytes, false);
  return {
    meta,
    datasetStart: at,
    transferSyntax,
    dataset: layDataset(reader, at, bytes.length, syntax),
  };
}

/** Elements from `start` up to `end`, or up to an item delimitation item when `end` is undefined. */
function layDataset(r: Reader, start: number, end: number, syntax: Syntax): LaidElement[] {
  const elements: LaidElement[] = [];
  let at = start;
  while (at < end) {
    const element = layElement(r, at, syntax);
    elements.push(element);
    at = element.end;
  }
  if (at !== end) throw new Error(`layDataset: elements overrun ${end} (at ${at})`);
  return elements;
}

function layElement(r: Reader, at: number, syntax: Syntax): LaidElement {
  const tag = r.tag(at);
  let vr: string;
  let lengthField: number;
  let lengthSize: 2 | 4;
  if (syntax.explicit) {
    vr = String.fromCharCode(r.bytes[at + 4]!, r.bytes[at + 5]!);
    if (LONG_LENGTH_VRS.has(vr)) {
      lengthField = at + 8;
      lengthSize = 4;
    } else {
      lengthField = at + 6;
      lengthSize = 2;
    }
  } else {
    vr = implicitVr(tag);
    lengthField = at + 4;
    lengthSize = 4;
  }
  const length = lengthSize === 2 ? r.u16(lengthField) : r.u32(lengthField);
  const valueOffset = lengthField + lengthSize;
  const undefinedLength = length === UNDEFINED;
  const base = {
    tag,
    vr,
    start: at,
    valueOffset,
    lengthField,
    lengthSize,
    length,
    undefinedLength,
  };

  const isSequence = vr === 'SQ' || (undefinedLength && tag !== 0x7fe00010);
  if (isSequence) {
    // Items of an undefined-length UN (or implicit private) sequence are implicit VR little endian.
    const inner = vr === 'SQ' ? syntax : ({ explicit: false, littleEndian: true } satisfies Syntax);
    const ir = inner.littleEndian === r.littleEndian ? r : new Reader(r.bytes, inner.littleEndian);
    const { items, end } = layItems(
      ir,
      valueOffset,
      undefinedLength ? undefined : valueOffset + length,
      inner,
    );
    return { ...base, items, end };
  }
  if (undefinedLength) {
    const { items, end } = layFragments(r, valueOffset);
    return { ...base, items, end };
  }
  return { ...base, end: valueOffset + length };
}

function layItems(
  r: Reader,
  start: number,
  end: number | undefined,
  syntax: Syntax,
): { items: LaidItem[]; end: number } {
  const items: LaidItem[] = [];
  let at = start;
  for (;;) {
    if (end !== undefined && at >= end) break;
    const tag = r.tag(at);
    if (end === undefined && tag === SEQUENCE_END) return { items, end: at + 8 };
    if (tag !== ITEM) throw new Error(`layItems: no item at ${at}`);
    const length = r.u32(at + 4);
    const valueOffset = at + 8;
    if (length === UNDEFINED) {
      const elements: LaidElement[] = [];
      let p = valueOffset;
      while (r.tag(p) !== ITEM_END) {
        const element = layElement(r, p, syntax);
        elements.push(element);
        p = element.end;
      }
      const itemEnd = p + 8;
      items.push({
        start: at,
        valueOffset,
        end: itemEnd,
        lengthField: at + 4,
        undefinedLength: true,
        elements,
      });
      at = itemEnd;
    } else {
      const elements = layDataset(r, valueOffset, valueOffset + length, syntax);
      items.push({
        start: at,
        valueOffset,
        end: valueOffset + length,
        lengthField: at + 4,
        undefinedLength: false,
        elements,
      });
      at = valueOffset + length;
    }
  }
  if (at !== end) throw new Error(`layItems: items overrun the sequence (at ${at})`);
  return { items, end: at };
}

function layFragments(r: Reader, start: number): { items: LaidItem[]; end: number } {
  const items: LaidItem[] = [];
  let at = start;
  for (;;) {
    const tag = r.tag(at);
    if (tag === SEQUENCE_END) return { items, end: at + 8 };
    if (tag !== ITEM) throw new Error(`layFragments: no item at ${at}`);
    const length = r.u32(at + 4);
    items.push({
      start: at,
      valueOffset: at + 8,
      end: at + 8 + length,
      lengthField: at + 4,
      undefinedLength: false,
    });
    at += 8 + length;
  }
}

/** Every element at every depth, in file order (items' elements after their sequence). */
export function allElements(elements: readonly LaidElement[]): LaidElement[] {
  const out: LaidElement[] = [];
  const visit = (list: readonly LaidElement[]) => {
    for (const element of list) {
      out.push(element);
      for (const item of element.items ?? []) if (item.elements) visit(item.elements);
    }
  };
  visit(elements);
  return out;
}
