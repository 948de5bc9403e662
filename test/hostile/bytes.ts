/** Byte surgery for the hostile corpus: a seeded generator, cuts, splices and length patches. */

/** mulberry32: tiny, fast and the same on every machine, so the corpus regenerates bit for bit. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** An integer in [min, max] from `random`. */
export const randomInt = (random: () => number, min: number, max: number): number =>
  min + Math.floor(random() * (max - min + 1));

export const cut = (bytes: Uint8Array, length: number): Uint8Array =>
  Uint8Array.from(bytes.subarray(0, length));

/** A copy with `count` bytes at `at` replaced by `insert`. */
export function splice(
  bytes: Uint8Array,
  at: number,
  count: number,
  insert: Uint8Array = new Uint8Array(0),
): Uint8Array {
  const out = new Uint8Array(bytes.length - count + insert.length);
  out.set(bytes.subarray(0, at), 0);
  out.set(insert, at);
  out.set(bytes.subarray(at + count), at + insert.length);
  return out;
}

/** A copy with a 16- or 32-bit number written at `at`. */
export function patch(
  bytes: Uint8Array,
  at: number,
  size: 2 | 4,
  value: number,
  littleEndian = true,
): Uint8Array {
  const out = Uint8Array.from(bytes);
  const view = new DataView(out.buffer);
  if (size === 2) view.setUint16(at, value, littleEndian);
  else view.setUint32(at, value >>> 0, littleEndian);
  return out;
}

/** A copy with `count` random bytes overwritten at random offsets in [from, to). */
export function flip(
  bytes: Uint8Array,
  random: () => number,
  count: number,
  from = 0,
  to = bytes.length,
): { bytes: Uint8Array; offsets: number[] } {
  const out = Uint8Array.from(bytes);
  const offsets: number[] = [];
  for (let i = 0; i < count; i++) {
    const at = randomInt(random, from, to - 1);
    // XOR with 1..255 so that every flip really changes the byte.
    out[at] = out[at]! ^ randomInt(random, 1, 255);
    offsets.push(at);
  }
  return { bytes: out, offsets: offsets.sort((a, b) => a - b) };
}
