// Ambient types for the untyped vendor modules, also when a test pulls this file into tsconfig.node.
// eslint-disable-next-line @typescript-eslint/triple-slash-reference
/// <reference path="./vendor.d.ts" />
import cornerstone, { type Image, type Voi } from 'cornerstone-core';
import wadoImageLoader from 'cornerstone-wado-image-loader';
// The wado loader parses with the dicom-parser instance it is handed (its "external"); this display
// module is the one place in the UI that passes it on. It never parses anything itself.
// eslint-disable-next-line no-restricted-imports
import * as dicomParser from 'dicom-parser';
import { decodeInWorker } from './codecClient';
import { CODEC_BY_SYNTAX, type ImageFrameInfo } from './codecProtocol';
import { withDeadline } from './deadline';
import { fragmentsOfFrame } from './frameFragments';
import { hasDicmPrefix, sniffRawTransferSyntax } from '../../../core/dicom/sniff';

/**
 * cornerstone wiring for the preview, loaded on demand (import()) so the ~1.4 MB loader stays out of
 * the first page load. Every frame is decoded off the main thread, in one of two workers:
 *
 * - the loader's own decode worker, which its bundle carries inline and starts from a blob: URL
 *   (`worker-src 'self' blob:`): native, big endian, deflated, RLE, JPEG lossless and 12-bit JPEG
 *   (pure JavaScript decoders);
 * - codecs.worker.ts, a Vite-bundled worker with the emscripten codecs installed beside the loader
 *   (CharLS, OpenJPEG, libjpeg-turbo) and their .wasm as same-origin assets: JPEG-LS, JPEG 2000 and
 *   greyscale JPEG baseline. The loader's inline worker has older builds of these that compile their
 *   bindings with `new Function`, which the CSP (no 'unsafe-eval') refuses.
 *
 * 8-bit colour JPEG baseline is decoded by the browser's own image decoder (the loader's choice).
 * Nothing is fetched from another origin.
 */

export type { Image, Voi };

// Decoded frames are cached by cornerstone; a bound keeps a long multi-frame series from growing
// the tab without limit (a 512² 16-bit frame is 0.5 MB, so ~380 frames).
const IMAGE_CACHE_BYTES = 192 * 1024 * 1024;

let ready = false;

function setUp(): void {
  if (ready) return;
  wadoImageLoader.external.cornerstone = cornerstone;
  wadoImageLoader.external.dicomParser = tolerantDicomParser;
  wadoImageLoader.configure({ decodeConfig: { convertFloatPixelDataToInt: true } });
  wadoImageLoader.webWorkerManager.initialize({
    // De-identification owns the cores; one or two decoders keep the preview responsive.
    maxWebWorkers: Math.max(1, Math.min(2, navigator.hardwareConcurrency || 1)),
    startWebWorkersOnDemand: true,
    taskConfiguration: { decodeTask: { initializeCodecsOnStartup: false, strict: false } },
  });
  routeWasmCodecs();
  cornerstone.imageCache.setMaximumSizeBytes(IMAGE_CACHE_BYTES);
  ready = true;
}

/**
 * dicom-parser as the loader gets it, with two changes, so that the preview shows what the engine
 * reads:
 * - a dataset without preamble and file meta (older archives, some exports) is parsed with the
 *   transfer syntax the engine infers for it (sniff.ts); the loader would refuse it;
 * - a frame whose Basic Offset Table does not match the fragments is read by the layout rules
 *   instead (frameFragments.ts), or the error stands. The loader calls this inside a promise
 *   callback it never settles on a throw, so a throw here would leave the preview waiting (see
 *   LOAD_WAIT_MS).
 */
const tolerantDicomParser: typeof dicomParser = {
  ...dicomParser,
  parseDicom(byteArray, options) {
    if (options?.TransferSyntaxUID || hasDicmPrefix(byteArray)) {
      return dicomParser.parseDicom(byteArray, options);
    }
    const raw = sniffRawTransferSyntax(byteArray, 0);
    return dicomParser.parseDicom(
      byteArray,
      raw ? { ...options, TransferSyntaxUID: raw } : options,
    );
  },
  readEncapsulatedImageFrame(dataSet, element, frameIndex, offsetTable, fragments) {
    try {
      return dicomParser.readEncapsulatedImageFrame(
        dataSet,
        element,
        frameIndex,
        offsetTable,
        fragments,
      );
    } catch (error) {
      const all = fragments ?? element.fragments ?? [];
      const frames = dataSet.intString('x00280008') ?? 1;
      const range = fragmentsOfFrame(frameIndex, frames, all.length);
      if (!range) throw error;
      return dicomParser.readEncapsulatedPixelDataFromFragments(
        dataSet,
        element,
        range.start,
        range.count,
        all,
      );
    }
  },
};

interface DecodeTaskData {
  readonly transferSyntax: string;
  readonly imageFrame: ImageFrameInfo;
  readonly pixelData: Uint8Array;
}

/**
 * The loader sends every worker decode through `webWorkerManager.addTask('decodeTask', …)` and only
 * reads `.promise` from what it returns; the transfer syntaxes codecs.worker.ts handles go there.
 */
function routeWasmCodecs(): void {
  const manager = wadoImageLoader.webWorkerManager;
  const loaderTask = manager.addTask.bind(manager);
  manager.addTask = (taskType, data, priority, transferList) => {
    const task = data as DecodeTaskData;
    if (taskType !== 'decodeTask' || !(task.transferSyntax in CODEC_BY_SYNTAX)) {
      return loaderTask(taskType, data, priority, transferList);
    }
    return { promise: decodeInWorker(task.transferSyntax, task.imageFrame, task.pixelData) };
  };
}

/** One Blob registered with the loader; `close` forgets it and every frame decoded from it. */
export interface OpenedFile {
  /** imageId of a frame (0-based). */
  frameId(frame: number): string;
  close(): void;
}

export function openFile(blob: Blob): OpenedFile {
  setUp();
  const baseId = wadoImageLoader.wadouri.fileManager.add(blob);
  const uri = baseId.slice('dicomfile:'.length);
  const loaded = new Set<string>();
  return {
    frameId(frame) {
      // The loader's own form; frame 0 is also what `dicomfile:N` alone shows.
      const id = `${baseId}?frame=${frame}`;
      loaded.add(id);
      return id;
    },
    close() {
      for (const id of loaded) cornerstone.imageCache.removeImageLoadObject(id);
      loaded.clear();
      // The dataset cache counts every load; release them all (bounded: a load per frame shown).
      const { dataSetCacheManager } = wadoImageLoader.wadouri;
      for (let i = 0; i < 100_000 && dataSetCacheManager.isLoaded(uri); i++) {
        dataSetCacheManager.unload(uri);
      }
      wadoImageLoader.wadouri.fileManager.remove(Number(uri));
    },
  };
}

/**
 * The loader leaves its promise pending when reading a frame throws inside its own callbacks (a
 * damaged file): past this, the preview says so instead of waiting forever. Generous: a 4,000²
 * JPEG 2000 frame decodes in a few seconds on a slow machine.
 */
const LOAD_WAIT_MS = 60_000;

export function loadImage(imageId: string): Promise<Image> {
  const loaded = cornerstone.loadAndCacheImage(imageId).catch((error: unknown) => {
    throw new Error(describeLoadError(error));
  });
  return withDeadline(
    loaded,
    LOAD_WAIT_MS,
    `the image decoder gave no answer in ${LOAD_WAIT_MS / 1000} s`,
  );
}

/** NumberOfFrames (0028,0008); 1 when absent. */
export function frameCount(image: Image): number {
  const frames = image.data?.intString('x00280008');
  return frames !== undefined && Number.isFinite(frames) && frames > 1 ? Math.floor(frames) : 1;
}

export function enable(element: HTMLElement): void {
  cornerstone.enable(element);
}

export function disable(element: HTMLElement): void {
  cornerstone.disable(element);
}

// cornerstone-core's EVENTS.IMAGE_RENDERED, fired on the element after each draw.
const IMAGE_RENDERED = 'cornerstoneimagerendered';
// cornerstone draws on animation frames, which a hidden tab does not get; do not wait forever.
const RENDER_WAIT_MS = 1000;

/**
 * Shows an image, keeping `voi` when given (same pixels: another frame, or the other side of the
 * toggle). Resolves once cornerstone has drawn it, so "shown" means the canvas holds this image.
 */
export function display(element: HTMLElement, image: Image, voi?: Voi): Promise<Voi> {
  const viewport = cornerstone.getDefaultViewportForImage(element, image);
  if (voi) viewport.voi = { ...voi };
  const shown = { ...viewport.voi };
  const rendered = new Promise<Voi>((resolve) => {
    const done = () => {
      element.removeEventListener(IMAGE_RENDERED, done);
      clearTimeout(timer);
      resolve(shown);
    };
    const timer = setTimeout(done, RENDER_WAIT_MS);
    element.addEventListener(IMAGE_RENDERED, done);
  });
  cornerstone.displayImage(element, image, viewport);
  return rendered;
}

/** The image's own window (its first Window Center/Width, or the pixel range). */
export function defaultVoi(element: HTMLElement, image: Image): Voi {
  return { ...cornerstone.getDefaultViewportForImage(element, image).voi };
}

export function setVoi(element: HTMLElement, voi: Voi): void {
  const viewport = cornerstone.getViewport(element);
  if (!viewport) return;
  viewport.voi = { ...voi };
  cornerstone.setViewport(element, viewport);
}

export function resize(element: HTMLElement): void {
  try {
    cornerstone.resize(element, true);
  } catch {
    // Resizing before the first image is displayed throws in cornerstone 2.6; nothing to fit yet.
  }
}

/**
 * The loader rejects with an Error, a string from dicom-parser, or `{ error }` from the decode
 * worker. Their messages name structures and codecs, never values; they are still shortened.
 */
export function describeLoadError(error: unknown): string {
  const inner =
    typeof error === 'object' && error !== null && 'error' in error
      ? (error as { error: unknown }).error
      : error;
  const text =
    inner instanceof Error
      ? inner.message
      : typeof inner === 'string'
        ? inner
        : typeof inner === 'object' && inner !== null && 'message' in inner
          ? String((inner as { message: unknown }).message)
          : 'the image decoder gave no reason';
  return text.length > 200 ? `${text.slice(0, 200)}…` : text;
}
