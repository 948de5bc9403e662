// The parts of cornerstone-core 2.6 and cornerstone-wado-image-loader 4.13 that Veil uses; neither
// package ships type declarations.

declare module 'cornerstone-core' {
  export interface Voi {
    windowWidth: number;
    windowCenter: number;
  }
  export interface Viewport {
    scale: number;
    translation: { x: number; y: number };
    voi: Voi;
    invert: boolean;
  }
  /** The dicom-parser DataSet the wado loader attaches to each image it makes. */
  export interface ImageDataSet {
    intString(tag: string): number | undefined;
    string(tag: string): string | undefined;
  }
  export interface Image {
    imageId: string;
    rows: number;
    columns: number;
    color: boolean;
    minPixelValue: number;
    maxPixelValue: number;
    windowCenter?: number | number[];
    windowWidth?: number | number[];
    sizeInBytes: number;
    data?: ImageDataSet;
  }
  export interface ImageCache {
    setMaximumSizeBytes(bytes: number): void;
    removeImageLoadObject(imageId: string): void;
    getImageLoadObject(imageId: string): unknown;
  }
  export interface Cornerstone {
    enable(element: HTMLElement, options?: Record<string, unknown>): void;
    disable(element: HTMLElement): void;
    loadAndCacheImage(imageId: string): Promise<Image>;
    displayImage(element: HTMLElement, image: Image, viewport?: Partial<Viewport>): void;
    getViewport(element: HTMLElement): Viewport | undefined;
    setViewport(element: HTMLElement, viewport: Partial<Viewport>): void;
    getDefaultViewportForImage(element: HTMLElement, image: Image): Viewport;
    resize(element: HTMLElement, forceFitToWindow?: boolean): void;
    imageCache: ImageCache;
  }
  const cornerstone: Cornerstone;
  export default cornerstone;
}

declare module 'cornerstone-wado-image-loader' {
  export interface WadoImageLoader {
    external: { cornerstone: unknown; dicomParser: unknown };
    configure(options: Record<string, unknown>): void;
    webWorkerManager: {
      initialize(config: {
        maxWebWorkers: number;
        startWebWorkersOnDemand: boolean;
        taskConfiguration: Record<string, unknown>;
      }): void;
      terminate(): void;
      addTask(
        taskType: string,
        data: unknown,
        priority?: number,
        transferList?: Transferable[],
      ): { promise: Promise<unknown>; taskId?: number };
    };
    wadouri: {
      fileManager: {
        /** Returns `dicomfile:N`. */
        add(file: Blob): string;
        remove(index: number): void;
      };
      dataSetCacheManager: {
        isLoaded(uri: string): boolean;
        unload(uri: string): void;
      };
    };
  }
  const loader: WadoImageLoader;
  export default loader;
}

// The emscripten builds of the codecs (CommonJS factories); only the decoder members Veil calls.
interface VeilWasmDecoder {
  getEncodedBuffer(length: number): Uint8Array;
  decode(): void;
  getDecodedBuffer(): Uint8Array;
  getFrameInfo(): {
    width: number;
    height: number;
    bitsPerSample: number;
    componentCount: number;
    isSigned?: boolean;
  };
}
interface VeilCodecFactoryOptions {
  locateFile(path: string, prefix: string): string;
}

declare module '@cornerstonejs/codec-charls/decodewasmjs' {
  const factory: (
    options: VeilCodecFactoryOptions,
  ) => Promise<{ JpegLSDecoder: new () => VeilWasmDecoder }>;
  export default factory;
}
declare module '@cornerstonejs/codec-openjpeg/decodewasmjs' {
  const factory: (
    options: VeilCodecFactoryOptions,
  ) => Promise<{ J2KDecoder: new () => VeilWasmDecoder }>;
  export default factory;
}
declare module '@cornerstonejs/codec-libjpeg-turbo-8bit/decodewasmjs' {
  const factory: (
    options: VeilCodecFactoryOptions,
  ) => Promise<{ JPEGDecoder: new () => VeilWasmDecoder }>;
  export default factory;
}
