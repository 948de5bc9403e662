import type * as DicomParserTypes from 'dicom-parser';
import { dicomParser } from './parseModule';

/** Parts of dicom-parser 1.8 that its type declarations leave out. */
interface ExplicitInternals {
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
}

/** A top-level element with a 64-bit VR, read here rather than by dicom-parser. */
export type WideElement = DicomParserTypes.Element & { readonly wideVr: true };

/**
 * dicom-parser's loop over an explicit VR dataset (parseDicomDataSetExplicit), for the top level,
 * with one addition: elements of the 64-bit VRs OV, SV and UV, whose 4-byte length dicom-parser
 * 1.8 reads as a 2-byte one (and then reads the length as the next tag). They sit at the top level
 * of modern images (Extended Offset Table (7FE0,0001) and its lengths (7FE0,0002), OV), so they
 * are read here from their 12-byte header; every other element, sequences and encapsulated pixel
 * data included, is dicom-parser's. One inside a sequence (dicom-parser reads items on its own)
 * still fails closed: dicom-parser's misreading ends in an error, and parseNormalize.ts refuses any
 * that slips through. Throws as dicom-parser does (strings), which
 * parse.ts#parserFailure turns into coded errors. `untilTag` stops at that tag, as parseDicom's.
 */
export function parseExplicitDataset(
  region: Uint8Array,
  littleEndian: boolean,
  untilTag?: string,
): DicomParserTypes.DataSet {
  const internals = dicomParser as unknown as ExplicitInternals;
  const parser = littleEndian
    ? internals.littleEndianByteArrayParser
    : internals.bigEndianByteArrayParser;
  const stream = new dicomParser.ByteStream(parser, region, 0);
  const elements: Record<string, DicomParserTypes.Element> = {};
  const dataSet = new internals.DataSet(parser, region, elements);
  dataSet.warnings = stream.warnings;
  while (stream.position < region.length) {
    const at = stream.position;
    const vr = at + 12 <= region.length ? wideVrAt(region, at + 4) : undefined;
    let element: DicomParserTypes.Element;
    if (vr !== undefined) {
      const length = parser.readUint32(region, at + 8);
      if (length === 0xffffffff) {
        throw `dicomParser:parseExplicitDataset: undefined length for VR ${vr} at offset ${at}`;
      }
      const tag = parserKey(parser.readUint16(region, at), parser.readUint16(region, at + 2));
      const wide: WideElement = { tag, vr, length, dataOffset: at + 12, wideVr: true };
      element = wide;
      if (tag !== untilTag) stream.seek(12 + length);
    } else {
      element = internals.readDicomElementExplicit(stream, stream.warnings, untilTag);
    }
    elements[element.tag] = element;
    if (element.tag === untilTag) return dataSet;
  }
  if (stream.position > region.length) {
    throw 'dicomParser:parseDicomDataSetExplicit: buffer overrun';
  }
  return dataSet;
}

/** OV, SV or UV at `at` (checked byte by byte: this runs for every top-level element). */
function wideVrAt(bytes: Uint8Array, at: number): string | undefined {
  if (bytes[at + 1] !== 0x56) return undefined; // 'V'
  const first = bytes[at];
  return first === 0x4f ? 'OV' : first === 0x53 ? 'SV' : first === 0x55 ? 'UV' : undefined;
}

const hex4 = (n: number): string => n.toString(16).padStart(4, '0');
const parserKey = (group: number, element: number): string => `x${hex4(group)}${hex4(element)}`;
