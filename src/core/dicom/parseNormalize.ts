import type * as DicomParserTypes from 'dicom-parser';
import { VeilError } from '../errors';
import { implicitVr, implicitVrForParser } from './dictionary';
import { dicomParser } from './parseModule';
import type { ParsedDataset, ParsedElement, ParsedItem } from './model';
import { fromParserKey, formatTag } from './tag';
import type { WideElement } from './parseTopLevel';
import { parseCharacterSets } from './values';
import { hasLongHeader, isStringVr, KNOWN_VRS } from './vr';

/**
 * Deeper nesting than this is refused. Real objects nest a handful of levels (SR trees reach ~10);
 * a hostile file nesting thousands deep must end as an error, not a stack overflow mid-write.
 */
export const MAX_DEPTH = 64;

export interface NormalizeContext {
  readonly fileName: string;
  readonly bytes: Uint8Array;
  /** Added to dicom-parser's offsets, which are relative to the array it was given. */
  readonly base: number;
  /** Where this dataset's first element must start and where its last must end. */
  readonly start: number;
  readonly end: number;
  readonly explicitVr: boolean;
  /** Explicit VR big endian: item and delimiter tags are byte-swapped too. */
  readonly bigEndian: boolean;
  readonly inheritedCharacterSets: readonly string[];
  readonly depth: number;
  readonly topLevel: boolean;
}

type RawElement = DicomParserTypes.Element & { Value?: unknown };

const ITEM = 0xfffee000;
const ITEM_DELIMITER = 0xfffee00d;
const SEQUENCE_DELIMITER = 0xfffee0dd;

/**
 * Turns one dicom-parser dataset into file-ordered elements with absolute header and end offsets,
 * and proves that they tile [start, end) exactly: a gap, an overlap, a duplicate tag (which
 * dicom-parser silently overwrites) or a length past the end makes the file fail here.
 */
export function normalizeDataset(
  dataSet: DicomParserTypes.DataSet,
  ctx: NormalizeContext,
): ParsedDataset {
  if (ctx.depth > MAX_DEPTH) {
    throw new VeilError('TOO_DEEP', `sequences are nested more than ${MAX_DEPTH} levels deep`, {
      fileName: ctx.fileName,
      offset: ctx.start,
    });
  }
  const raw: RawElement[] = [];
  for (const key of Object.keys(dataSet.elements)) {
    const element = dataSet.elements[key] as RawElement;
    // The meta reader's stand-in for a given transfer syntax carries a Value and no offset.
    if (typeof element.dataOffset !== 'number') continue;
    if (fromParserKey(element.tag) === ITEM_DELIMITER) continue;
    raw.push(element);
  }
  // No sort: dicom-parser inserts elements in file order. A duplicate tag keeps its first slot but
  // the second one's offsets, which the tiling check below rejects: disorder can only fail closed.

  const elements: ParsedElement[] = [];
  let cursor = ctx.start;
  for (const element of raw) {
    const parsed = normalizeElement(element, ctx, cursor);
    elements.push(parsed);
    cursor = parsed.end;
  }
  if (cursor !== ctx.end) {
    throw new VeilError(
      'BAD_STRUCTURE',
      cursor < ctx.end
        ? 'bytes that belong to no element (a duplicate tag or a broken length)'
        : 'an element runs past the end of its container',
      { fileName: ctx.fileName, offset: Math.min(cursor, ctx.end) },
    );
  }
  const charsetElement = elements.find((e) => e.tag === 0x00080005);
  const characterSets = charsetElement
    ? parseCharacterSets(ctx.bytes, charsetElement)
    : ctx.inheritedCharacterSets;
  return { elements, characterSets };
}

function normalizeElement(
  element: RawElement,
  ctx: NormalizeContext,
  cursor: number,
): ParsedElement {
  const { fileName, bytes, base } = ctx;
  const tag = fromParserKey(element.tag);
  const valueOffset = base + element.dataOffset;
  const fileVr = ctx.explicitVr ? element.vr : undefined;
  if (ctx.explicitVr && (fileVr === undefined || !KNOWN_VRS.has(fileVr))) {
    throw new VeilError('BAD_STRUCTURE', `element ${formatTag(tag)} has an invalid VR`, {
      fileName,
      offset: valueOffset - 8,
    });
  }
  if ((fileVr === 'OV' || fileVr === 'SV' || fileVr === 'UV') && !(element as WideElement).wideVr) {
    // dicom-parser 1.8 reads these 64-bit VRs with a 16-bit length; the rest of the file would be
    // garbage. parseTopLevel.ts reads them at the top level; inside a sequence they are refused.
    throw new VeilError(
      'UNSUPPORTED',
      `element ${formatTag(tag)} uses VR ${fileVr}, which cannot be read yet`,
      {
        fileName,
        offset: valueOffset - 12,
      },
    );
  }
  const headerLength = fileVr !== undefined && hasLongHeader(fileVr) ? 12 : 8;
  const start = valueOffset - headerLength;
  if (start !== cursor) {
    throw new VeilError(
      'BAD_STRUCTURE',
      `element ${formatTag(tag)} does not start where the previous one ends`,
      {
        fileName,
        offset: Math.min(start, cursor),
      },
    );
  }
  const undefinedLength = element.hadUndefinedLength === true;
  const unItems = fileVr === 'UN' ? unSequenceItems(element, tag, ctx, valueOffset) : undefined;
  const vr =
    fileVr === 'UN'
      ? readableVrOfUn(tag, element)
      : (fileVr ?? (element.items ? 'SQ' : implicitVr(tag)));
  let end: number;
  let items: ParsedItem[] | undefined;
  let encapsulated = false;

  if (unItems) {
    end = valueOffset + element.length;
    items = unItems;
  } else if (element.items) {
    const contentEnd = valueOffset + element.length;
    end = undefinedLength ? contentEnd + 8 : contentEnd;
    if (undefinedLength) expectDelimiter(bytes, contentEnd, SEQUENCE_DELIMITER, ctx, tag);
    checkWithin(end, ctx, tag, start);
    // Items of a UN element hold an implicit VR little endian sequence (PS3.5 §6.2.2).
    const implicitItems = !ctx.explicitVr || vr === 'UN';
    items = normalizeItems(element.items, ctx, tag, valueOffset, contentEnd, implicitItems);
  } else if (element.encapsulatedPixelData) {
    encapsulated = true;
    end = valueOffset + element.length;
    checkWithin(end, ctx, tag, start);
    if (undefinedLength) expectDelimiter(bytes, end - 8, SEQUENCE_DELIMITER, ctx, tag);
  } else if (undefinedLength) {
    // Only an implicit-VR private sequence gets here: dicom-parser reads its items, then drops them.
    // It stays opaque (copied whole or removed whole), and its end is proven by its delimiter.
    end = valueOffset + element.length + 8;
    checkWithin(end, ctx, tag, start);
    expectDelimiter(bytes, end - 8, SEQUENCE_DELIMITER, ctx, tag);
  } else {
    end = valueOffset + element.length;
    checkWithin(end, ctx, tag, start);
  }
  const length = undefinedLength && !encapsulated ? end - 8 - valueOffset : element.length;
  // One literal per shape (no spreads): this runs for every element of every parse.
  if (items) return { tag, vr, start, valueOffset, length, end, undefinedLength, items };
  if (encapsulated) {
    return { tag, vr, start, valueOffset, length, end, undefinedLength, encapsulated };
  }
  const parsed: ParsedElement = { tag, vr, start, valueOffset, length, end, undefinedLength };
  return parsed;
}

/**
 * A standard sequence written as UN with a defined length (converted from implicit VR by a system
 * that did not know the attribute) holds an implicit VR little endian sequence (PS3.5 §6.2.2).
 * Its items are read here, so that the profile reaches the elements inside (UIDs to remap, names
 * to remove) rather than keeping or dropping the whole value unread. A value that does not read
 * as well-formed items exactly filling it stays one opaque value (undefined is returned, and the
 * element keeps no items). (Undefined-length UN dicom-parser reads itself.)
 */
function unSequenceItems(
  element: RawElement,
  tag: number,
  ctx: NormalizeContext,
  valueOffset: number,
): ParsedItem[] | undefined {
  if (element.items || element.hadUndefinedLength === true || element.length === 0) return;
  if (implicitVr(tag) !== 'SQ') return;
  const region = ctx.bytes.subarray(ctx.base);
  const end = element.dataOffset + element.length;
  if (end > region.length || valueOffset + element.length > ctx.end) return; // checkWithin reports it
  const parser = (
    dicomParser as unknown as { littleEndianByteArrayParser: DicomParserTypes.ByteArrayParser }
  ).littleEndianByteArrayParser;
  // Bounded to the value: an undefined-length item without its delimiter must not read on through
  // the rest of the file (offsets stay those of `region`, as the view starts where it does).
  const stream = new dicomParser.ByteStream(parser, region.subarray(0, end), element.dataOffset);
  try {
    // The declarations say the callback returns a string; dicom-parser also takes undefined (no VR).
    const vrCallback = implicitVrForParser as (tag: string) => string;
    dicomParser.readSequenceItemsImplicit(stream, element, vrCallback);
    if (stream.position !== end) throw new Error('the items do not fill the value');
    const contentEnd = valueOffset + element.length;
    return normalizeItems(element.items ?? [], ctx, tag, valueOffset, contentEnd, true);
  } catch {
    delete (element as { items?: unknown }).items;
    return undefined;
  }
}

/**
 * Some converters and archives write standard attributes with VR UN in explicit VR files. A string
 * value's bytes do not depend on the byte order, so a UN element whose tag the dictionary gives a
 * string VR is read as that VR: the profile then treats PatientName as a name and SOPInstanceUID as
 * a UID (remapped, not emptied), and a changed value is written back with its proper VR. Binary
 * values (whose UN bytes are little endian whatever the transfer syntax) and sequences stay UN.
 */
function readableVrOfUn(tag: number, element: RawElement): string {
  if (element.items || element.hadUndefinedLength === true) return 'UN';
  const dictionaryVr = implicitVr(tag);
  return isStringVr(dictionaryVr) ? dictionaryVr : 'UN';
}

function normalizeItems(
  rawItems: readonly DicomParserTypes.Element[],
  ctx: NormalizeContext,
  tag: number,
  contentStart: number,
  contentEnd: number,
  implicitItems: boolean,
): ParsedItem[] {
  const items: ParsedItem[] = [];
  let cursor = contentStart;
  for (const raw of rawItems) {
    const valueOffset = ctx.base + raw.dataOffset;
    const start = valueOffset - 8;
    if (
      start !== cursor ||
      readTag(ctx.bytes, start, !implicitItems && isBigEndian(ctx)) !== ITEM
    ) {
      throw new VeilError('BAD_STRUCTURE', `an item of ${formatTag(tag)} is malformed`, {
        fileName: ctx.fileName,
        offset: Math.min(start, cursor),
      });
    }
    const undefinedLength = raw.hadUndefinedLength === true;
    const end = valueOffset + raw.length;
    checkWithin(end, ctx, tag, start);
    if (end > contentEnd) {
      throw new VeilError(
        'BAD_LENGTH',
        `an item of ${formatTag(tag)} is longer than its sequence`,
        {
          fileName: ctx.fileName,
          offset: start,
        },
      );
    }
    const datasetEnd = undefinedLength ? end - 8 : end;
    if (undefinedLength) expectDelimiter(ctx.bytes, datasetEnd, ITEM_DELIMITER, ctx, tag);
    if (!raw.dataSet) {
      throw new VeilError('BAD_STRUCTURE', `an item of ${formatTag(tag)} could not be read`, {
        fileName: ctx.fileName,
        offset: start,
      });
    }
    const dataset = normalizeDataset(raw.dataSet, {
      ...ctx,
      start: valueOffset,
      end: datasetEnd,
      explicitVr: ctx.explicitVr && !implicitItems,
      depth: ctx.depth + 1,
      topLevel: false,
    });
    items.push({
      start,
      valueOffset,
      end,
      undefinedLength,
      dataset,
      implicitLittleEndian: implicitItems && ctx.explicitVr,
    });
    cursor = end;
  }
  if (cursor !== contentEnd) {
    throw new VeilError(
      'BAD_STRUCTURE',
      `the items of ${formatTag(tag)} do not fill the sequence`,
      {
        fileName: ctx.fileName,
        offset: cursor,
      },
    );
  }
  return items;
}

/** Big endian files are the only ones whose item tags are byte-swapped. */
function isBigEndian(ctx: NormalizeContext): boolean {
  return ctx.bigEndian;
}

function readTag(bytes: Uint8Array, offset: number, bigEndian: boolean): number {
  const b = (i: number) => bytes[offset + i] ?? 0;
  const group = bigEndian ? (b(0) << 8) | b(1) : b(0) | (b(1) << 8);
  const element = bigEndian ? (b(2) << 8) | b(3) : b(2) | (b(3) << 8);
  return ((group << 16) | element) >>> 0;
}

function expectDelimiter(
  bytes: Uint8Array,
  offset: number,
  delimiter: number,
  ctx: NormalizeContext,
  tag: number,
): void {
  const le = readTag(bytes, offset, false);
  const be = readTag(bytes, offset, true);
  if (le !== delimiter && be !== delimiter) {
    throw new VeilError('BAD_STRUCTURE', `${formatTag(tag)} lacks its delimitation item`, {
      fileName: ctx.fileName,
      offset,
    });
  }
}

function checkWithin(end: number, ctx: NormalizeContext, tag: number, start: number): void {
  if (end > ctx.end || end > ctx.bytes.length) {
    throw new VeilError(
      end > ctx.bytes.length ? 'TRUNCATED' : 'BAD_LENGTH',
      `element ${formatTag(tag)} has a length that runs past the end of ${end > ctx.bytes.length ? 'the file' : 'its container'}`,
      { fileName: ctx.fileName, offset: start },
    );
  }
}
