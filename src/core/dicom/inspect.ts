import { lookupTag } from './dictionary';
import type { ParsedDataset, ParsedElement } from './model';
import { parseFile } from './parse';
import { elementOf, formatTag, groupOf, isPrivateCreatorTag, isPrivateTag, makeTag } from './tag';
import { displayValue, readText } from './values';

/** One element as the tag inspector shows it. */
export interface InspectNode {
  /** `(0040,0275)[0]/(0040,0009)`: the same path syntax as a de-identification `Change`. */
  readonly path: string;
  /** `(gggg,eeee)` */
  readonly tag: string;
  /** Dictionary keyword; `PrivateCreator` for a private creator; '' for private data and unknown tags. */
  readonly keyword: string;
  readonly vr: string;
  /** Display text (numbers printed, text decoded, binary summarised); undefined when empty. */
  readonly value?: string;
  /** Value length in bytes as stored. */
  readonly length: number;
  /** For a sequence: one list of elements per item. */
  readonly children?: InspectNode[][];
  /** For a private element (creator included): the creator that reserved its block, when present. */
  readonly privateCreator?: string;
}

/**
 * Every element of a file, file meta group first, as a tree for display. Values are decoded with the
 * character set in force where they sit; private data elements carry the creator of their block
 * (PS3.5 §7.8.1: looked up in the same dataset, never inherited from an enclosing one).
 */
export function inspectElements(bytes: Uint8Array, fileName: string): InspectNode[] {
  const file = parseFile(bytes, fileName);
  const context = { bytes: file.bytes };
  return [
    ...inspectDataset(context, file.meta, '', true),
    ...inspectDataset(context, file.dataset, '', file.transferSyntax.littleEndian),
  ];
}

interface Context {
  readonly bytes: Uint8Array;
}

function inspectDataset(
  context: Context,
  dataset: ParsedDataset,
  prefix: string,
  littleEndian: boolean,
): InspectNode[] {
  const creators = privateCreators(context, dataset);
  return dataset.elements.map((element) => {
    const path = `${prefix}${formatTag(element.tag)}`;
    const privateCreator = isPrivateTag(element.tag)
      ? creators.get(blockCreatorTag(element.tag))
      : undefined;
    const value = isPrivateCreatorTag(element.tag)
      ? privateCreator
      : displayValue(context.bytes, element, dataset.characterSets, littleEndian);
    const children = element.items?.map((item, index) =>
      inspectDataset(
        context,
        item.dataset,
        `${path}[${index}]/`,
        item.implicitLittleEndian ? true : littleEndian,
      ),
    );
    return {
      path,
      tag: formatTag(element.tag),
      keyword: keywordOf(element),
      vr: element.vr,
      ...(value !== undefined && value !== '' ? { value } : {}),
      length: element.length,
      ...(children ? { children } : {}),
      ...(privateCreator !== undefined ? { privateCreator } : {}),
    };
  });
}

function keywordOf(element: ParsedElement): string {
  if (isPrivateCreatorTag(element.tag)) return 'PrivateCreator';
  if (isPrivateTag(element.tag)) return '';
  return lookupTag(element.tag)?.keyword ?? '';
}

/**
 * The creator tag that reserves an element's block: (gggg,00xx) for (gggg,xxee). A creator is its own
 * block's creator; elements (gggg,0001)–(gggg,00FF) outside a block map to a tag with no creator.
 */
function blockCreatorTag(tag: number): number {
  if (isPrivateCreatorTag(tag)) return tag;
  return makeTag(groupOf(tag), elementOf(tag) >>> 8);
}

function privateCreators(context: Context, dataset: ParsedDataset): Map<number, string> {
  const creators = new Map<number, string>();
  for (const element of dataset.elements) {
    if (!isPrivateCreatorTag(element.tag) || element.items) continue;
    // Creators are LO whatever VR an implicit or sloppy file gives them (UN is common).
    const text = readText(context.bytes, { ...element, vr: 'LO' }, dataset.characterSets).trim();
    creators.set(element.tag, text);
  }
  return creators;
}
