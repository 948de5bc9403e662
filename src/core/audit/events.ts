import type { ChangeKind } from '../deid/types';
import type { VeilErrorCode } from '../errors';

/**
 * What the audit log records: one entry per step, each carrying one event. Events hold hashes,
 * counts, codes, enumerations and key fingerprints only: never a name, an ID, a date of the data, a
 * file name or a message (messages may quote values). noPhiShape.ts enforces this on every entry.
 *
 * `batchId` ties the events of one batch together, so that an export can carry that batch's part
 * of the chain (AuditLog.segmentForBatch).
 */

/** Every change kind de-identification counts (types.ts), as a runtime list. */
export const CHANGE_KINDS = Object.keys({
  removed: true,
  emptied: true,
  replaced: true,
  'uid-remapped': true,
  'date-shifted': true,
  cleaned: true,
  kept: true,
  added: true,
} satisfies Record<ChangeKind, true>) as readonly ChangeKind[];

/**
 * Why a file failed in the app's worker pool, beyond core's codes: its bytes could not be read
 * (moved or changed since it was opened), or the worker died on it.
 */
export type TransportErrorCode = 'READ_FAILED' | 'WORKER_CRASHED';
export type FailureCode = VeilErrorCode | TransportErrorCode;

/**
 * Every code a failed file is logged with: core's VeilError codes (errors.ts) and the worker
 * pool's transport codes, as a runtime list.
 */
export const ERROR_CODES = Object.keys({
  NOT_DICOM: true,
  DICOMDIR: true,
  TRUNCATED: true,
  BAD_LENGTH: true,
  BAD_STRUCTURE: true,
  UNSUPPORTED_TRANSFER_SYNTAX: true,
  UNSUPPORTED: true,
  TOO_DEEP: true,
  INFLATE_FAILED: true,
  ENCODE_FAILED: true,
  POST_CHECK_FAILED: true,
  BAD_PROFILE: true,
  BAD_RULE: true,
  BAD_KEY: true,
  BAD_PSEUDONYM_TABLE: true,
  ABORTED: true,
  INTERNAL: true,
  READ_FAILED: true,
  WORKER_CRASHED: true,
} satisfies Record<FailureCode, true>) as readonly FailureCode[];

/**
 * The warning codes de-identification emits (src/core/deid, DeidWarning.code). A code missing here
 * is logged as UNLISTED_WARNING (see warningCodes); events.test.ts fails when deid gains a code
 * this list lacks, so the list cannot drift silently.
 */
export const WARNING_CODES = [
  'READ',
  'DUMMY_BINARY',
  'DATE_NOT_SHIFTABLE',
  'GRAPHICS_KEPT',
  'SAFE_PRIVATE_CASE',
  'PRIVATE_SEQUENCE_OPAQUE',
  'NO_SOP_INSTANCE_UID',
  'CLEAN_EMPTIED',
  'UNLISTED_WARNING',
] as const;
export type WarningCode = (typeof WARNING_CODES)[number];

/** What a retention deletion removed. */
export const DELETION_KINDS = [
  'batches',
  'results',
  'pseudonym-tables',
  'keys',
  'audit-entries',
] as const;
export type DeletionKind = (typeof DELETION_KINDS)[number];

/** Why: the retention policy ran out, "purge now", or the person deleted one item. */
export const DELETION_REASONS = ['expired', 'purge', 'person'] as const;
export type DeletionReason = (typeof DELETION_REASONS)[number];

export const PHI_VIEWS = ['tags', 'image'] as const;
export const AUDIT_EXPORT_FORMATS = ['json', 'csv'] as const;

/** How long working data is kept: until the tab closes, or a number of days. */
export type WorkingDataRetention = 'tab' | number;

export type SettingChange =
  | { readonly setting: 'working-data-retention'; readonly value: WorkingDataRetention }
  | { readonly setting: 'audit-retention-days'; readonly value: number }
  | { readonly setting: 'require-sign-off'; readonly value: boolean }
  /** The new name is not repeated here: it is the operator of every entry that follows. */
  | { readonly setting: 'operator' };
export const SETTINGS = [
  'working-data-retention',
  'audit-retention-days',
  'require-sign-off',
  'operator',
] as const satisfies readonly SettingChange['setting'][];

export type AuditEvent =
  | {
      readonly type: 'files-imported';
      readonly batchId: string;
      readonly count: number;
      readonly bytes: number;
      /** SHA-256 of each input file, in import order; `count` of them. */
      readonly inputHashes: readonly string[];
    }
  | {
      /** Someone opened the original tags or the original image of one instance. */
      readonly type: 'phi-viewed';
      readonly batchId: string;
      readonly inputHash: string;
      readonly view: (typeof PHI_VIEWS)[number];
    }
  | {
      readonly type: 'profile-chosen';
      readonly profileHash: string;
      /** The profile format's version (Profile.version). */
      readonly profileVersion: number;
    }
  | {
      readonly type: 'profile-changed';
      readonly profileHash: string;
      readonly profileVersion: number;
      readonly previousHash: string;
    }
  | { readonly type: 'key-generated'; readonly fingerprint: string }
  | { readonly type: 'key-imported'; readonly fingerprint: string }
  | { readonly type: 'key-exported'; readonly fingerprint: string }
  | {
      readonly type: 'file-deidentified';
      readonly batchId: string;
      readonly inputHash: string;
      readonly outputHash: string;
      readonly counts: Readonly<Record<ChangeKind, number>>;
      /** Distinct warning codes, sorted. */
      readonly warnings: readonly WarningCode[];
    }
  | {
      readonly type: 'file-failed';
      readonly batchId: string;
      readonly inputHash: string;
      readonly errorCode: FailureCode;
    }
  | {
      /** The reviewer confirmed the diff of the batch whose hash is batchHash (see batchHash()). */
      readonly type: 'review-signed-off';
      readonly batchId: string;
      readonly batchHash: string;
      readonly fileCount: number;
      /**
       * Files in which the residual scan found identifying values of the original: signing off
       * releases them to the export, so the entry says how many (never where or what).
       */
      readonly residualFiles: number;
    }
  | {
      readonly type: 'exported';
      readonly batchId: string;
      readonly archiveHash: string;
      readonly fileCount: number;
      readonly mappingIncluded: boolean;
    }
  | {
      readonly type: 'retention-deleted';
      readonly what: DeletionKind;
      readonly count: number;
      readonly reason: DeletionReason;
      /** For audit entries: the hash the first remaining entry now links to (the new anchor). */
      readonly anchor?: string;
    }
  | {
      readonly type: 'audit-exported';
      readonly format: (typeof AUDIT_EXPORT_FORMATS)[number];
      readonly entryCount: number;
      /** The last entry the export holds (absent when it holds none). */
      readonly lastSeq?: number;
    }
  | ({ readonly type: 'settings-changed' } & SettingChange)
  | {
      /** The person chose to go on without a stored audit trail (IndexedDB unavailable). */
      readonly type: 'no-audit-acknowledged';
    };

export type AuditEventType = AuditEvent['type'];
export type AuditEventOf<T extends AuditEventType> = Extract<AuditEvent, { type: T }>;

/** One link of the chain. `hash` is SHA-256 of the canonical JSON of every other field (chain.ts). */
export interface AuditEntry {
  /** 1 for the first entry of a log, then +1 per entry, never reused. */
  readonly seq: number;
  /** ISO 8601 UTC, from Date.toISOString(). */
  readonly time: string;
  /** The name the operator typed (the only free text in the log). */
  readonly operator: string;
  readonly appVersion: string;
  readonly event: AuditEvent;
  readonly prevHash: string;
  readonly hash: string;
}

/** The fields a caller provides; the chain adds seq, prevHash and hash. */
export type AuditDraft = Pick<AuditEntry, 'time' | 'operator' | 'appVersion' | 'event'>;

/** Distinct, sorted warning codes; a code this build does not know becomes UNLISTED_WARNING. */
export function warningCodes(warnings: readonly { readonly code: string }[]): WarningCode[] {
  const known = new Set<string>(WARNING_CODES);
  const codes = new Set<WarningCode>(
    warnings.map((w) => (known.has(w.code) ? (w.code as WarningCode) : 'UNLISTED_WARNING')),
  );
  return [...codes].sort();
}
