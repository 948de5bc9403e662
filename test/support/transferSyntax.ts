/** Transfer syntax UIDs the test builders know, and how each one lays bytes out. */
export const TS = {
  implicitLE: '1.2.840.10008.1.2',
  explicitLE: '1.2.840.10008.1.2.1',
  explicitBE: '1.2.840.10008.1.2.2',
  deflatedLE: '1.2.840.10008.1.2.1.99',
  jpegBaseline: '1.2.840.10008.1.2.4.50',
  jpegLossless: '1.2.840.10008.1.2.4.70',
  jpegLS: '1.2.840.10008.1.2.4.80',
  jpeg2000: '1.2.840.10008.1.2.4.90',
  rle: '1.2.840.10008.1.2.5',
} as const;

export interface TransferSyntaxLayout {
  readonly explicitVR: boolean;
  readonly littleEndian: boolean;
  /** The whole dataset (not the file meta) is one raw deflate stream (PS3.5 A.5). */
  readonly deflated: boolean;
  /** Pixel data is an undefined-length sequence of fragments (PS3.5 A.4). */
  readonly encapsulated: boolean;
}

const NATIVE: Readonly<Record<string, TransferSyntaxLayout>> = {
  [TS.implicitLE]: { explicitVR: false, littleEndian: true, deflated: false, encapsulated: false },
  [TS.explicitLE]: { explicitVR: true, littleEndian: true, deflated: false, encapsulated: false },
  [TS.explicitBE]: { explicitVR: true, littleEndian: false, deflated: false, encapsulated: false },
  [TS.deflatedLE]: { explicitVR: true, littleEndian: true, deflated: true, encapsulated: false },
};

/**
 * Every transfer syntax outside the four native ones is treated as encapsulated explicit VR little
 * endian, which is what all the compressed syntaxes (JPEG family, RLE, MPEG, HTJ2K) are.
 */
export function layoutOf(transferSyntaxUid: string): TransferSyntaxLayout {
  return (
    NATIVE[transferSyntaxUid] ?? {
      explicitVR: true,
      littleEndian: true,
      deflated: false,
      encapsulated: true,
    }
  );
}
