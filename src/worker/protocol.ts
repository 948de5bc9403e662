import type { Plan } from '../core/deid/plan';
import type { ProjectKey } from '../core/deid/projectKey';
import type { PseudonymTable } from '../core/deid/pseudonymTable';
import type { ResidualHit } from '../core/deid/residual';
import type { Change, ChangeCounts, DeidSuccess, DeidWarning } from '../core/deid/types';
import type { VeilErrorCode } from '../core/errors';
import type { ReviewDigest } from './reviewDigest';

/**
 * Messages between the page and the de-identification workers. Inputs cross as Blob handles (a
 * File, or a slice of one) and are read in the worker; structured clone copies a Blob's handle,
 * never its bytes. Outputs stay off the page: a worker appends them to a work file of its own in
 * the origin private file system (a sync access handle writes straight to disk, ~0.3 ms for a CT
 * slice, against ~1.6 ms to copy it into a Blob), and answers with where they are. Without that
 * file system (page fallback, older browsers) the output is a Blob made in the worker.
 */

/** Where one file's bytes are. */
export type SourceRef =
  | { readonly kind: 'blob'; readonly blob: Blob }
  /** An entry of a zip archive, read through its local header (method 0 stored, 8 deflated). */
  | {
      readonly kind: 'zip-entry';
      readonly zip: Blob;
      readonly localHeaderOffset: number;
      readonly compressedSize: number;
      readonly size: number;
      readonly method: 0 | 8;
    };

/** What every job of one batch shares; sent once to each worker that takes part in the batch. */
export interface BatchSetup {
  readonly plan: Plan;
  readonly key: ProjectKey;
  readonly pseudonymTable?: PseudonymTable;
}

/**
 * 'batch': de-identify and keep the output (work file or Blob), with counts and a review digest.
 * 'inspect': the same file again for the person reviewing it: every change with its values, and
 * the output as a Blob. Same key, rules and input give the same bytes, which outputSha256 proves.
 */
export type JobMode = 'batch' | 'inspect';

export type ToWorker =
  | {
      readonly type: 'setup';
      readonly batch: number;
      readonly setup: BatchSetup;
      /** This tab's folder for work files (under WORK_ROOT), or null to keep outputs as Blobs. */
      readonly workDir: string | null;
    }
  | {
      readonly type: 'run';
      readonly job: number;
      readonly batch: number;
      readonly mode: JobMode;
      readonly fileName: string;
      readonly source: SourceRef;
    }
  /** Every job of the batch is answered: close its work file (then the page can read it). */
  | { readonly type: 'finish'; readonly batch: number };

export type FromWorker =
  | { readonly type: 'done'; readonly job: number; readonly outcome: JobOutcome | InspectOutcome }
  | { readonly type: 'finished'; readonly batch: number };

/** Codes of the transport itself, next to core's. */
export type JobErrorCode = VeilErrorCode | 'READ_FAILED' | 'WORKER_CRASHED';

export interface JobError {
  readonly code: JobErrorCode;
  readonly message: string;
  readonly offset?: number;
}

/** Where a de-identified file is kept until the export. */
export type OutputRef =
  | { readonly kind: 'blob'; readonly blob: Blob }
  /** Bytes [offset, offset + size) of a work file, readable once its batch is finished. */
  | {
      readonly kind: 'stored';
      readonly file: string;
      readonly offset: number;
      readonly size: number;
    };

export interface JobSuccess {
  readonly ok: true;
  readonly output: OutputRef;
  readonly outputBytes: number;
  readonly inputBytes: number;
  readonly inputSha256: string;
  readonly outputSha256: string;
  /** The zip's checksum of the output, computed while it was in memory. */
  readonly outputCrc32: number;
  readonly counts: ChangeCounts;
  readonly warnings: readonly DeidWarning[];
  readonly identity: DeidSuccess['identity'];
  readonly review: ReviewDigest;
  /** Where the original's identifying values still appear in the output (places, never values). */
  readonly residual: readonly ResidualHit[];
}

export interface JobFailure {
  readonly ok: false;
  readonly error: JobError;
  /** Known when the file could be read. */
  readonly inputBytes?: number;
  readonly inputSha256?: string;
}

export type JobOutcome = JobSuccess | JobFailure;

export interface InspectSuccess {
  readonly ok: true;
  /** The de-identified file, made again, as a Blob (for the preview and the tag view). */
  readonly output: Blob;
  readonly outputSha256: string;
  /** Every element's fate, with its values before and after and the rule that fired. */
  readonly changes: readonly Change[];
  readonly warnings: readonly DeidWarning[];
}

export type InspectOutcome = InspectSuccess | JobFailure;
