/** Messages between the preview (cornerstoneSetup) and codecs.worker.ts. */

export type Codec = 'jpeg-ls' | 'jpeg-2000' | 'jpeg-baseline';

/** Transfer syntaxes decoded by codecs.worker.ts rather than by the wado loader's own worker. */
export const CODEC_BY_SYNTAX: Readonly<Record<string, Codec>> = {
  // Greyscale only: the loader hands 8-bit colour JPEG to the browser's own decoder.
  '1.2.840.10008.1.2.4.50': 'jpeg-baseline',
  '1.2.840.10008.1.2.4.80': 'jpeg-ls',
  '1.2.840.10008.1.2.4.81': 'jpeg-ls',
  '1.2.840.10008.1.2.4.90': 'jpeg-2000',
  '1.2.840.10008.1.2.4.91': 'jpeg-2000',
};

/** The loader's imageFrame (PS3.3 image pixel module values); only these fields are read here. */
export interface ImageFrameInfo {
  readonly pixelRepresentation: number;
  readonly bitsStored: number;
  readonly bitsAllocated: number;
  readonly [field: string]: unknown;
}

export interface CodecRequest {
  readonly id: number;
  readonly transferSyntax: string;
  readonly imageFrame: ImageFrameInfo;
  /** The compressed frame (a copy, transferred). */
  readonly pixelData: ArrayBuffer;
}

/** The shape the loader's decodeTask resolves with: the frame info plus decoded pixels. */
export interface DecodedFrame extends ImageFrameInfo {
  readonly columns: number;
  readonly rows: number;
  readonly pixelData: ArrayBuffer;
  readonly pixelDataLength: number;
  readonly smallestPixelValue: number;
  readonly largestPixelValue: number;
  readonly decodeTimeInMS: number;
}

export type CodecReply =
  | { readonly id: number; readonly ok: true; readonly frame: DecodedFrame }
  | { readonly id: number; readonly ok: false; readonly message: string };
