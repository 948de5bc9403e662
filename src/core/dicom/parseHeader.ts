import type * as DicomParserTypes from 'dicom-parser';
import { hasLongHeader } from './vr';
import { VeilError, type VeilErrorData } from '../errors';
import { decodeText, parseSpecificCharacterSet } from './charset';
import { inflateDataset } from './deflate';
import { hasDicmPrefix, sniffRawTransferSyntax } from './sniff';
import { toParserKey } from './tag';
import { parserFailure } from './parse';
import { parseTopLevel } from './parseTopLevel';
import { supportedTransferSyntax } from './transferSyntax';
import { latin1 } from './charsetTables';
import { FILE_SET_TAGS, mediaDirectoryError } from './mediaDirectory';

/**
 * What the import shows of one instance before anything is de-identified: the header only, read up
 * to (not into) Pixel Data, so a study of hundreds of slices lists in seconds. The values are the
 * originals (PHI): they live in the page's memory for the tree and never go into a report.
 */
export interface InstanceSummary {
  readonly patientName: string;
  readonly patientId: string;
  readonly patientBirthDate: string;
  readonly patientSex: string;
  readonly studyInstanceUid: string;
  readonly studyDate: string;
  readonly studyTime: string;
  readonly studyDescription: string;
  readonly studyId: string;
  readonly accessionNumber: string;
  readonly seriesInstanceUid: string;
  /** Series Number (IS) as a number; undefined when absent or not a number. */
  readonly seriesNumber: number | undefined;
  readonly modality: string;
  readonly seriesDescription: string;
  readonly sopClassUid: string;
  readonly sopInstanceUid: string;
  readonly instanceNumber: number | undefined;
  readonly rows: number | undefined;
  readonly columns: number | undefined;
  /** Number of Frames, 1 when absent (a single-frame image). */
  readonly frames: number;
  readonly transferSyntaxUid: string;
  readonly hasPixelData: boolean;
  /** Why the pixels may show burned-in text; empty when no sign of it. */
  readonly burnedInRisks: readonly BurnedInRisk[];
}

export type BurnedInRisk =
  'burned-in-annotation' | 'ultrasound' | 'secondary-capture' | 'screen-capture';

export const BURNED_IN_RISK_TEXT: Readonly<Record<BurnedInRisk, string>> = {
  'burned-in-annotation': 'Burned In Annotation is YES',
  ultrasound: 'ultrasound images often carry burned-in patient text',
  'secondary-capture': 'secondary capture images are often screenshots with text',
  'screen-capture': 'the image type or conversion type says it is a screen capture',
};

const PIXEL_DATA = 'x7fe00010';

const T = {
  SpecificCharacterSet: 0x00080005,
  ImageType: 0x00080008,
  SOPClassUID: 0x00080016,
  SOPInstanceUID: 0x00080018,
  StudyDate: 0x00080020,
  StudyTime: 0x00080030,
  AccessionNumber: 0x00080050,
  Modality: 0x00080060,
  ConversionType: 0x00080064,
  StudyDescription: 0x00081030,
  SeriesDescription: 0x0008103e,
  PatientName: 0x00100010,
  PatientID: 0x00100020,
  PatientBirthDate: 0x00100030,
  PatientSex: 0x00100040,
  StudyInstanceUID: 0x0020000d,
  SeriesInstanceUID: 0x0020000e,
  StudyID: 0x00200010,
  SeriesNumber: 0x00200011,
  InstanceNumber: 0x00200013,
  NumberOfFrames: 0x00280008,
  Rows: 0x00280010,
  Columns: 0x00280011,
  BurnedInAnnotation: 0x00280301,
} as const;

/** Secondary Capture Image Storage and its multi-frame family (PS3.4 B.5: 1.2.840.10008.5.1.4.1.1.7[.1–.4]). */
const SECONDARY_CAPTURE = /^1\.2\.840\.10008\.5\.1\.4\.1\.1\.7(\.[1-4])?$/;
/** Ultrasound (multi-frame) image storage, current and retired. */
const ULTRASOUND_SOP = /^1\.2\.840\.10008\.5\.1\.4\.1\.1\.(6|3)(\.1)?$/;

/**
 * Reads the header of a DICOM file, or of a prefix of it: `bytes` may be the first part of a file of
 * `fileSize` bytes. When the header does not end inside the prefix the answer is a TRUNCATED error,
 * and the caller reads the whole file and asks again. Never throws.
 */
export function readInstanceSummary(
  bytes: Uint8Array,
  fileName: string,
  fileSize: number = bytes.length,
): InstanceSummary | VeilErrorData {
  try {
    return readSummary(bytes, fileName, bytes.length < fileSize);
  } catch (error) {
    if (error instanceof VeilError) return error.toData();
    const message = error instanceof Error ? error.message : String(error);
    return new VeilError('INTERNAL', `unexpected failure reading the header: ${message}`, {
      fileName,
    }).toData();
  }
}

function readSummary(input: Uint8Array, fileName: string, isPrefix: boolean): InstanceSummary {
  if (input.length === 0) throw new VeilError('NOT_DICOM', 'the file is empty', { fileName });
  const more = () =>
    new VeilError('TRUNCATED', 'the header runs past the bytes read so far', { fileName });
  let bytes = input;
  if (!hasDicmPrefix(bytes) && bytes.length >= 8 && bytes[0] === 0x02 && bytes[1] === 0x00) {
    // A meta group with no preamble (parse.ts reads such files the same way).
    bytes = new Uint8Array(input.length + 132);
    bytes.set([0x44, 0x49, 0x43, 0x4d], 128);
    bytes.set(input, 132);
  }

  let datasetOffset = 0;
  let tsUid: string | undefined;
  if (hasDicmPrefix(bytes)) {
    const meta = readMeta(bytes);
    if (meta === undefined) {
      if (isPrefix) throw more();
      throw new VeilError('TRUNCATED', 'the file ends inside its meta header', { fileName });
    }
    datasetOffset = meta.end;
    if (datasetOffset >= bytes.length) {
      if (isPrefix) throw more();
      throw new VeilError('TRUNCATED', 'the file ends before its dataset begins', { fileName });
    }
    tsUid = meta.transferSyntaxUid || sniffRawTransferSyntax(bytes, datasetOffset);
  } else {
    tsUid = sniffRawTransferSyntax(bytes, 0);
    if (tsUid === undefined) {
      throw new VeilError('NOT_DICOM', 'not a DICOM file: no DICM prefix and no dataset', {
        fileName,
      });
    }
  }
  if (!tsUid) {
    throw new VeilError('BAD_STRUCTURE', 'the file meta header has no Transfer Syntax UID', {
      fileName,
      offset: datasetOffset,
    });
  }
  const ts = supportedTransferSyntax(tsUid, fileName);

  let region = bytes.subarray(datasetOffset);
  if (ts.deflated) {
    // One deflate stream: a prefix of it cannot be inflated, so ask for the whole file at once.
    if (isPrefix) throw more();
    region = inflateDataset(region, fileName, datasetOffset);
  }

  let dataset: DicomParserTypes.DataSet;
  try {
    // Deflated data is inflated above: explicit little endian from here.
    dataset = parseTopLevel(region, {
      explicitVr: ts.explicitVr,
      littleEndian: ts.littleEndian,
      untilTag: PIXEL_DATA,
    }).dataSet;
  } catch (error) {
    if (isPrefix) throw more();
    // The same codes as the full reader: TRUNCATED, TOO_DEEP (a stack overflow) or BAD_STRUCTURE.
    throw parserFailure(error, fileName, datasetOffset);
  }
  const hasPixelData = dataset.elements[PIXEL_DATA] !== undefined;
  if (isPrefix && !hasPixelData) throw more();
  for (const [key, element] of Object.entries(dataset.elements)) {
    if (key === PIXEL_DATA) continue;
    // A defined length that runs past the prefix: later elements were never seen.
    if (element.dataOffset + element.length > region.length && element.length !== 0xffffffff) {
      if (isPrefix) throw more();
      throw new VeilError('TRUNCATED', 'the file ends inside its header', { fileName });
    }
  }
  if (dataset.warnings.some((w) => /eof/i.test(w))) {
    if (isPrefix) throw more();
    throw new VeilError('TRUNCATED', 'the file ends inside its header', { fileName });
  }

  if ([...FILE_SET_TAGS].some((tag) => dataset.elements[toParserKey(tag)] !== undefined)) {
    throw mediaDirectoryError(fileName);
  }

  const charsetElement = dataset.elements[toParserKey(T.SpecificCharacterSet)];
  const charsets = charsetElement
    ? parseSpecificCharacterSet(latin1(valueOf(region, charsetElement)))
    : [];
  const text = (tag: number, vr = 'LO'): string => {
    const element = dataset.elements[toParserKey(tag)];
    if (!element || element.items || element.length === 0) return '';
    return trimmed(decodeText(valueOf(region, element), charsets, vr).text);
  };
  const integer = (tag: number): number | undefined => {
    const value = Number.parseInt(text(tag, 'IS'), 10);
    return Number.isFinite(value) ? value : undefined;
  };
  const unsigned = (tag: number): number | undefined => {
    const element = dataset.elements[toParserKey(tag)];
    return element && element.length >= 2 ? dataset.uint16(toParserKey(tag)) : undefined;
  };

  const sopClassUid = text(T.SOPClassUID, 'UI');
  const modality = text(T.Modality, 'CS').toUpperCase();
  const burnedInRisks: BurnedInRisk[] = [];
  if (text(T.BurnedInAnnotation, 'CS').toUpperCase() === 'YES') {
    burnedInRisks.push('burned-in-annotation');
  }
  if (modality === 'US' || modality === 'IVUS' || ULTRASOUND_SOP.test(sopClassUid)) {
    burnedInRisks.push('ultrasound');
  }
  if (SECONDARY_CAPTURE.test(sopClassUid)) burnedInRisks.push('secondary-capture');
  const imageType = text(T.ImageType, 'CS').toUpperCase();
  // WSD: Workstation in Conversion Type (PS3.3 C.8.6.1), i.e. a capture of a screen.
  if (/SCREEN/.test(imageType) || text(T.ConversionType, 'CS').toUpperCase() === 'WSD') {
    burnedInRisks.push('screen-capture');
  }

  return {
    patientName: text(T.PatientName, 'PN'),
    patientId: text(T.PatientID),
    patientBirthDate: text(T.PatientBirthDate, 'DA'),
    patientSex: text(T.PatientSex, 'CS'),
    studyInstanceUid: text(T.StudyInstanceUID, 'UI'),
    studyDate: text(T.StudyDate, 'DA'),
    studyTime: text(T.StudyTime, 'TM'),
    studyDescription: text(T.StudyDescription),
    studyId: text(T.StudyID, 'SH'),
    accessionNumber: text(T.AccessionNumber, 'SH'),
    seriesInstanceUid: text(T.SeriesInstanceUID, 'UI'),
    seriesNumber: integer(T.SeriesNumber),
    modality,
    seriesDescription: text(T.SeriesDescription),
    sopClassUid,
    sopInstanceUid: text(T.SOPInstanceUID, 'UI'),
    instanceNumber: integer(T.InstanceNumber),
    rows: unsigned(T.Rows),
    columns: unsigned(T.Columns),
    frames: Math.max(1, integer(T.NumberOfFrames) ?? 1),
    transferSyntaxUid: ts.uid,
    hasPixelData,
    burnedInRisks,
  };
}

export function isInstanceSummary(
  value: InstanceSummary | VeilErrorData,
): value is InstanceSummary {
  return !('code' in value);
}

/**
 * The (0002) group after `DICM`: explicit VR little endian, bounded by (0002,0000) when the file has
 * it (dicom-parser's own meta reader would run on into an illegal group 0001 and swallow it).
 * Undefined when the bytes end inside it.
 */
function readMeta(bytes: Uint8Array): { end: number; transferSyntaxUid: string } | undefined {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.length);
  let at = 132;
  let limit = Infinity;
  let transferSyntaxUid = '';
  while (at < limit) {
    if (at + 8 > bytes.length) return undefined;
    if (view.getUint16(at, true) !== 0x0002) break;
    const element = view.getUint16(at + 2, true);
    const vr = String.fromCharCode(bytes[at + 4]!, bytes[at + 5]!);
    const long = hasLongHeader(vr);
    if (long && at + 12 > bytes.length) return undefined;
    const length = long ? view.getUint32(at + 8, true) : view.getUint16(at + 6, true);
    const valueAt = at + (long ? 12 : 8);
    if (length === 0xffffffff || valueAt + length > bytes.length) return undefined;
    const value = bytes.subarray(valueAt, valueAt + length);
    if (element === 0x0000 && length === 4) limit = valueAt + 4 + view.getUint32(valueAt, true);
    if (element === 0x0010) transferSyntaxUid = trimmed(latin1(value));
    at = valueAt + length;
  }
  return { end: at, transferSyntaxUid };
}

function valueOf(bytes: Uint8Array, element: DicomParserTypes.Element): Uint8Array {
  return bytes.subarray(element.dataOffset, element.dataOffset + element.length);
}

/** Value padding (spaces, and NUL for UIs and sloppy writers) and leading spaces. */
function trimmed(text: string): string {
  return text.replace(/^[ ]+|[\0 ]+$/g, '');
}
