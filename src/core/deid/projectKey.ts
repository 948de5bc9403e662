import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex } from '@noble/hashes/utils.js';
import { VeilError } from '../errors';

/**
 * The secret behind every keyed derivation (UIDs, pseudonyms, date offsets). Whoever holds it can
 * reproduce the mapping in a later batch; whoever does not cannot confirm a guess. It must never be
 * logged: only the fingerprint may appear in reports and messages.
 */
export interface ProjectKey {
  readonly bytes: Uint8Array;
  /** First 16 hex characters of SHA-256 of the key: names the key without revealing it. */
  readonly fingerprint: string;
}

export const PROJECT_KEY_LENGTH = 32;
const FORMAT = 'veil-key';
const VERSION = 1;
const FIELDS = ['format', 'version', 'fingerprint', 'key', 'created'] as const;

export function keyFingerprint(bytes: Uint8Array): string {
  return bytesToHex(sha256(bytes)).slice(0, 16);
}

/** `random32` comes from the caller's CSPRNG (crypto.getRandomValues): core has no crypto global. */
export function createProjectKey(random32: Uint8Array): ProjectKey {
  if (random32.length !== PROJECT_KEY_LENGTH) {
    throw new VeilError(
      'BAD_KEY',
      `a project key is ${PROJECT_KEY_LENGTH} bytes, got ${random32.length}`,
    );
  }
  // All zeros means the caller forgot to fill the buffer; such a key protects nothing.
  if (random32.every((b) => b === 0)) {
    throw new VeilError('BAD_KEY', 'the project key bytes are all zero: fill them from a CSPRNG');
  }
  const bytes = Uint8Array.from(random32);
  return { bytes, fingerprint: keyFingerprint(bytes) };
}

/** The key file: versioned JSON, one line per field so that a person can see what it is. */
export function serializeProjectKey(key: ProjectKey, created: Date = new Date()): string {
  const file = {
    format: FORMAT,
    version: VERSION,
    fingerprint: key.fingerprint,
    key: encodeBase64(key.bytes),
    created: created.toISOString(),
  };
  return `${JSON.stringify(file, null, 2)}\n`;
}

export interface ProjectKeyFile {
  readonly key: ProjectKey;
  readonly created: string;
}

/** Validates every field; messages say what is wrong but never echo the key material. */
export function parseProjectKeyFile(text: string): ProjectKeyFile {
  let data: unknown;
  try {
    data = JSON.parse(text.replace(/^\uFEFF/, ''));
  } catch {
    throw new VeilError('BAD_KEY', 'the key file is not valid JSON');
  }
  if (typeof data !== 'object' || data === null || Array.isArray(data)) {
    throw new VeilError('BAD_KEY', 'the key file must hold a JSON object');
  }
  const file = data as Record<string, unknown>;
  const unknown = Object.keys(file).filter((k) => !(FIELDS as readonly string[]).includes(k));
  if (unknown.length > 0) {
    throw new VeilError('BAD_KEY', `the key file has unknown fields: ${unknown.join(', ')}`);
  }
  if (file.format !== FORMAT) {
    throw new VeilError('BAD_KEY', `not a Veil key file (format must be "${FORMAT}")`);
  }
  if (file.version !== VERSION) {
    throw new VeilError(
      'BAD_KEY',
      `unsupported key file version (this Veil reads version ${VERSION})`,
    );
  }
  if (typeof file.key !== 'string') {
    throw new VeilError('BAD_KEY', 'the key file has no "key" string');
  }
  const bytes = decodeBase64(file.key);
  if (bytes === undefined) {
    throw new VeilError('BAD_KEY', 'the "key" field is not valid base64');
  }
  if (bytes.length !== PROJECT_KEY_LENGTH) {
    throw new VeilError(
      'BAD_KEY',
      `the key must be ${PROJECT_KEY_LENGTH} bytes, the file holds ${bytes.length}`,
    );
  }
  if (typeof file.fingerprint !== 'string' || !/^[0-9a-f]{16}$/.test(file.fingerprint)) {
    throw new VeilError('BAD_KEY', 'the "fingerprint" field must be 16 lowercase hex characters');
  }
  const fingerprint = keyFingerprint(bytes);
  if (file.fingerprint !== fingerprint) {
    // A damaged or hand-edited key would silently produce a different mapping in this batch.
    throw new VeilError(
      'BAD_KEY',
      'the key does not match its fingerprint: the file is damaged or was edited',
    );
  }
  if (typeof file.created !== 'string' || Number.isNaN(Date.parse(file.created))) {
    throw new VeilError('BAD_KEY', 'the "created" field must be an ISO date-time');
  }
  return { key: createProjectKey(bytes), created: file.created };
}

export function parseProjectKey(text: string): ProjectKey {
  return parseProjectKeyFile(text).key;
}

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

// Core has no btoa/atob (ES2023 lib only); keys are 32 bytes, so a plain loop is plenty.
export function encodeBase64(bytes: Uint8Array): string {
  let out = '';
  for (let i = 0; i < bytes.length; i += 3) {
    const a = bytes[i]!;
    const b = bytes[i + 1];
    const c = bytes[i + 2];
    const n = (a << 16) | ((b ?? 0) << 8) | (c ?? 0);
    out += ALPHABET[(n >> 18) & 63]! + ALPHABET[(n >> 12) & 63]!;
    out += b === undefined ? '=' : ALPHABET[(n >> 6) & 63]!;
    out += c === undefined ? '=' : ALPHABET[n & 63]!;
  }
  return out;
}

/** Strict: canonical padding, no whitespace, no URL alphabet; undefined when malformed. */
export function decodeBase64(text: string): Uint8Array | undefined {
  if (text.length % 4 !== 0 || !/^[A-Za-z0-9+/]*={0,2}$/.test(text)) return undefined;
  const padding = text.endsWith('==') ? 2 : text.endsWith('=') ? 1 : 0;
  const out = new Uint8Array((text.length / 4) * 3 - padding);
  let o = 0;
  for (let i = 0; i < text.length; i += 4) {
    let n = 0;
    for (let j = 0; j < 4; j++) {
      const ch = text[i + j]!;
      n = (n << 6) | (ch === '=' ? 0 : ALPHABET.indexOf(ch));
    }
    if (o < out.length) out[o++] = (n >> 16) & 255;
    if (o < out.length) out[o++] = (n >> 8) & 255;
    if (o < out.length) out[o++] = n & 255;
  }
  // Non-zero bits hidden in the padding would make two texts decode to one key.
  return encodeBase64(out) === text ? out : undefined;
}
