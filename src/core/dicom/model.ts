import type { Tag } from './tag';
import type { TransferSyntax } from './transferSyntax';

/**
 * The parsed shape of a file: offsets into the original bytes, nothing copied. Every element knows
 * where its header starts and where it ends (delimiters included), so the writer can copy untouched
 * byte ranges and re-encode only what changed.
 */
export interface ParsedElement {
  readonly tag: Tag;
  /**
   * VR as written in the file (explicit VR) or from the dictionary (implicit VR); 'UN' when unknown.
   * An explicit UN on a tag the dictionary gives a string VR reads as that VR (parseNormalize.ts).
   */
  readonly vr: string;
  /** Offset of the element's first header byte. */
  readonly start: number;
  /** Offset of the first value byte. */
  readonly valueOffset: number;
  /** Value length in bytes; for undefined-length elements the bytes up to (not incl.) the delimiter. */
  readonly length: number;
  /** Offset just after the element, including any sequence delimitation item. */
  readonly end: number;
  readonly undefinedLength: boolean;
  /** Items of a sequence (SQ, or UN holding an implicit-VR sequence); undefined for other elements. */
  readonly items?: readonly ParsedItem[];
  /** Encapsulated pixel data (fragments are copied, never decoded). */
  readonly encapsulated?: boolean;
}

export interface ParsedItem {
  readonly start: number;
  readonly valueOffset: number;
  /** Offset just after the item, including an item delimitation item when the length was undefined. */
  readonly end: number;
  readonly undefinedLength: boolean;
  readonly dataset: ParsedDataset;
  /** Items of a UN element are encoded in implicit VR little endian whatever the transfer syntax. */
  readonly implicitLittleEndian: boolean;
}

export interface ParsedDataset {
  /** Elements in file order. */
  readonly elements: readonly ParsedElement[];
  /** Specific Character Set in force here (inherited from the enclosing dataset unless redefined). */
  readonly characterSets: readonly string[];
}

export interface ParsedFile {
  readonly fileName: string;
  /**
   * The bytes the offsets refer to: the input itself, or for deflated files the input's preamble and
   * meta followed by the inflated dataset.
   */
  readonly bytes: Uint8Array;
  /** 128-byte preamble + `DICM` present. */
  readonly hasPreamble: boolean;
  /** File meta elements (group 0002), always explicit VR little endian; empty for a raw dataset. */
  readonly meta: ParsedDataset;
  /** Offset where the dataset starts (after the meta group). */
  readonly datasetOffset: number;
  readonly dataset: ParsedDataset;
  readonly transferSyntax: TransferSyntax;
  /** Recoverable anomalies found while reading (no values quoted). */
  readonly warnings: readonly string[];
}
