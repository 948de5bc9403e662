/**
 * A tag is one unsigned 32-bit number, group in the high half: (0010,0010) is 0x00100010.
 * Numbers compare and sort in file order and cost nothing to hash; strings are made only for people.
 */
export type Tag = number;

export const makeTag = (group: number, element: number): Tag =>
  (((group & 0xffff) << 16) | (element & 0xffff)) >>> 0;
export const groupOf = (tag: Tag): number => tag >>> 16;
export const elementOf = (tag: Tag): number => tag & 0xffff;
export const isPrivateTag = (tag: Tag): boolean => (groupOf(tag) & 1) === 1;
/** (gggg,0010)–(gggg,00FF) in an odd group: the Private Creator that reserves block xx. */
export const isPrivateCreatorTag = (tag: Tag): boolean =>
  isPrivateTag(tag) && elementOf(tag) >= 0x10 && elementOf(tag) <= 0xff;
export const isGroupLengthTag = (tag: Tag): boolean => elementOf(tag) === 0;

const hex4 = (n: number): string => n.toString(16).toUpperCase().padStart(4, '0');

/** Formatted tags, kept: a batch meets the same few hundred tags in every file. */
const formatted = new Map<Tag, string>();

/** `(0010,0010)` */
export function formatTag(tag: Tag): string {
  let text = formatted.get(tag);
  if (text === undefined) {
    text = `(${hex4(groupOf(tag))},${hex4(elementOf(tag))})`;
    // Hostile files can hold millions of distinct private tags: bound the cache, never the tags.
    if (formatted.size >= 65_536) formatted.clear();
    formatted.set(tag, text);
  }
  return text;
}

/** dicom-parser keys elements as `x00100010`. */
export const toParserKey = (tag: Tag): string => `x${tag.toString(16).padStart(8, '0')}`;
/** Reads the 8 hex digits by hand: every element of every parse goes through here. */
export function fromParserKey(key: string): Tag {
  let tag = 0;
  for (let i = 1; i < 9; i++) {
    const c = key.charCodeAt(i);
    const digit = c <= 0x39 ? c - 0x30 : (c | 0x20) - 0x57;
    if (digit < 0 || digit > 15 || Number.isNaN(c)) return parseInt(key.slice(1), 16) >>> 0;
    tag = tag * 16 + digit;
  }
  return tag >>> 0;
}

const TAG_FORMS = [
  /^\(([0-9a-f]{4}),([0-9a-f]{4})\)$/i,
  /^([0-9a-f]{4}),?([0-9a-f]{4})$/i,
  /^x([0-9a-f]{4})([0-9a-f]{4})$/i,
];

/** Parses `(0010,0010)`, `0010,0010`, `00100010` or `x00100010`; undefined when it is none of these. */
export function parseTag(text: string): Tag | undefined {
  const trimmed = text.trim();
  for (const form of TAG_FORMS) {
    const match = form.exec(trimmed);
    if (match) return makeTag(parseInt(match[1]!, 16), parseInt(match[2]!, 16));
  }
  return undefined;
}
