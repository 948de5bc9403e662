// dcmjs ships no types; this declares only what the tests and the benchmark use.
declare module 'dcmjs' {
  export interface DcmjsElement {
    vr: string;
    Value?: unknown[];
  }
  export type DcmjsDict = Record<string, DcmjsElement>;
  export interface DcmjsDicomDict {
    meta: DcmjsDict;
    dict: DcmjsDict;
    write(options?: Record<string, unknown>): ArrayBuffer;
  }
  const dcmjs: {
    data: {
      DicomMessage: {
        readFile(buffer: ArrayBuffer, options?: Record<string, unknown>): DcmjsDicomDict;
      };
      DicomMetaDictionary: {
        naturalizeDataset(dict: DcmjsDict): Record<string, unknown>;
      };
    };
    anonymizer: {
      cleanTags(dict: DcmjsDict, replace?: Record<string, string>, empty?: string[]): void;
    };
    log: {
      setLevel(level: string): void;
      getLogger(name: string): { setLevel(level: string): void };
    };
  };
  export default dcmjs;
}
