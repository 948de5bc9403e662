import type { ChainLink, FailureCode, WarningCode, WorkingDataRetention } from '../core/audit';
import type { ChangeCounts, DeidSuccess, Profile } from '../core/deid/types';

/**
 * What each store holds. Times are epoch milliseconds (the audit entries keep ISO strings, as
 * exported). Working data (batches, results, pseudonym tables) holds no original file names and no
 * "before" values: files are known by the SHA-256 of their bytes, so a batch is resumed by dropping
 * the same files again. Pseudonym tables are the exception: original patient IDs are what they map,
 * which is why retention deletes them with the rest of the working data.
 */

/** The log's own record: its id, where its chain starts and where it ends. */
export interface LogMeta {
  readonly kind: 'log';
  readonly logId: string;
  /** ISO time the log was created. */
  readonly created: string;
  /** The hash the oldest stored entry links to, and that entry's seq (moves when retention deletes). */
  readonly anchor: Required<ChainLink>;
  /** The newest entry's seq and hash: lets verify() notice entries cut off the end. */
  readonly head: ChainLink;
}

export interface RetentionPolicy {
  /** Batches, cached results and pseudonym tables: until the tab closes, or days since last use. */
  readonly workingData: WorkingDataRetention;
  /** Audit entries older than this many days are deleted, oldest first. */
  readonly auditDays: number;
}

export interface SettingsMeta {
  readonly kind: 'settings';
  /** The name the operator typed once; null until then. */
  readonly operator: string | null;
  readonly retention: RetentionPolicy;
  /** Export waits for a review sign-off of the batch. */
  readonly requireSignOff: boolean;
}

export type MetaRecord = LogMeta | SettingsMeta;

export interface BatchFile {
  readonly inputHash: string;
  readonly size: number;
}

export interface BatchRecord {
  /** A random id (core/audit newRandomId), the same as in the audit events of the batch. */
  readonly id: string;
  /** The tab session that last saved it (see retention's 'tab' policy). */
  readonly sessionId: string;
  readonly created: number;
  /** Last save or, under the 'tab' policy, last heartbeat of its tab. */
  readonly touched: number;
  readonly profileHash: string | null;
  /** The rule set of the batch's last run, so that resuming uses the same one. */
  readonly profile?: Profile;
  readonly files: readonly BatchFile[];
  /** When the batch was last exported (epoch ms): an exported batch is not offered for resuming. */
  readonly exported?: number;
}

interface ResultBase {
  readonly batchId: string;
  readonly inputHash: string;
  readonly saved: number;
}

export type ResultRecord =
  | (ResultBase & {
      readonly status: 'done';
      readonly outputHash: string;
      /**
       * The de-identified file, when cached. The app does not cache outputs: a resumed batch is run
       * again from the re-opened files (same key and rules give the same bytes), so a 2 GB batch
       * is not written to the browser's storage a second time.
       */
      readonly output?: Blob;
      readonly counts: ChangeCounts;
      readonly warnings: readonly WarningCode[];
      /** De-identified identity (pseudonym, new UIDs), for the export layout. */
      readonly identity: DeidSuccess['identity'];
    })
  | (ResultBase & { readonly status: 'failed'; readonly errorCode: FailureCode });

export interface ProfileRecord {
  /** profileHash(profile). */
  readonly hash: string;
  readonly profile: Profile;
  readonly saved: number;
}

export interface KeyRecord {
  readonly fingerprint: string;
  /** The secret itself: never logged, never exported except as a key file the person asks for. */
  readonly bytes: Uint8Array;
  /** 'migrated': moved from localStorage, where earlier versions kept it. */
  readonly source: 'generated' | 'imported' | 'migrated';
  readonly saved: number;
  /** When the key was created (ISO), as its key file states it. */
  readonly created?: string;
}

export interface PseudonymTableRecord {
  /** SHA-256 of the CSV text. */
  readonly id: string;
  readonly sessionId: string;
  /** The table as the person loaded it (core/deid/pseudonymTable parses it). */
  readonly csv: string;
  readonly created: number;
  readonly touched: number;
}
