import { sha256 } from '@noble/hashes/sha2.js';

/**
 * Every keyed derivation: HMAC-SHA-256 under the project key, with a domain label per purpose so
 * that a UID, a pseudonym and a date offset derived from the same input are unrelated. Same key and
 * input give the same output on any machine and in any batch; without the key a guess cannot be
 * confirmed (unlike the unkeyed hashing some tools use).
 */
export class KeyedDeriver {
  private readonly hmac: Hmac;
  private readonly encoder = new TextEncoder();
  private readonly uidCache = new Map<string, string>();

  constructor(keyBytes: Uint8Array) {
    this.hmac = new Hmac(keyBytes);
  }

  mac(domain: string, message: string): Uint8Array {
    return this.hmac.digest(this.encoder.encode(`veil:${domain}\u0000${message}`));
  }

  /**
   * `2.25.` followed by the decimal form of 128 bits (PS3.5 §B.2): at most 44 characters, no leading
   * zeros, valid wherever a UID is. Cached: a series shares its study and series UIDs.
   */
  uid(original: string): string {
    const cached = this.uidCache.get(original);
    if (cached !== undefined) return cached;
    const mac = this.mac('uid', original);
    let value = 0n;
    for (let i = 0; i < 16; i++) value = (value << 8n) | BigInt(mac[i]!);
    const uid = `2.25.${value.toString()}`;
    if (this.uidCache.size > 100_000) this.uidCache.clear();
    this.uidCache.set(original, uid);
    return uid;
  }

  /** A pseudonym such as `ANON-7K3QX9D2MF`: the prefix then 10 Crockford base-32 characters (50 bits). */
  pseudonym(prefix: string, patientKey: string): string {
    return this.cached(
      `p:${prefix}:${patientKey}`,
      () => `${prefix}-${base32(this.mac('pseudonym', patientKey), 10)}`,
    );
  }

  private readonly textCache = new Map<string, string>();
  private cached(key: string, derive: () => string): string {
    const hit = this.textCache.get(key);
    if (hit !== undefined) return hit;
    const value = derive();
    if (this.textCache.size > 100_000) this.textCache.clear();
    this.textCache.set(key, value);
    return value;
  }

  /** A whole number of days in [-maxDays, -1]: dates move into the past, never to the same day. */
  dateOffsetDays(patientKey: string, maxDays: number): number {
    const days = this.cached(`d:${maxDays}:${patientKey}`, () => {
      const mac = this.mac('date-offset', patientKey);
      const n = ((mac[0]! << 24) | (mac[1]! << 16) | (mac[2]! << 8) | mac[3]!) >>> 0;
      return String(-(1 + (n % Math.max(1, maxDays))));
    });
    return Number(days);
  }

  /** A keyed hash of a value for the `hash` custom action: upper-case hex, `length` characters. */
  hashText(domain: string, value: string, length: number): string {
    const hex = Array.from(this.mac(`hash:${domain}`, value), (b) =>
      b.toString(16).padStart(2, '0'),
    ).join('');
    return hex.slice(0, Math.max(1, Math.min(length, hex.length))).toUpperCase();
  }
}

const BLOCK = 64;

/**
 * HMAC-SHA-256 (RFC 2104) over one-shot SHA-256 calls: the padded keys are made once, and each MAC
 * hashes `ipad ‖ message`, then `opad ‖ inner`. Cloning a keyed hash state per message (as a
 * generic HMAC object does) cost more than the two hashes themselves; a batch makes one per file.
 */
class Hmac {
  private readonly inner: Uint8Array;
  private readonly outer = new Uint8Array(BLOCK + 32);

  constructor(key: Uint8Array) {
    const block = new Uint8Array(BLOCK);
    block.set(key.length > BLOCK ? sha256(key) : key);
    this.inner = new Uint8Array(BLOCK);
    for (let i = 0; i < BLOCK; i++) {
      this.inner[i] = block[i]! ^ 0x36;
      this.outer[i] = block[i]! ^ 0x5c;
    }
  }

  digest(message: Uint8Array): Uint8Array {
    const first = new Uint8Array(BLOCK + message.length);
    first.set(this.inner);
    first.set(message, BLOCK);
    this.outer.set(sha256(first), BLOCK);
    return sha256(this.outer);
  }
}

const CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

function base32(bytes: Uint8Array, characters: number): string {
  let out = '';
  let buffer = 0;
  let bits = 0;
  for (const byte of bytes) {
    buffer = (buffer << 8) | byte;
    bits += 8;
    while (bits >= 5 && out.length < characters) {
      out += CROCKFORD[(buffer >>> (bits - 5)) & 31];
      bits -= 5;
    }
    buffer &= (1 << bits) - 1;
    if (out.length >= characters) break;
  }
  return out;
}
