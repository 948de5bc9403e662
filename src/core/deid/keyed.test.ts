import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { KeyedDeriver } from './keyed';

const keyA = new Uint8Array(32).fill(7);
const keyB = new Uint8Array(32).fill(8);

describe('keyed derivations', () => {
  it('computes HMAC-SHA-256 exactly as OpenSSL (node:crypto) does, for short, block-sized and long keys', () => {
    const keys = [
      keyA,
      new Uint8Array(64).fill(0xa5),
      Uint8Array.from({ length: 131 }, (_, i) => i),
    ];
    const messages = ['', '1.2.3.4', 'id:PAT001', 'Ünïcødé ^ 名前', 'x'.repeat(200)];
    for (const key of keys) {
      const deriver = new KeyedDeriver(key);
      for (const message of messages) {
        const expected = createHmac('sha256', key)
          .update(`veil:uid\u0000${message}`, 'utf8')
          .digest();
        expect(Buffer.from(deriver.mac('uid', message)).equals(expected)).toBe(true);
      }
    }
  });

  it('makes valid 2.25 UIDs of at most 64 characters, the same for the same key and input', () => {
    const a = new KeyedDeriver(keyA);
    const uid = a.uid('1.2.840.113619.2.55.3.604688119.969.1268071029.320');
    expect(uid).toMatch(/^2\.25\.(0|[1-9]\d*)$/);
    expect(uid.length).toBeLessThanOrEqual(64);
    expect(BigInt(uid.slice(5))).toBeLessThan(2n ** 128n);
    expect(
      new KeyedDeriver(Uint8Array.from(keyA)).uid(
        '1.2.840.113619.2.55.3.604688119.969.1268071029.320',
      ),
    ).toBe(uid);
    expect(
      new KeyedDeriver(keyB).uid('1.2.840.113619.2.55.3.604688119.969.1268071029.320'),
    ).not.toBe(uid);
    expect(a.uid('1.2.3.4')).not.toBe(uid);
  });

  it('separates purposes: a pseudonym and an offset from the same input are unrelated', () => {
    const a = new KeyedDeriver(keyA);
    const pseudonym = a.pseudonym('ANON', 'id:PAT001');
    expect(pseudonym).toMatch(/^ANON-[0-9A-HJKMNP-TV-Z]{10}$/);
    expect(a.pseudonym('ANON', 'id:PAT001')).toBe(pseudonym);
    expect(a.pseudonym('ANON', 'id:PAT002')).not.toBe(pseudonym);
    expect(new KeyedDeriver(keyB).pseudonym('ANON', 'id:PAT001')).not.toBe(pseudonym);
    const offsets = new Set(
      Array.from({ length: 200 }, (_, i) => a.dateOffsetDays(`id:P${i}`, 365)),
    );
    for (const offset of offsets) {
      expect(offset).toBeGreaterThanOrEqual(-365);
      expect(offset).toBeLessThanOrEqual(-1);
    }
    expect(offsets.size).toBeGreaterThan(100);
  });

  it('hashes values to the requested length', () => {
    const a = new KeyedDeriver(keyA);
    expect(a.hashText('(0010,1000)', 'X', 16)).toMatch(/^[0-9A-F]{16}$/);
    expect(a.hashText('(0010,1000)', 'X', 16)).not.toBe(a.hashText('(0010,1001)', 'X', 16));
  });
});
