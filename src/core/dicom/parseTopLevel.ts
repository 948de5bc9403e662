import type * as DicomParserTypes from 'dicom-parser';
import { implicitVrForParser } from './dictionary';
import { dicomParser } from './parseModule';

/** Parts of dicom-parser 1.8 that its type declarations leave out. */
interface LoopInternals {
  readonly littleEndianByteArrayParser: DicomParserTypes.ByteArrayParser;
  readonly bigEndianByteArrayParser: DicomParserTypes.ByteArrayParser;
  readonly DataSet: new (
    parser: DicomParserTypes.ByteArrayParser,
    bytes: Uint8Array,
    elements: Record<string, DicomParserTypes.Element>,
  ) => DicomParserTypes.DataSet & { warnings?: string[] };
  readDicomElementExplicit(
    stream: DicomParserTypes.ByteStream,
    warnings: string[],
    untilTag?: string,
  ): DicomParserTypes.Element;
  readDicomElementImplicit(
    stream: DicomParserTypes.ByteStream,
    untilTag: string | undefined,
    vrCallback: (tag: string) => string | undefined,
  ): DicomParserTypes.Element;
}

/** A top-level element with a 64-bit VR, read here rather than by dicom-parser. */
export type WideElement = DicomParserTypes.Element & { readonly wideVr: true };

export interface TopLevel {
  readonly dataSet: DicomParserTypes.DataSet;
  /**
   * Where the dataset ends in `region`: its length, or where a run of zero bytes to the end of the
   * file starts (padding some writers add, to a sector or block size), which is no element.
   */
  readonly end: number;
}

export interface TopLevelOptions {
  readonly explicitVr: boolean;
  readonly littleEndian: boolean;
  /** Stops at this tag, as parseDicom's option does. */
  readonly untilTag?: string;
}

/**
 * dicom-parser's loop over the top level of a dataset (parseDicomDataSetExplicit / Implicit), with
 * two additions:
 * - Elements of the 64-bit VRs OV, SV and UV in explicit VR, whose 4-byte length dicom-parser 1.8
 *   reads as a 2-byte one (and then reads the length as the next tag). They sit at the top level of
 *   modern images (Extended Offset Table (7FE0,0001) and its lengths (7FE0,0002), OV), so they are
 *   read here from their 12-byte header. One inside a sequence (dicom-parser reads items on its
 *   own) still fails closed: dicom-parser's misreading ends in an error, and parseNormalize.ts
 *   refuses any that slips through.
 * - Zero bytes from an element boundary to the end of the file end the dataset: no element has
 *   tag (0000,0000), and dicom-parser would read them as a run of such elements.
 * Every other element, sequences and encapsulated pixel data included, is dicom-parser's. Throws as
 * dicom-parser does (strings), which parse.ts#parserFailure turns into coded errors.
 */
export function parseTopLevel(region: Uint8Array, options: TopLevelOptions): TopLevel {
  const { explicitVr, untilTag } = options;
  const internals = dicomParser as unknown as LoopInternals;
  const parser =
    options.littleEndian || !explicitVr
      ? internals.littleEndianByteArrayParser
      : internals.bigEndianByteArrayParser;
  const stream = new dicomParser.ByteStream(parser, region, 0);
  const elements: Record<string, DicomParserTypes.Element> = {};
  const dataSet = new internals.DataSet(parser, region, elements);
  dataSet.warnings = stream.warnings;
  while (stream.position < region.length) {
    const at = stream.position;
    if (region[at] === 0 && region[at + 1] === 0 && zeroToTheEnd(region, at)) {
      return { dataSet, end: at };
    }
    const vr = explicitVr && at + 12 <= region.length ? wideVrAt(region, at + 4) : undefined;
    let element: DicomParserTypes.Element;
    if (vr !== undefined) {
      const length = parser.readUint32(region, at + 8);
      if (length === 0xffffffff) {
        throw `dicomParser:parseTopLevel: undefined length for VR ${vr} at offset ${at}`;
      }
      const tag = parserKey(parser.readUint16(region, at), parser.readUint16(region, at + 2));
      const wide: WideElement = { tag, vr, length, dataOffset: at + 12, wideVr: true };
      element = wide;
      if (tag !== untilTag) stream.seek(12 + length);
    } else if (explicitVr) {
      element = internals.readDicomElementExplicit(stream, stream.warnings, untilTag);
    } else {
      element = internals.readDicomElementImplicit(stream, untilTag, implicitVrForParser);
    }
    elements[element.tag] = element;
    if (element.tag === untilTag) return { dataSet, end: region.length };
  }
  if (stream.position > region.length) {
    throw 'dicomParser:parseDicomDataSet: buffer overrun';
  }
  return { dataSet, end: region.length };
}

/**
 * Whether every byte from `at` to the end is zero. Asked only where an element would start with
 * group 0000, which no dataset element has: a file's pixel data may end in a long run of zeros,
 * and scanning that for every file cost as much as de-identifying it.
 */
function zeroToTheEnd(bytes: Uint8Array, at: number): boolean {
  for (let i = at; i < bytes.length; i++) if (bytes[i] !== 0) return false;
  return true;
}

/** OV, SV or UV at `at` (checked byte by byte: this runs for every top-level element). */
function wideVrAt(bytes: Uint8Array, at: number): string | undefined {
  if (bytes[at + 1] !== 0x56) return undefined; // 'V'
  const first = bytes[at];
  return first === 0x4f ? 'OV' : first === 0x53 ? 'SV' : first === 0x55 ? 'UV' : undefined;
}

const hex4 = (n: number): string => n.toString(16).padStart(4, '0');
const parserKey = (group: number, element: number): string => `x${hex4(group)}${hex4(element)}`;
