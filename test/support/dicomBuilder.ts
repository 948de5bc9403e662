import { deflateRawSync } from 'node:zlib';
import { makeTag, type Tag } from '../../src/core/dicom/tag';
import { ByteSink } from './byteSink';
import {
  LONG_LENGTH_VRS,
  encodeBinary,
  encodeNumbers,
  encodeString,
  padEven,
  type BinaryData,
  type NumericVR,
} from './encodeValue';
import { TS, layoutOf, type TransferSyntaxLayout } from './transferSyntax';

/**
 * Writes DICOM bytes for tests. Elements come out in the order they are added (call `sort()` for
 * file order), the caller names every VR (no dictionary), and every length can be overridden or
 * raw bytes inserted, so the same builder makes both well-formed and hostile inputs.
 *
 *   const bytes = dicomFile(TS.explicitLE)
 *     .str(0x00100010, 'PN', 'DOE^JANE')
 *     .seq(0x00081110, [(i) => i.str(0x00081155, 'UI', '1.2.3')], { length: 'undefined' })
 *     .privateBlock(0x0009, 0x10, 'ACME 1.0', (p) => p.str(0x01, 'LO', 'x'))
 *     .build();
 */

export type Length = 'defined' | 'undefined';

export const ITEM_TAG = 0xfffee000;
export const ITEM_DELIMITER_TAG = 0xfffee00d;
export const SEQUENCE_DELIMITER_TAG = 0xfffee0dd;
export const UNDEFINED_LENGTH = 0xffffffff;

/** A made-up implementation identity under the UUID arc 2.25, so it clashes with nobody's root. */
export const TEST_IMPLEMENTATION_CLASS_UID = '2.25.163349410584914473312146049924395806208';
export const TEST_IMPLEMENTATION_VERSION = 'VEIL_TEST_1';

export interface ElementOptions {
  /** Written in the header instead of the true length: for wrong-length and 0xFFFFFFFF tests. */
  readonly declaredLength?: number;
}

export interface StringOptions extends ElementOptions {
  /** Encode as UTF-8 (for ISO_IR 192 tests); the default is Latin-1. */
  readonly utf8?: boolean;
}

export interface BinaryOptions extends ElementOptions {
  /** Pad an odd-length value with one NUL (default true). */
  readonly pad?: boolean;
}

export interface SequenceOptions extends ElementOptions {
  /** Sequence length; default 'defined'. */
  readonly length?: Length;
  /** Default length of items that do not say; default 'defined'. */
  readonly itemLength?: Length;
  /**
   * 'UN' writes an undefined-length UN element whose items are implicit VR little endian whatever
   * the file's transfer syntax (PS3.5 6.2.2), as a re-encoded private sequence looks.
   */
  readonly vr?: 'SQ' | 'UN';
}

export type ItemBuild = (item: DatasetBuilder) => void;

export interface ItemSpec extends ElementOptions {
  readonly build: ItemBuild;
  readonly length?: Length;
}

/** An item with its own length choice: `item((i) => …, { length: 'undefined' })`. */
export const item = (build: ItemBuild, options: Omit<ItemSpec, 'build'> = {}): ItemSpec => ({
  build,
  ...options,
});

export interface FragmentOptions {
  /** Basic Offset Table: computed ('auto', the default), empty, or given (possibly wrong) offsets. */
  readonly offsets?: 'auto' | 'empty' | readonly number[];
}

type BuilderNode =
  | {
      readonly kind: 'value';
      readonly tag: Tag;
      readonly vr: string;
      readonly encode: (littleEndian: boolean) => Uint8Array;
      readonly declaredLength: number | undefined;
      /** The string given, so the file meta can copy SOP Class/Instance UIDs. */
      readonly text?: string;
    }
  | {
      readonly kind: 'sequence';
      readonly tag: Tag;
      readonly vr: 'SQ' | 'UN';
      readonly items: readonly {
        readonly dataset: DatasetBuilder;
        readonly length: Length;
        readonly declaredLength: number | undefined;
      }[];
      readonly length: Length;
      readonly declaredLength: number | undefined;
    }
  | {
      readonly kind: 'fragments';
      readonly tag: Tag;
      readonly fragments: readonly Uint8Array[];
      readonly offsets: FragmentOptions['offsets'];
    }
  | { readonly kind: 'pixels'; readonly tag: Tag; readonly frames: readonly BinaryData[] }
  | { readonly kind: 'raw'; readonly bytes: Uint8Array; readonly sortTag: Tag | undefined };

const IMPLICIT_LE = layoutOf(TS.implicitLE);
const EXPLICIT_LE = layoutOf(TS.explicitLE);

export class DatasetBuilder {
  /** Shared with private-block views, so their elements land in this dataset, in call order. */
  protected readonly nodes: BuilderNode[];
  private readonly tagOf: (tag: Tag) => Tag;

  constructor(nodes: BuilderNode[] = [], tagOf: (tag: Tag) => Tag = (tag) => tag) {
    this.nodes = nodes;
    this.tagOf = tagOf;
  }

  /** A string element; several values are joined with `\`. */
  str(tag: Tag, vr: string, value: string | readonly string[], options: StringOptions = {}): this {
    const text = typeof value === 'string' ? value : value.join('\\');
    const bytes = encodeString(vr, text, options.utf8);
    return this.push({
      kind: 'value',
      tag: this.tagOf(tag),
      vr,
      encode: () => bytes,
      declaredLength: options.declaredLength,
      text,
    });
  }

  num(
    tag: Tag,
    vr: NumericVR,
    value: number | bigint | readonly (number | bigint)[],
    options: ElementOptions = {},
  ): this {
    const values = typeof value === 'number' || typeof value === 'bigint' ? [value] : value;
    return this.push({
      kind: 'value',
      tag: this.tagOf(tag),
      vr,
      encode: (le) => encodeNumbers(vr, values, le),
      declaredLength: options.declaredLength,
    });
  }

  /** An AT element: each tag is written as two 16-bit words, group first. */
  at(tag: Tag, value: Tag | readonly Tag[], options: ElementOptions = {}): this {
    const tags = typeof value === 'number' ? [value] : value;
    const words = tags.flatMap((t) => [t >>> 16, t & 0xffff]);
    return this.push({
      kind: 'value',
      tag: this.tagOf(tag),
      vr: 'AT',
      encode: (le) => encodeNumbers('US', words, le),
      declaredLength: options.declaredLength,
    });
  }

  /**
   * Any value as bytes (OB, UN, or a text VR holding bytes in a specific character set); wider
   * typed arrays (OW/OL/OF/OD) are swapped word by word in big-endian files.
   */
  bin(tag: Tag, vr: string, data: BinaryData, options: BinaryOptions = {}): this {
    return this.push({
      kind: 'value',
      tag: this.tagOf(tag),
      vr,
      encode: (le) => {
        const bytes = encodeBinary(data, le);
        return options.pad === false ? bytes : padEven(bytes, 0);
      },
      declaredLength: options.declaredLength,
    });
  }

  seq(tag: Tag, items: readonly (ItemBuild | ItemSpec)[], options: SequenceOptions = {}): this {
    const built = items.map((input) => {
      const spec: ItemSpec = typeof input === 'function' ? { build: input } : input;
      const dataset = new DatasetBuilder();
      spec.build(dataset);
      return {
        dataset,
        length: spec.length ?? options.itemLength ?? 'defined',
        declaredLength: spec.declaredLength,
      };
    });
    const vr = options.vr ?? 'SQ';
    return this.push({
      kind: 'sequence',
      tag: this.tagOf(tag),
      vr,
      items: built,
      length: vr === 'UN' ? 'undefined' : (options.length ?? 'defined'),
      declaredLength: options.declaredLength,
    });
  }

  /**
   * Private creator (gggg,00bb) = creator, then `build` adds elements by their offset EE, written
   * as (gggg,bbEE).
   */
  privateBlock(group: number, block: number, creator: string, build: ItemBuild): this {
    if ((group & 1) === 0) throw new Error(`privateBlock: group ${group} is not odd`);
    if (block < 0x10 || block > 0xff) throw new Error(`privateBlock: block ${block} not in 10..FF`);
    this.push({
      kind: 'value',
      tag: makeTag(group, block),
      vr: 'LO',
      encode: () => encodeString('LO', creator),
      declaredLength: undefined,
      text: creator,
    });
    build(
      new DatasetBuilder(this.nodes, (offset) => {
        if (offset < 0 || offset > 0xff) throw new Error(`privateBlock: offset ${offset} > FF`);
        return makeTag(group, (block << 8) | offset);
      }),
    );
    return this;
  }

  /** An encapsulated (undefined-length OB) value: offset table item, then one item per fragment. */
  fragments(tag: Tag, fragments: readonly Uint8Array[], options: FragmentOptions = {}): this {
    return this.push({
      kind: 'fragments',
      tag: this.tagOf(tag),
      fragments,
      offsets: options.offsets ?? 'auto',
    });
  }

  /**
   * (7FE0,0010) as the transfer syntax wants it: native frames are concatenated (OW for 16-bit
   * arrays, OB for bytes); in an encapsulated syntax each frame becomes one fragment.
   */
  pixelData(frames: readonly BinaryData[]): this {
    return this.push({ kind: 'pixels', tag: 0x7fe00010, frames });
  }

  /** Bytes written verbatim; `sortTag` says where `sort()` puts them (default: last). */
  raw(bytes: Uint8Array, sortTag?: Tag): this {
    return this.push({ kind: 'raw', bytes, sortTag });
  }

  /** Stable sort by tag, into every item. */
  sort(): this {
    const key = (node: BuilderNode): number =>
      node.kind === 'raw' ? (node.sortTag ?? Number.POSITIVE_INFINITY) : node.tag;
    this.nodes.sort((a, b) => key(a) - key(b));
    for (const node of this.nodes) {
      if (node.kind === 'sequence') for (const it of node.items) it.dataset.sort();
    }
    return this;
  }

  /** The string value of a top-level element added with `str`, if any. */
  textOf(tag: Tag): string | undefined {
    for (const node of this.nodes) {
      if (node.kind === 'value' && node.tag === tag && node.text !== undefined) return node.text;
    }
    return undefined;
  }

  /** The dataset alone (no preamble, no meta, not deflated) in the layout of `transferSyntax`. */
  encode(transferSyntax: string): Uint8Array {
    const sink = new ByteSink();
    writeNodes(sink, this.nodes, layoutOf(transferSyntax));
    return sink.toUint8Array();
  }

  /** @internal for the encoder: the nodes of an item. */
  nodesForEncoding(): readonly BuilderNode[] {
    return this.nodes;
  }

  private push(node: BuilderNode): this {
    this.nodes.push(node);
    return this;
  }
}

export interface FileOptions {
  readonly transferSyntax: string;
  /** 128 zero bytes and `DICM`; default: whenever there is a file meta. */
  readonly preamble?: boolean;
  /** The (0002) group; false writes a bare dataset, as some old archives hold. Default true. */
  readonly meta?: boolean;
  /** Default: the dataset's SOPClassUID (0008,0016), omitted if none. */
  readonly mediaStorageSopClassUid?: string;
  /** Default: the dataset's SOPInstanceUID (0008,0018), omitted if none. */
  readonly mediaStorageSopInstanceUid?: string;
  /** null omits it (it is Type 1, so that is a broken meta). */
  readonly implementationClassUid?: string | null;
  readonly implementationVersionName?: string;
  readonly sourceApplicationEntityTitle?: string;
  /** Written in (0002,0010) instead of the real one: a file that lies about its encoding. */
  readonly declaredTransferSyntax?: string;
  /** Written in (0002,0000) instead of the true group length. */
  readonly metaGroupLength?: number;
}

/** A whole Part 10 file: preamble, file meta (explicit VR LE, group length computed), dataset. */
export class DicomFileBuilder extends DatasetBuilder {
  private readonly options: FileOptions;
  private readonly extraMeta = new DatasetBuilder();

  constructor(options: FileOptions) {
    super();
    this.options = options;
  }

  /** Adds elements after the standard (0002) ones, e.g. (0002,0100) or a broken one. */
  fileMeta(build: ItemBuild): this {
    build(this.extraMeta);
    return this;
  }

  build(): Uint8Array {
    const { transferSyntax } = this.options;
    const layout = layoutOf(transferSyntax);
    let dataset = this.encode(transferSyntax);
    // PS3.5 A.5: the deflated stream is padded to an even length with one NUL.
    if (layout.deflated) dataset = padEven(new Uint8Array(deflateRawSync(dataset)), 0);
    const withMeta = this.options.meta ?? true;
    const sink = new ByteSink();
    if (this.options.preamble ?? withMeta) sink.bytes(new Uint8Array(128)).ascii('DICM');
    if (withMeta) sink.bytes(this.encodeMeta());
    return sink.bytes(dataset).toUint8Array();
  }

  private encodeMeta(): Uint8Array {
    const o = this.options;
    const meta = new DatasetBuilder();
    meta.bin(0x00020001, 'OB', new Uint8Array([0, 1]));
    const sopClass = o.mediaStorageSopClassUid ?? this.textOf(0x00080016);
    const sopInstance = o.mediaStorageSopInstanceUid ?? this.textOf(0x00080018);
    if (sopClass !== undefined) meta.str(0x00020002, 'UI', sopClass);
    if (sopInstance !== undefined) meta.str(0x00020003, 'UI', sopInstance);
    meta.str(0x00020010, 'UI', o.declaredTransferSyntax ?? o.transferSyntax);
    const implementation =
      o.implementationClassUid === undefined
        ? TEST_IMPLEMENTATION_CLASS_UID
        : o.implementationClassUid;
    if (implementation !== null) meta.str(0x00020012, 'UI', implementation);
    meta.str(0x00020013, 'SH', o.implementationVersionName ?? TEST_IMPLEMENTATION_VERSION);
    if (o.sourceApplicationEntityTitle !== undefined) {
      meta.str(0x00020016, 'AE', o.sourceApplicationEntityTitle);
    }
    const body = new ByteSink();
    writeNodes(body, meta.nodesForEncoding(), EXPLICIT_LE);
    writeNodes(body, this.extraMeta.nodesForEncoding(), EXPLICIT_LE);
    const head = new ByteSink();
    writeHeader(head, 0x00020000, 'UL', 4, EXPLICIT_LE);
    head.u32(o.metaGroupLength ?? body.length, true);
    return head.bytes(body.toUint8Array()).toUint8Array();
  }
}

export const dicomFile = (
  transferSyntax: string,
  options: Omit<FileOptions, 'transferSyntax'> = {},
): DicomFileBuilder => new DicomFileBuilder({ ...options, transferSyntax });

function writeHeader(
  sink: ByteSink,
  tag: Tag,
  vr: string,
  length: number,
  layout: TransferSyntaxLayout,
): void {
  const le = layout.littleEndian;
  sink.u16(tag >>> 16, le).u16(tag & 0xffff, le);
  if (!layout.explicitVR) {
    sink.u32(length, le);
  } else if (LONG_LENGTH_VRS.has(vr)) {
    sink.ascii(vr).u16(0, le).u32(length, le);
  } else {
    if (length > 0xffff) throw new Error(`writeHeader: ${vr} length ${length} needs 32 bits`);
    sink.ascii(vr).u16(length, le);
  }
}

/** Item and delimiter tags never carry a VR, in any transfer syntax. */
function writeItemHeader(sink: ByteSink, tag: Tag, length: number, le: boolean): void {
  sink
    .u16(tag >>> 16, le)
    .u16(tag & 0xffff, le)
    .u32(length, le);
}

function writeNodes(
  sink: ByteSink,
  nodes: readonly BuilderNode[],
  layout: TransferSyntaxLayout,
): void {
  const le = layout.littleEndian;
  for (const node of nodes) {
    switch (node.kind) {
      case 'value': {
        const value = node.encode(le);
        writeHeader(sink, node.tag, node.vr, node.declaredLength ?? value.length, layout);
        sink.bytes(value);
        break;
      }
      case 'sequence': {
        const inner = node.vr === 'UN' ? IMPLICIT_LE : layout;
        const body = new ByteSink();
        for (const it of node.items) {
          const content = new ByteSink();
          writeNodes(content, it.dataset.nodesForEncoding(), inner);
          const undefinedLength = it.length === 'undefined';
          const length = it.declaredLength ?? (undefinedLength ? UNDEFINED_LENGTH : content.length);
          writeItemHeader(body, ITEM_TAG, length, inner.littleEndian);
          body.bytes(content.toUint8Array());
          if (undefinedLength) writeItemHeader(body, ITEM_DELIMITER_TAG, 0, inner.littleEndian);
        }
        const undefinedLength = node.length === 'undefined';
        if (undefinedLength) writeItemHeader(body, SEQUENCE_DELIMITER_TAG, 0, inner.littleEndian);
        const length = node.declaredLength ?? (undefinedLength ? UNDEFINED_LENGTH : body.length);
        writeHeader(sink, node.tag, node.vr, length, layout);
        sink.bytes(body.toUint8Array());
        break;
      }
      case 'fragments':
        writeFragments(sink, node.tag, node.fragments, node.offsets, layout);
        break;
      case 'pixels': {
        const frames = node.frames;
        if (layout.encapsulated) {
          const bytes = frames.map((f) => encodeBinary(f, true));
          writeFragments(sink, node.tag, bytes, 'auto', layout);
          break;
        }
        const vr = frames[0] instanceof Uint8Array ? 'OB' : 'OW';
        const parts = frames.map((f) => encodeBinary(f, le));
        const total = parts.reduce((n, p) => n + p.length, 0);
        writeHeader(sink, node.tag, vr, total + (total % 2), layout);
        for (const part of parts) sink.bytes(part);
        if (total % 2 === 1) sink.bytes(new Uint8Array(1));
        break;
      }
      case 'raw':
        sink.bytes(node.bytes);
        break;
    }
  }
}

/** PS3.5 A.4: fragments are even-length items; offsets count from the first fragment's item tag. */
function writeFragments(
  sink: ByteSink,
  tag: Tag,
  fragments: readonly Uint8Array[],
  offsets: FragmentOptions['offsets'],
  layout: TransferSyntaxLayout,
): void {
  const le = layout.littleEndian;
  const padded = fragments.map((f) => padEven(f, 0));
  let table: readonly number[] = [];
  if (offsets === 'auto') {
    let at = 0;
    table = padded.map((f) => {
      const start = at;
      at += 8 + f.length;
      return start;
    });
  } else if (offsets !== undefined && offsets !== 'empty') {
    table = offsets;
  }
  writeHeader(sink, tag, 'OB', UNDEFINED_LENGTH, layout);
  writeItemHeader(sink, ITEM_TAG, table.length * 4, le);
  for (const offset of table) sink.u32(offset, le);
  for (const fragment of padded) {
    writeItemHeader(sink, ITEM_TAG, fragment.length, le);
    sink.bytes(fragment);
  }
  writeItemHeader(sink, SEQUENCE_DELIMITER_TAG, 0, le);
}
