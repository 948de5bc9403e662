import { VeilError } from '../errors';
import {
  AUDIT_EXPORT_FORMATS,
  CHANGE_KINDS,
  DELETION_KINDS,
  DELETION_REASONS,
  ERROR_CODES,
  PHI_VIEWS,
  SETTINGS,
  WARNING_CODES,
  type AuditEntry,
  type AuditEvent,
  type AuditEventType,
} from './events';
import {
  appVersion,
  boolean,
  count,
  fingerprint,
  hash,
  isoTime,
  isPlainObject,
  listOf,
  oneOf,
  operator,
  positive,
  randomId,
  recordOf,
  type Check,
} from './patterns';

/** Every key any member of a union has (keyof of a union gives only the shared ones). */
type KeysOf<U> = U extends unknown ? keyof U : never;

interface FieldSpec {
  readonly check: Check;
  readonly optional?: boolean;
}
const required = (check: Check): FieldSpec => ({ check });
const optional = (check: Check): FieldSpec => ({ check, optional: true });

/**
 * The allowed fields of each event type and the shape of each. The mapped type makes the compiler
 * insist that every field of every event has a check, and that no check names a field the type
 * lacks: an event cannot gain a field that escapes the guard.
 */
const EVENT_FIELDS: {
  readonly [T in AuditEventType]: {
    readonly [K in Exclude<KeysOf<Extract<AuditEvent, { type: T }>>, 'type'>]-?: FieldSpec;
  };
} = {
  'files-imported': {
    batchId: required(randomId),
    count: required(count),
    bytes: required(count),
    inputHashes: required(listOf(hash)),
  },
  'phi-viewed': {
    batchId: required(randomId),
    inputHash: required(hash),
    view: required(oneOf(PHI_VIEWS)),
  },
  'profile-chosen': { profileHash: required(hash), profileVersion: required(positive) },
  'profile-changed': {
    profileHash: required(hash),
    profileVersion: required(positive),
    previousHash: required(hash),
  },
  'key-generated': { fingerprint: required(fingerprint) },
  'key-imported': { fingerprint: required(fingerprint) },
  'key-exported': { fingerprint: required(fingerprint) },
  'file-deidentified': {
    batchId: required(randomId),
    inputHash: required(hash),
    outputHash: required(hash),
    counts: required(recordOf(CHANGE_KINDS, count)),
    warnings: required(listOf(oneOf(WARNING_CODES), { distinct: true })),
  },
  'file-failed': {
    batchId: required(randomId),
    inputHash: required(hash),
    errorCode: required(oneOf(ERROR_CODES)),
  },
  'review-signed-off': {
    batchId: required(randomId),
    batchHash: required(hash),
    fileCount: required(count),
    residualFiles: required(count),
  },
  exported: {
    batchId: required(randomId),
    archiveHash: required(hash),
    fileCount: required(count),
    mappingIncluded: required(boolean),
  },
  'retention-deleted': {
    what: required(oneOf(DELETION_KINDS)),
    count: required(count),
    reason: required(oneOf(DELETION_REASONS)),
    anchor: optional(hash),
  },
  'audit-exported': {
    format: required(oneOf(AUDIT_EXPORT_FORMATS)),
    entryCount: required(count),
    lastSeq: optional(positive),
  },
  'settings-changed': { setting: required(oneOf(SETTINGS)), value: optional(settingValue) },
  'no-audit-acknowledged': {},
};

/** Audit and working-data retention: at most 100 years, in whole days. */
const MAX_DAYS = 36_525;
const days: Check = (value) =>
  positive(value) ??
  ((value as number) > MAX_DAYS ? `must be at most ${MAX_DAYS} days` : undefined);

/** The value's shape depends on the setting; checked as a whole in checkSetting. */
function settingValue(value: unknown): string | undefined {
  return value === 'tab' || typeof value === 'number' || typeof value === 'boolean'
    ? undefined
    : 'must be a number of days, tab, or true/false';
}

function checkSetting(event: Record<string, unknown>): string | undefined {
  const value = event.value;
  switch (event.setting) {
    case 'working-data-retention':
      return value === 'tab' ? undefined : days(value) && `value ${days(value)}`;
    case 'audit-retention-days':
      return days(value) && `value ${days(value)}`;
    case 'require-sign-off':
      return boolean(value) && `value ${boolean(value)}`;
    case 'operator':
      return value === undefined ? undefined : 'value is not allowed for the operator setting';
    default:
      return 'setting is unknown';
  }
}

/** Why `event` is not an allowed audit event, or undefined when it is. Never quotes a value. */
export function eventProblem(event: unknown): string | undefined {
  if (!isPlainObject(event)) return 'event must be an object';
  const type = event.type;
  if (typeof type !== 'string' || !Object.hasOwn(EVENT_FIELDS, type)) {
    return 'event.type is not a known event type';
  }
  const fields = EVENT_FIELDS[type as AuditEventType] as Readonly<Record<string, FieldSpec>>;
  for (const key of Object.keys(event)) {
    if (key !== 'type' && !Object.hasOwn(fields, key)) {
      return `event has a field that ${type} does not allow`;
    }
  }
  for (const [key, spec] of Object.entries(fields)) {
    const value = event[key];
    if (value === undefined) {
      if (spec.optional) continue;
      return `event.${key} is missing`;
    }
    const problem = spec.check(value);
    if (problem) return `event.${key} ${problem}`;
  }
  if (type === 'files-imported') {
    const hashes = event.inputHashes as readonly unknown[];
    if (hashes.length !== event.count) return 'event.count must equal the number of inputHashes';
  }
  if (type === 'settings-changed') {
    const problem = checkSetting(event);
    if (problem) return `event.${problem}`;
  }
  return undefined;
}

const ENTRY_FIELDS: Readonly<Record<keyof AuditEntry, Check>> = {
  seq: positive,
  time: isoTime,
  operator,
  appVersion,
  event: eventProblem,
  prevHash: hash,
  hash,
};

/** Why `entry` is not an allowed audit entry, or undefined when it is. Never quotes a value. */
export function entryProblem(entry: unknown): string | undefined {
  if (!isPlainObject(entry)) return 'entry must be an object';
  for (const key of Object.keys(entry)) {
    if (!Object.hasOwn(ENTRY_FIELDS, key)) return 'entry has a field that is not allowed';
  }
  for (const [key, check] of Object.entries(ENTRY_FIELDS)) {
    if (!Object.hasOwn(entry, key)) return `${key} is missing`;
    const problem = check(entry[key]);
    if (problem) return key === 'event' ? problem : `${key} ${problem}`;
  }
  return undefined;
}

/**
 * Throws unless `entry` has exactly the shape of an AuditEntry whose every field is a hash, a
 * count, a code, an enumeration, a fingerprint, an ISO time or the operator's name. This is what
 * keeps PHI out of the log: a value that could be free text cannot pass.
 */
export function assertNoPhiShape(entry: unknown): asserts entry is AuditEntry {
  const problem = entryProblem(entry);
  if (problem) throw new VeilError('INTERNAL', `audit entry refused: ${problem}`);
}

/** The same guard for an event alone, before it becomes an entry. */
export function assertEventShape(event: unknown): asserts event is AuditEvent {
  const problem = eventProblem(event);
  if (problem) throw new VeilError('INTERNAL', `audit event refused: ${problem}`);
}
