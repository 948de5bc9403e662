import { VeilError } from '../errors';
/**
 * Transfer syntaxes Veil reads and writes. The pixel data of encapsulated syntaxes is copied byte
 * for byte, never decoded, so every encapsulated syntax is supported for de-identification; the list
 * names them for reports and for the preview.
 */
export interface TransferSyntax {
  readonly uid: string;
  readonly name: string;
  readonly explicitVr: boolean;
  readonly littleEndian: boolean;
  readonly deflated: boolean;
  readonly encapsulated: boolean;
}

const ts = (
  uid: string,
  name: string,
  flags: Partial<Omit<TransferSyntax, 'uid' | 'name'>> = {},
): TransferSyntax => ({
  uid,
  name,
  explicitVr: flags.explicitVr ?? true,
  littleEndian: flags.littleEndian ?? true,
  deflated: flags.deflated ?? false,
  encapsulated: flags.encapsulated ?? true,
});

export const IMPLICIT_VR_LE = '1.2.840.10008.1.2';
export const EXPLICIT_VR_LE = '1.2.840.10008.1.2.1';
export const DEFLATED_EXPLICIT_VR_LE = '1.2.840.10008.1.2.1.99';
export const EXPLICIT_VR_BE = '1.2.840.10008.1.2.2';

const KNOWN: readonly TransferSyntax[] = [
  ts(IMPLICIT_VR_LE, 'Implicit VR Little Endian', { explicitVr: false, encapsulated: false }),
  ts(EXPLICIT_VR_LE, 'Explicit VR Little Endian', { encapsulated: false }),
  ts(DEFLATED_EXPLICIT_VR_LE, 'Deflated Explicit VR Little Endian', {
    deflated: true,
    encapsulated: false,
  }),
  ts(EXPLICIT_VR_BE, 'Explicit VR Big Endian (retired)', {
    littleEndian: false,
    encapsulated: false,
  }),
  ts('1.2.840.10008.1.2.4.50', 'JPEG Baseline (Process 1)'),
  ts('1.2.840.10008.1.2.4.51', 'JPEG Extended (Process 2 & 4)'),
  // Retired JPEG processes: old archives still hold them, and their fragments are only copied.
  ts('1.2.840.10008.1.2.4.52', 'JPEG Extended (Process 3 & 5) (Retired)'),
  ts(
    '1.2.840.10008.1.2.4.53',
    'JPEG Spectral Selection, Non-Hierarchical (Process 6 & 8) (Retired)',
  ),
  ts(
    '1.2.840.10008.1.2.4.54',
    'JPEG Spectral Selection, Non-Hierarchical (Process 7 & 9) (Retired)',
  ),
  ts(
    '1.2.840.10008.1.2.4.55',
    'JPEG Full Progression, Non-Hierarchical (Process 10 & 12) (Retired)',
  ),
  ts(
    '1.2.840.10008.1.2.4.56',
    'JPEG Full Progression, Non-Hierarchical (Process 11 & 13) (Retired)',
  ),
  ts('1.2.840.10008.1.2.4.57', 'JPEG Lossless, Non-Hierarchical (Process 14)'),
  ts('1.2.840.10008.1.2.4.58', 'JPEG Lossless, Non-Hierarchical (Process 15) (Retired)'),
  ts('1.2.840.10008.1.2.4.59', 'JPEG Extended, Hierarchical (Process 16 & 18) (Retired)'),
  ts('1.2.840.10008.1.2.4.60', 'JPEG Extended, Hierarchical (Process 17 & 19) (Retired)'),
  ts('1.2.840.10008.1.2.4.61', 'JPEG Spectral Selection, Hierarchical (Process 20 & 22) (Retired)'),
  ts('1.2.840.10008.1.2.4.62', 'JPEG Spectral Selection, Hierarchical (Process 21 & 23) (Retired)'),
  ts('1.2.840.10008.1.2.4.63', 'JPEG Full Progression, Hierarchical (Process 24 & 26) (Retired)'),
  ts('1.2.840.10008.1.2.4.64', 'JPEG Full Progression, Hierarchical (Process 25 & 27) (Retired)'),
  ts('1.2.840.10008.1.2.4.65', 'JPEG Lossless, Hierarchical (Process 28) (Retired)'),
  ts('1.2.840.10008.1.2.4.66', 'JPEG Lossless, Hierarchical (Process 29) (Retired)'),
  ts('1.2.840.10008.1.2.4.70', 'JPEG Lossless, First-Order Prediction (Process 14 SV1)'),
  ts('1.2.840.10008.1.2.4.80', 'JPEG-LS Lossless'),
  ts('1.2.840.10008.1.2.4.81', 'JPEG-LS Near-Lossless'),
  ts('1.2.840.10008.1.2.4.90', 'JPEG 2000 (Lossless Only)'),
  ts('1.2.840.10008.1.2.4.91', 'JPEG 2000'),
  ts('1.2.840.10008.1.2.4.92', 'JPEG 2000 Part 2 Multi-component (Lossless Only)'),
  ts('1.2.840.10008.1.2.4.93', 'JPEG 2000 Part 2 Multi-component'),
  ts('1.2.840.10008.1.2.4.100', 'MPEG2 Main Profile / Main Level'),
  ts('1.2.840.10008.1.2.4.101', 'MPEG2 Main Profile / High Level'),
  ts('1.2.840.10008.1.2.4.102', 'MPEG-4 AVC/H.264 High Profile / Level 4.1'),
  ts('1.2.840.10008.1.2.4.103', 'MPEG-4 AVC/H.264 BD-compatible High Profile / Level 4.1'),
  ts('1.2.840.10008.1.2.4.104', 'MPEG-4 AVC/H.264 High Profile / Level 4.2 For 2D Video'),
  ts('1.2.840.10008.1.2.4.105', 'MPEG-4 AVC/H.264 High Profile / Level 4.2 For 3D Video'),
  ts('1.2.840.10008.1.2.4.106', 'MPEG-4 AVC/H.264 Stereo High Profile / Level 4.2'),
  ts('1.2.840.10008.1.2.4.107', 'HEVC/H.265 Main Profile / Level 5.1'),
  ts('1.2.840.10008.1.2.4.108', 'HEVC/H.265 Main 10 Profile / Level 5.1'),
  ts('1.2.840.10008.1.2.4.110', 'JPEG XL Lossless'),
  ts('1.2.840.10008.1.2.4.111', 'JPEG XL JPEG Recompression'),
  ts('1.2.840.10008.1.2.4.112', 'JPEG XL'),
  ts('1.2.840.10008.1.2.4.201', 'High-Throughput JPEG 2000 (Lossless Only)'),
  ts('1.2.840.10008.1.2.4.202', 'High-Throughput JPEG 2000 with RPCL Options (Lossless Only)'),
  ts('1.2.840.10008.1.2.4.203', 'High-Throughput JPEG 2000'),
  ts('1.2.840.10008.1.2.5', 'RLE Lossless'),
  ts('1.2.840.10008.1.2.1.98', 'Encapsulated Uncompressed Explicit VR Little Endian'),
  ts('1.2.840.10008.1.2.8.1', 'Deflated Image Frame Compression'),
];

const BY_UID = new Map(KNOWN.map((t) => [t.uid, t]));

export function transferSyntax(uid: string): TransferSyntax | undefined {
  return BY_UID.get(uid);
}

/**
 * The transfer syntax `uid` names, or the error both readers give when Veil cannot read it. The
 * UID is quoted only when it is one of the standard's (under the DICOM root): the field can hold
 * anything, a patient's name included, and errors quote nothing from a file.
 */
export function supportedTransferSyntax(uid: string, fileName: string): TransferSyntax {
  const ts = transferSyntax(uid);
  if (ts) return ts;
  const named =
    /^1\.2\.840\.10008(\.\d+)+$/.test(uid) && uid.length <= 64
      ? `transfer syntax ${uid}`
      : 'a transfer syntax UID that is not a standard one';
  throw new VeilError('UNSUPPORTED_TRANSFER_SYNTAX', `${named} is not supported`, { fileName });
}
