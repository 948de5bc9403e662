// The few Web platform globals core uses. Core is compiled without DOM or Node types (so it cannot
// touch `document`, `fs` or `process` by accident); these exist in browsers, workers and Node 20.
// Extend this file, never replace it: several modules rely on it.

interface TextDecoderOptions {
  fatal?: boolean;
  ignoreBOM?: boolean;
}
declare class TextDecoder {
  constructor(label?: string, options?: TextDecoderOptions);
  readonly encoding: string;
  decode(input?: Uint8Array | ArrayBuffer | DataView, options?: { stream?: boolean }): string;
}
declare class TextEncoder {
  constructor();
  encode(input?: string): Uint8Array;
}

interface AbortSignal {
  readonly aborted: boolean;
  readonly reason: unknown;
}
