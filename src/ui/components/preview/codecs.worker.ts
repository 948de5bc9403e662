// Ambient types for the untyped vendor modules, also when a test pulls this file into tsconfig.node.
// eslint-disable-next-line @typescript-eslint/triple-slash-reference
/// <reference path="./vendor.d.ts" />
import charlsFactory from '@cornerstonejs/codec-charls/decodewasmjs';
import charlsWasm from '@cornerstonejs/codec-charls/decodewasm?url';
import libjpegFactory from '@cornerstonejs/codec-libjpeg-turbo-8bit/decodewasmjs';
import libjpegWasm from '@cornerstonejs/codec-libjpeg-turbo-8bit/decodewasm?url';
import openjpegFactory from '@cornerstonejs/codec-openjpeg/decodewasmjs';
import openjpegWasm from '@cornerstonejs/codec-openjpeg/decodewasm?url';
import { CODEC_BY_SYNTAX } from './codecProtocol';
import type { Codec, CodecReply, CodecRequest, DecodedFrame } from './codecProtocol';

/**
 * Decodes the frames whose codecs are emscripten/embind builds: JPEG-LS, JPEG 2000 and greyscale
 * JPEG baseline. The wado loader's own worker carries older builds of these codecs that compile
 * their bindings with `new Function`, which the app's CSP (no 'unsafe-eval') forbids; the builds
 * installed beside it do not. Their wasm files are Vite assets served from the app's own origin.
 * Replies carry what the loader's decodeTask returns, so its createImage cannot tell the difference.
 */

const wasmAt =
  (url: string) =>
  (path: string, prefix: string): string =>
    path.endsWith('.wasm') ? url : prefix + path;

const decoders = new Map<Codec, Promise<VeilWasmDecoder>>();

function decoderFor(codec: Codec): Promise<VeilWasmDecoder> {
  let decoder = decoders.get(codec);
  if (!decoder) {
    decoder =
      codec === 'jpeg-ls'
        ? charlsFactory({ locateFile: wasmAt(charlsWasm) }).then((m) => new m.JpegLSDecoder())
        : codec === 'jpeg-2000'
          ? openjpegFactory({ locateFile: wasmAt(openjpegWasm) }).then((m) => new m.J2KDecoder())
          : libjpegFactory({ locateFile: wasmAt(libjpegWasm) }).then((m) => new m.JPEGDecoder());
    decoders.set(codec, decoder);
  }
  return decoder;
}

async function decode(request: CodecRequest): Promise<DecodedFrame> {
  const start = Date.now();
  const codec = CODEC_BY_SYNTAX[request.transferSyntax];
  if (!codec) throw new Error(`no worker codec for transfer syntax ${request.transferSyntax}`);
  const decoder = await decoderFor(codec);
  const encoded = new Uint8Array(request.pixelData);
  decoder.getEncodedBuffer(encoded.length).set(encoded);
  decoder.decode();
  const info = decoder.getFrameInfo();
  const decoded = decoder.getDecodedBuffer();
  const frame = request.imageFrame;
  // JPEG-LS carries no sign; the DICOM header does (charls' own wrapper does the same). OpenJPEG knows.
  const signed = codec === 'jpeg-2000' ? info.isSigned === true : frame.pixelRepresentation === 1;
  // Copy out of the wasm heap: the heap is reused by the next decode and cannot be transferred.
  const pixels = typedCopy(decoded, info.bitsPerSample > 8, signed);
  extendSign(pixels, frame.pixelRepresentation, frame.bitsStored);
  const { min, max } = minMax(pixels);
  return {
    ...frame,
    columns: info.width,
    rows: info.height,
    pixelData: pixels.buffer as ArrayBuffer,
    pixelDataLength: pixels.length,
    smallestPixelValue: min,
    largestPixelValue: max,
    decodeTimeInMS: Date.now() - start,
  };
}

type Pixels = Uint8Array | Int8Array | Uint16Array | Int16Array;

function typedCopy(decoded: Uint8Array, wide: boolean, signed: boolean): Pixels {
  const bytes = decoded.slice();
  if (!wide) return signed ? new Int8Array(bytes.buffer) : bytes;
  return signed ? new Int16Array(bytes.buffer) : new Uint16Array(bytes.buffer);
}

/** Signed pixels stored in fewer bits than allocated: spread the sign bit as the loader does. */
function extendSign(pixels: Pixels, pixelRepresentation: number, bitsStored: number): void {
  if (pixelRepresentation !== 1 || !(bitsStored > 0 && bitsStored < 32)) return;
  const shift = 32 - bitsStored;
  for (let i = 0; i < pixels.length; i++) pixels[i] = (pixels[i]! << shift) >> shift;
}

function minMax(pixels: Pixels): { min: number; max: number } {
  let min = Infinity;
  let max = -Infinity;
  for (let i = 0; i < pixels.length; i++) {
    const value = pixels[i]!;
    if (value < min) min = value;
    if (value > max) max = value;
  }
  return pixels.length === 0 ? { min: 0, max: 0 } : { min, max };
}

self.addEventListener('message', (event: MessageEvent<CodecRequest>) => {
  const request = event.data;
  decode(request).then(
    (frame) => {
      const reply: CodecReply = { id: request.id, ok: true, frame };
      self.postMessage(reply, { transfer: [frame.pixelData] });
    },
    (error: unknown) => {
      // Emscripten throws numbers (exception pointers) as often as Errors.
      const message =
        error instanceof Error ? error.message : `the ${request.transferSyntax} decoder failed`;
      const reply: CodecReply = { id: request.id, ok: false, message };
      self.postMessage(reply);
    },
  );
});
