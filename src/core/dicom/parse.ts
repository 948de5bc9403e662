import type * as DicomParserTypes from 'dicom-parser';
import { dicomParser } from './parseModule';
import { toVeilError, VeilError } from '../errors';
import { inflateDataset } from './deflate';
import { hasDicmPrefix, sniffRawTransferSyntax } from './sniff';
import { parseTopLevel, type TopLevel } from './parseTopLevel';
import { normalizeDataset } from './parseNormalize';
import type { ParsedDataset, ParsedFile } from './model';
import { supportedTransferSyntax } from './transferSyntax';
import { readString } from './values';

/**
 * Reads a DICOM file with dicom-parser (the only module that imports it) and returns the element
 * tree as offsets into the bytes. The reader is strict where de-identification needs it to be: the
 * elements must tile the file exactly (no unread bytes where PHI could hide), lengths must fit, and
 * every anomaly that could hide data is an error, not a warning.
 */
export function parseFile(input: Uint8Array, fileName: string): ParsedFile {
  if (input.length === 0) throw new VeilError('NOT_DICOM', 'the file is empty', { fileName });
  const warnings: string[] = [];
  let bytes = input;
  let hasPreamble = hasDicmPrefix(bytes);

  if (!hasPreamble && bytes.length >= 8 && bytes[0] === 0x02 && bytes[1] === 0x00) {
    // A file meta group without the 128-byte preamble: give it one so the meta reader finds it.
    const padded = new Uint8Array(bytes.length + 132);
    padded.set([0x44, 0x49, 0x43, 0x4d], 128);
    padded.set(bytes, 132);
    bytes = padded;
    hasPreamble = true;
    warnings.push('file has a meta header but no preamble; read as if it had one');
  }

  let meta: ParsedDataset = { elements: [], characterSets: [] };
  let datasetOffset = 0;
  let tsUid: string | undefined;
  if (hasPreamble) {
    const header = readMetaHeader(bytes, fileName);
    meta = header.meta;
    datasetOffset = header.end;
    if (datasetOffset >= bytes.length) {
      throw new VeilError('TRUNCATED', 'the file ends before its dataset begins', {
        fileName,
        offset: bytes.length,
      });
    }
    tsUid = header.transferSyntaxUid;
    if (tsUid === undefined) {
      tsUid = sniffRawTransferSyntax(bytes, datasetOffset);
      if (tsUid === undefined) {
        throw new VeilError(
          'BAD_STRUCTURE',
          'the file meta header has no Transfer Syntax UID (0002,0010)',
          {
            fileName,
            offset: datasetOffset,
          },
        );
      }
      warnings.push(
        'the file meta header has no Transfer Syntax UID; it was inferred from the dataset',
      );
    }
  } else {
    tsUid = sniffRawTransferSyntax(bytes, 0);
    if (tsUid === undefined) {
      throw new VeilError(
        'NOT_DICOM',
        'not a DICOM file: no DICM prefix and no recognisable dataset',
        {
          fileName,
        },
      );
    }
    warnings.push('no preamble or file meta header: read as a raw dataset');
  }

  const ts = supportedTransferSyntax(tsUid, fileName);

  if (ts.deflated) {
    const inflated = inflateDataset(bytes.subarray(datasetOffset), fileName, datasetOffset);
    const joined = new Uint8Array(datasetOffset + inflated.length);
    joined.set(bytes.subarray(0, datasetOffset), 0);
    joined.set(inflated, datasetOffset);
    bytes = joined;
  }

  const region = bytes.subarray(datasetOffset);
  let parsed: TopLevel;
  try {
    // The deflated case is inflated above: plain explicit little endian from here.
    parsed = parseTopLevel(region, { explicitVr: ts.explicitVr, littleEndian: ts.littleEndian });
  } catch (error) {
    throw parserFailure(error, fileName, datasetOffset);
  }
  warnings.push(...collectParserWarnings(parsed.dataSet.warnings, fileName));
  if (parsed.end < region.length) {
    warnings.push(
      `${region.length - parsed.end} zero bytes after the dataset (padding, no element) were left out`,
    );
  }

  const dataset = normalizeDataset(parsed.dataSet, {
    fileName,
    bytes,
    base: datasetOffset,
    start: datasetOffset,
    end: datasetOffset + parsed.end,
    explicitVr: ts.explicitVr,
    bigEndian: !ts.littleEndian,
    inheritedCharacterSets: [],
    depth: 0,
    topLevel: true,
  });
  return {
    fileName,
    bytes,
    hasPreamble,
    meta,
    datasetOffset,
    dataset,
    transferSyntax: ts,
    warnings,
  };
}

/** Parts of dicom-parser 1.8 that its type declarations leave out. */
interface ParserInternals {
  readonly littleEndianByteArrayParser: DicomParserTypes.ByteArrayParser;
  readonly DataSet: new (
    parser: DicomParserTypes.ByteArrayParser,
    bytes: Uint8Array,
    elements: Record<string, DicomParserTypes.Element>,
  ) => DicomParserTypes.DataSet & { position?: number };
  parseDicomDataSetExplicit(
    dataSet: DicomParserTypes.DataSet,
    stream: DicomParserTypes.ByteStream,
    end: number,
  ): void;
  readPart10Header(bytes: Uint8Array): DicomParserTypes.DataSet & { position?: number };
}

/** (0002,0000) UL right after `DICM`, when the file has it (PS3.10 requires it; not every writer obeys). */
function readGroupLength(bytes: Uint8Array): number | undefined {
  if (bytes.length < 144) return undefined;
  const isGroupLength =
    bytes[132] === 0x02 &&
    bytes[133] === 0x00 &&
    bytes[134] === 0x00 &&
    bytes[135] === 0x00 &&
    bytes[136] === 0x55 &&
    bytes[137] === 0x4c &&
    bytes[138] === 0x04 &&
    bytes[139] === 0x00;
  if (!isGroupLength) return undefined;
  return new DataView(bytes.buffer, bytes.byteOffset + 140, 4).getUint32(0, true);
}

interface MetaHeader {
  meta: ParsedDataset;
  end: number;
  transferSyntaxUid: string | undefined;
}

function truncatedMeta(fileName: string, offset: number): never {
  throw new VeilError('TRUNCATED', 'the file ends inside its meta header', { fileName, offset });
}

function readMetaHeader(bytes: Uint8Array, fileName: string): MetaHeader {
  let header: DicomParserTypes.DataSet & { position?: number };
  const groupLength = readGroupLength(bytes);
  try {
    if (groupLength !== undefined) {
      // Bounded by (0002,0000): dicom-parser's own meta reader runs on into an (illegal) group 0001.
      const end = 144 + groupLength;
      if (end > bytes.length) return truncatedMeta(fileName, bytes.length);
      const parser = (dicomParser as unknown as ParserInternals).littleEndianByteArrayParser;
      const stream = new dicomParser.ByteStream(parser, bytes, 132);
      header = new (dicomParser as unknown as ParserInternals).DataSet(parser, bytes, {});
      (dicomParser as unknown as ParserInternals).parseDicomDataSetExplicit(header, stream, end);
      header.position = end;
    } else {
      header = (dicomParser as unknown as ParserInternals).readPart10Header(bytes);
    }
  } catch (error) {
    throw parserFailure(error, fileName, 132);
  }
  const end = header.position ?? 132;
  if (end > bytes.length) return truncatedMeta(fileName, bytes.length);
  const meta = normalizeDataset(header, {
    fileName,
    bytes,
    base: 0,
    start: 132,
    end,
    explicitVr: true,
    bigEndian: false,
    inheritedCharacterSets: [],
    depth: 0,
    topLevel: false,
  });
  for (const element of meta.elements) {
    if (element.tag >>> 16 !== 0x0002) {
      throw new VeilError(
        'BAD_STRUCTURE',
        'the file meta group holds an element outside group 0002',
        {
          fileName,
          offset: element.start,
        },
      );
    }
  }
  const tsElement = meta.elements.find((e) => e.tag === 0x00020010);
  const transferSyntaxUid = tsElement
    ? readString(bytes, tsElement)
        .replace(/[\0 ]+$/, '')
        .trim() || undefined
    : undefined;
  return { meta, end, transferSyntaxUid };
}

// dicom-parser's words for running out of bytes; 'maxP osition' (sic) is an item longer than the file.
const TRUNCATION =
  /eof|overrun|overread|beyond|outside|end of (the )?(buffer|file)|index|maxP ?osition/i;

/** dicom-parser's failures as coded errors (shared with the header reader). */
export function parserFailure(error: unknown, fileName: string, offset: number): VeilError {
  if (error instanceof VeilError) return error;
  // parseDicom wraps what it throws as { exception, dataSet }; a stack overflow is TOO_DEEP either way.
  const inner =
    typeof error === 'object' && error !== null && 'exception' in error
      ? (error as { exception: unknown }).exception
      : error;
  if (inner instanceof RangeError && /call stack/i.test(inner.message))
    return toVeilError(inner, fileName);
  const text = inner instanceof Error ? inner.message : String(inner);
  const code = TRUNCATION.test(text) ? 'TRUNCATED' : 'BAD_STRUCTURE';
  // dicom-parser's messages name offsets and tags, never values: safe to pass on.
  return new VeilError(code, `the DICOM structure cannot be read (${text.slice(0, 200)})`, {
    fileName,
    offset,
  });
}

/** dicom-parser reports running off the end as a warning; for de-identification it is an error. */
function collectParserWarnings(
  warnings: readonly string[] | undefined,
  fileName: string,
): string[] {
  const kept: string[] = [];
  for (const warning of warnings ?? []) {
    if (/eof/i.test(warning)) {
      throw new VeilError('TRUNCATED', `the file ends early (${warning.slice(0, 160)})`, {
        fileName,
      });
    }
    kept.push(warning.slice(0, 200));
  }
  return kept;
}
