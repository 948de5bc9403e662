/**
 * The only shapes a value in the audit log may take. Each is strict enough that free text cannot
 * pass: a patient's name, an ID or a description fails every pattern below except OPERATOR, which
 * exists for the one free-text field the log keeps on purpose (the name the operator typed).
 *
 * A check returns undefined when the value is fine, or a short problem that never quotes the value
 * (it may be PHI).
 */
export type Check = (value: unknown) => string | undefined;

/** SHA-256, lower-case hex: file, profile, archive, batch and entry hashes. */
export const HASH = /^[0-9a-f]{64}$/;
/** A project key's fingerprint: the first 16 hex digits of SHA-256 of the key (projectKey.ts). */
export const FINGERPRINT = /^[0-9a-f]{16}$/;
/** Random ids (log, batch): 128 bits as 32 hex digits, or a lower-case RFC 9562 UUID. */
export const RANDOM_ID =
  /^(?:[0-9a-f]{32}|[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$/;
/** Date.toISOString() output, and nothing else (no offsets, no missing milliseconds). */
export const ISO_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;
/** Semantic version; a pre-release tag is lower-case only (`0.0.0-dev`), so it cannot carry a name. */
export const APP_VERSION =
  /^\d{1,6}\.\d{1,6}\.\d{1,6}(?:-[0-9a-z]{1,16}(?:\.[0-9a-z]{1,16}){0,3})?$/;
/**
 * The operator's own name as typed: letters, marks, digits, spaces and the punctuation of names and
 * e-mail addresses, 1 to 64 characters, starting with a letter or digit. No control characters,
 * no `=`/`+` (spreadsheet formulas), no line breaks.
 */
export const OPERATOR = /^[\p{L}\p{N}][\p{L}\p{M}\p{N} .'’,()@_-]{0,63}$/u;

/** Whether `name` may be stored as the operator (OPERATOR, after trimming is the caller's job). */
export const isOperatorName = (name: string): boolean => OPERATOR.test(name);
/** More inputs than this in one import event would make one entry megabytes long: split it. */
export const MAX_HASH_LIST = 100_000;

export const pattern =
  (re: RegExp, what: string): Check =>
  (value) =>
    typeof value === 'string' && re.test(value) ? undefined : `must be ${what}`;

export const hash = pattern(HASH, 'a SHA-256 hex digest');
export const fingerprint = pattern(FINGERPRINT, 'a key fingerprint (16 hex digits)');
export const randomId = pattern(RANDOM_ID, 'a random id (32 hex digits or a UUID)');
export const appVersion = pattern(APP_VERSION, 'a version like 1.2.3');
export const operator = pattern(OPERATOR, "an operator name (letters, digits, . ' , ( ) @ _ -)");

export const isoTime: Check = (value) =>
  typeof value === 'string' &&
  ISO_TIME.test(value) &&
  // Rejects 2024-02-31 and the like: the text must be what Date itself would print.
  !Number.isNaN(Date.parse(value)) &&
  new Date(value).toISOString() === value
    ? undefined
    : 'must be an ISO time like 2024-05-01T12:00:00.000Z';

export const count: Check = (value) =>
  typeof value === 'number' && Number.isSafeInteger(value) && value >= 0
    ? undefined
    : 'must be a whole number ≥ 0';

export const positive: Check = (value) =>
  typeof value === 'number' && Number.isSafeInteger(value) && value >= 1
    ? undefined
    : 'must be a whole number ≥ 1';

export const boolean: Check = (value) =>
  typeof value === 'boolean' ? undefined : 'must be true or false';

export const oneOf =
  (values: readonly (string | number | boolean)[]): Check =>
  (value) =>
    values.includes(value as string) ? undefined : `must be one of ${values.join(', ')}`;

export const listOf =
  (item: Check, options: { max?: number; distinct?: boolean } = {}): Check =>
  (value) => {
    if (!Array.isArray(value)) return 'must be a list';
    if (value.length > (options.max ?? MAX_HASH_LIST)) return 'has too many items';
    for (let i = 0; i < value.length; i++) {
      const problem = item(value[i]);
      if (problem) return `[${i}] ${problem}`;
    }
    if (options.distinct && new Set(value).size !== value.length) return 'has repeated items';
    return undefined;
  };

/** An object whose keys are exactly `keys` (no more, no fewer), each value passing `item`. */
export const recordOf =
  (keys: readonly string[], item: Check): Check =>
  (value) => {
    if (!isPlainObject(value)) return 'must be an object';
    const extra = Object.keys(value).find((k) => !keys.includes(k));
    if (extra !== undefined) return 'has a key that is not allowed';
    for (const key of keys) {
      if (!Object.hasOwn(value, key)) return `lacks ${key}`;
      const problem = item(value[key]);
      if (problem) return `${key} ${problem}`;
    }
    return undefined;
  };

export const isPlainObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' &&
  value !== null &&
  !Array.isArray(value) &&
  (Object.getPrototypeOf(value) === Object.prototype || Object.getPrototypeOf(value) === null);
