import { crc32 } from 'node:zlib';
import { ascii, concat, u16, u32 } from '../support/bytes';

/**
 * Decompression bombs, written bit by bit so that they are tiny to generate and identical on every
 * machine (no dependence on a zlib version's choices).
 *
 * The deflate stream is one dynamic-Huffman block (RFC 1951 §3.2.7) whose code gives the
 * length-258 symbol (285) and distance code 0 (distance 1) one bit each: after a literal zero byte,
 * every further 258 zeros cost 2 bits, deflate's best ratio (~1032:1). The body is all-zero bits,
 * so 1 GiB of output takes ~1 MB.
 */

class BitWriter {
  private readonly bytes: Uint8Array;
  private bit = 0;
  constructor(capacity: number) {
    this.bytes = new Uint8Array(capacity);
  }
  /** `count` bits of `value`, least significant first (header fields and extra bits). */
  bits(value: number, count: number): this {
    for (let i = 0; i < count; i++) this.put((value >>> i) & 1);
    return this;
  }
  /** A Huffman code, most significant bit first (RFC 1951 §3.1.1). */
  code(text: string): this {
    for (const c of text) this.put(c === '1' ? 1 : 0);
    return this;
  }
  /** Zero bits: the array is already zero, so only the position moves. */
  zeros(count: number): this {
    this.bit += count;
    return this;
  }
  private put(bit: number): void {
    if (bit) this.bytes[this.bit >>> 3]! |= 1 << (this.bit & 7);
    this.bit++;
  }
  done(): Uint8Array {
    return this.bytes.slice(0, (this.bit + 7) >>> 3);
  }
}

/** A raw deflate stream of `1 + 258 * copies` zero bytes. */
export function deflateZeros(copies: number): Uint8Array {
  const w = new BitWriter(64 + Math.ceil((copies * 2) / 8));
  w.bits(1, 1).bits(2, 2); // final block, dynamic Huffman
  w.bits(286 - 257, 5)
    .bits(2 - 1, 5)
    .bits(18 - 4, 4); // HLIT (up to 285), HDIST (2), HCLEN (18)
  // Code-length code lengths in the order 16,17,18,0,8,7,9,6,10,5,11,4,12,3,13,2,14,1:
  // symbol 18 (run of zeros) gets 1 bit, symbols 2 and 1 get 2 bits.
  for (const length of [0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2, 0, 2]) w.bits(length, 3);
  const CL18 = '0';
  const CL1 = '10';
  const CL2 = '11';
  // Literal/length lengths: 0 → 2, 1–255 → 0, 256 → 2, 257–284 → 0, 285 → 1; distances 0, 1 → 1.
  w.code(CL2);
  w.code(CL18).bits(138 - 11, 7);
  w.code(CL18).bits(117 - 11, 7);
  w.code(CL2);
  w.code(CL18).bits(28 - 11, 7);
  w.code(CL1).code(CL1).code(CL1);
  // Canonical codes: 285 → '0', literal 0 → '10', end of block → '11'; distance 0 → '0'.
  w.code('10');
  w.zeros(copies * 2);
  w.code('11');
  return w.done();
}

/** Copies of 258 needed for at least `size` bytes. */
export const copiesFor = (size: number): number => Math.ceil((size - 1) / 258);
export const inflatedSize = (copies: number): number => 1 + 258 * copies;

/** CRC-32 of `size` zero bytes, fed through a reused zero buffer. */
function crc32OfZeros(size: number): number {
  const block = new Uint8Array(16 * 1024 * 1024);
  let crc = 0;
  for (let left = size; left > 0; left -= block.length) {
    crc = crc32(left >= block.length ? block : block.subarray(0, left), crc);
  }
  return crc;
}

/** Fixed DOS date and time (1 Jan 2024, 00:00) so the archive never depends on the clock. */
const DOS_TIME = 0;
const DOS_DATE = ((2024 - 1980) << 9) | (1 << 5) | 1;

/**
 * A zip whose `entries` central-directory records all point at one local entry (the overlapping
 * construction of D. Fifield's "better zip bomb"): each entry inflates to `1 + 258 * copies` zero
 * bytes, so the archive expands to `entries` times that from one shared deflate stream.
 */
export function zipBomb(copies: number, entries: number): Uint8Array {
  const data = deflateZeros(copies);
  const size = inflatedSize(copies);
  if (size > 0xfffffffe) throw new Error('zipBomb: one entry must stay under 4 GiB (no Zip64)');
  const crc = crc32OfZeros(size);
  const common = (name: Uint8Array) =>
    concat(
      u16(20), // version needed: 2.0 (deflate)
      u16(0), // flags
      u16(8), // method: deflate
      u16(DOS_TIME),
      u16(DOS_DATE),
      u32(crc),
      u32(data.length),
      u32(size),
      u16(name.length),
      u16(0), // extra field length
    );
  const firstName = ascii('zeros-1.bin');
  const local = concat(u32(0x04034b50), common(firstName), firstName, data);
  const central: Uint8Array[] = [];
  for (let i = 1; i <= entries; i++) {
    const name = ascii(`zeros-${i}.bin`);
    central.push(
      concat(
        u32(0x02014b50),
        u16(20), // version made by
        common(name),
        u16(0), // comment length
        u16(0), // disk number
        u16(0), // internal attributes
        u32(0), // external attributes
        u32(0), // local header offset: every entry shares the one at 0
        name,
      ),
    );
  }
  const directory = concat(...central);
  const end = concat(
    u32(0x06054b50),
    u16(0),
    u16(0),
    u16(entries),
    u16(entries),
    u32(directory.length),
    u32(local.length),
    u16(0),
  );
  return concat(local, directory, end);
}
