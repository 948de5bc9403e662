/**
 * One Content Sequence (0040,A730) holding one item holding the next Content Sequence, `depth`
 * times, around a Text Value: written iteratively, since a recursive builder would itself overflow
 * the stack at 10,000 levels. Little endian, explicit or implicit VR.
 */

export interface NestingOptions {
  readonly explicit: boolean;
  /** Undefined lengths (with their delimiters unless `delimiters` is false) or defined ones. */
  readonly undefinedLength: boolean;
  /** With undefined lengths: false leaves out every delimitation item (the file just ends). */
  readonly delimiters?: boolean;
}

const CONTENT_SEQUENCE = 0x0040a730;
const TEXT_VALUE = 0x0040a160;
const UNDEFINED = 0xffffffff;

export function nestedSequences(depth: number, options: NestingOptions): Uint8Array {
  const { explicit, undefinedLength } = options;
  const delimiters = undefinedLength && options.delimiters !== false;
  const text = Uint8Array.from('DEEP', (c) => c.charCodeAt(0));
  const sequenceHeader = explicit ? 12 : 8;
  const innermost = (explicit ? 12 : 8) + text.length;
  const perLevel = sequenceHeader + 8 + (delimiters ? 16 : 0);

  // Defined lengths, from the inside out: item[k] holds sequence[k + 1] (or the text value).
  const itemLength = new Array<number>(depth);
  let inner = innermost;
  for (let level = depth - 1; level >= 0; level--) {
    itemLength[level] = inner;
    inner = sequenceHeader + 8 + inner + (delimiters ? 16 : 0);
  }

  const out = new Uint8Array(depth * perLevel + innermost);
  const view = new DataView(out.buffer);
  let at = 0;
  const tag = (value: number) => {
    view.setUint16(at, value >>> 16, true);
    view.setUint16(at + 2, value & 0xffff, true);
    at += 4;
  };
  const u32 = (value: number) => {
    view.setUint32(at, value >>> 0, true);
    at += 4;
  };
  const longVr = (vr: string) => {
    out[at] = vr.charCodeAt(0);
    out[at + 1] = vr.charCodeAt(1);
    at += 4; // VR and two reserved zero bytes
  };

  for (let level = 0; level < depth; level++) {
    tag(CONTENT_SEQUENCE);
    if (explicit) longVr('SQ');
    // A defined sequence holds exactly one item: its header and content.
    u32(undefinedLength ? UNDEFINED : 8 + itemLength[level]!);
    tag(0xfffee000);
    u32(undefinedLength ? UNDEFINED : itemLength[level]!);
  }
  tag(TEXT_VALUE);
  if (explicit) longVr('UT');
  u32(text.length);
  out.set(text, at);
  at += text.length;
  if (delimiters) {
    for (let level = 0; level < depth; level++) {
      tag(0xfffee00d);
      u32(0);
      tag(0xfffee0dd);
      u32(0);
    }
  }
  return out.subarray(0, at);
}
