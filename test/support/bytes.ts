/** Bytes written by hand, for tests that fake what the builder will not (any VR, any length). */

export const ascii = (text: string): Uint8Array => Uint8Array.from(text, (c) => c.charCodeAt(0));

export function concat(...parts: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}

/** Little-endian 16- and 32-bit numbers as bytes. */
export const u16 = (value: number): Uint8Array =>
  new Uint8Array([value & 0xff, (value >>> 8) & 0xff]);
export const u32 = (value: number): Uint8Array =>
  new Uint8Array([
    value & 0xff,
    (value >>> 8) & 0xff,
    (value >>> 16) & 0xff,
    (value >>> 24) & 0xff,
  ]);

const tagBytes = (tag: number): Uint8Array => concat(u16(tag >>> 16), u16(tag & 0xffff));

/** An explicit VR little endian element; `long` for the 12-byte header, `length` to lie about it. */
export function explicitElement(
  tag: number,
  vr: string,
  value: Uint8Array,
  options: { long?: boolean; length?: number } = {},
): Uint8Array {
  const length = options.length ?? value.length;
  const head = concat(tagBytes(tag), ascii(vr));
  return options.long ? concat(head, u16(0), u32(length), value) : concat(head, u16(length), value);
}

/** An implicit VR little endian element (or, with tag FFFE,E000, an item): tag, 32-bit length, value. */
export const implicitElement = (
  tag: number,
  value: Uint8Array,
  length = value.length,
): Uint8Array => concat(tagBytes(tag), u32(length), value);
