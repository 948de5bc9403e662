import { createHash, randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { VeilError } from '../errors';
import {
  createProjectKey,
  decodeBase64,
  encodeBase64,
  parseProjectKey,
  parseProjectKeyFile,
  serializeProjectKey,
} from './projectKey';

const bytes = (n: number, seed = 1): Uint8Array =>
  Uint8Array.from({ length: n }, (_, i) => (i * 37 + seed) & 255);

function expectBadKey(text: string, message: RegExp): void {
  let caught: unknown;
  try {
    parseProjectKey(text);
  } catch (error) {
    caught = error;
  }
  expect(caught).toBeInstanceOf(VeilError);
  expect((caught as VeilError).code).toBe('BAD_KEY');
  expect((caught as VeilError).message).toMatch(message);
}

function keyFileWith(edit: (file: Record<string, unknown>) => void): string {
  const file = JSON.parse(serializeProjectKey(createProjectKey(bytes(32)))) as Record<
    string,
    unknown
  >;
  edit(file);
  return JSON.stringify(file);
}

describe('createProjectKey', () => {
  it('fingerprints with the first 16 hex characters of SHA-256 of the key', () => {
    const raw = bytes(32);
    const key = createProjectKey(raw);
    const expected = createHash('sha256').update(raw).digest('hex').slice(0, 16);
    expect(key.fingerprint).toBe(expected);
    expect(Array.from(key.bytes)).toEqual(Array.from(raw));
  });

  it('copies the bytes, so the caller cannot change the key afterwards', () => {
    const raw = bytes(32);
    const key = createProjectKey(raw);
    raw[0] = raw[0]! ^ 0xff;
    expect(key.bytes[0]).not.toBe(raw[0]);
  });

  it('rejects a wrong length and an all-zero buffer', () => {
    expect(() => createProjectKey(bytes(31))).toThrow(/32 bytes, got 31/);
    expect(() => createProjectKey(new Uint8Array(32))).toThrow(/all zero/);
  });
});

describe('key file', () => {
  it('round-trips and records the creation time', () => {
    const key = createProjectKey(randomBytes(32));
    const text = serializeProjectKey(key, new Date('2024-03-01T10:00:00Z'));
    const parsed = parseProjectKeyFile(text);
    expect(parsed.created).toBe('2024-03-01T10:00:00.000Z');
    expect(parsed.key.fingerprint).toBe(key.fingerprint);
    expect(Array.from(parsed.key.bytes)).toEqual(Array.from(key.bytes));
    const json = JSON.parse(text) as Record<string, unknown>;
    expect(json.format).toBe('veil-key');
    expect(json.version).toBe(1);
    expect(json.key).toBe(Buffer.from(key.bytes).toString('base64'));
  });

  it('tolerates a byte order mark', () => {
    const key = createProjectKey(bytes(32));
    expect(parseProjectKey(`\uFEFF${serializeProjectKey(key)}`).fingerprint).toBe(key.fingerprint);
  });

  it('rejects damaged files with a message that names the problem', () => {
    expectBadKey('{not json', /not valid JSON/);
    expectBadKey('[]', /JSON object/);
    expectBadKey(
      keyFileWith((f) => (f.format = 'other')),
      /not a Veil key file/,
    );
    expectBadKey(
      keyFileWith((f) => (f.version = 2)),
      /unsupported key file version/,
    );
    expectBadKey(
      keyFileWith((f) => (f.extra = 1)),
      /unknown fields: extra/,
    );
    expectBadKey(
      keyFileWith((f) => delete f.key),
      /no "key" string/,
    );
    expectBadKey(
      keyFileWith((f) => (f.key = 'not base64!')),
      /not valid base64/,
    );
    expectBadKey(
      keyFileWith((f) => (f.key = Buffer.from(bytes(16)).toString('base64'))),
      /must be 32 bytes, the file holds 16/,
    );
    expectBadKey(
      keyFileWith((f) => (f.fingerprint = 'ABC')),
      /16 lowercase hex/,
    );
    expectBadKey(
      keyFileWith((f) => (f.created = 'yesterday')),
      /ISO date-time/,
    );
  });

  it('rejects a key that does not match its fingerprint, without echoing the key', () => {
    const other = Buffer.from(bytes(32, 99)).toString('base64');
    const text = keyFileWith((f) => (f.key = other));
    expectBadKey(text, /does not match its fingerprint/);
    try {
      parseProjectKey(text);
    } catch (error) {
      expect((error as Error).message).not.toContain(other);
    }
  });
});

describe('base64', () => {
  it('matches Node for every length from 0 to 40', () => {
    for (let n = 0; n <= 40; n++) {
      const raw = bytes(n, n);
      const expected = Buffer.from(raw).toString('base64');
      expect(encodeBase64(raw)).toBe(expected);
      expect(Array.from(decodeBase64(expected) ?? [])).toEqual(Array.from(raw));
    }
  });

  it('rejects non-canonical text', () => {
    expect(decodeBase64('QQ')).toBeUndefined(); // missing padding
    expect(decodeBase64('QR==')).toBeUndefined(); // stray bits in the padding
    expect(decodeBase64('QQ==\n')).toBeUndefined();
    expect(decodeBase64('-_==')).toBeUndefined();
    expect(decodeBase64('Q=Q=')).toBeUndefined();
  });
});
