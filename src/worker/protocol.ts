import type { Plan } from '../core/deid/plan';
import type { ProjectKey } from '../core/deid/projectKey';
import type { PseudonymTable } from '../core/deid/pseudonymTable';
import type { Change, ChangeCounts, DeidSuccess, DeidWarning } from '../core/deid/types';
import type { VeilErrorCode } from '../core/errors';

/**
 * Messages between the page and the de-identification workers. Files cross as Blob handles both
 * ways: a File (or a slice of one) goes in and is read in the worker; the output comes back as a
 * Blob made in the worker. Structured clone copies a Blob's handle, never its bytes, so pixel data
 * is never cloned, and the copy into the browser's blob storage happens off the page's thread
 * (made on the page, 2,000 of them cost long tasks there).
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

export type ToWorker =
  | { readonly type: 'setup'; readonly batch: number; readonly setup: BatchSetup }
  | {
      readonly type: 'run';
      readonly job: number;
      readonly batch: number;
      readonly fileName: string;
      readonly source: SourceRef;
    };

export type FromWorker = {
  readonly type: 'done';
  readonly job: number;
  readonly outcome: JobOutcome;
};

/** Codes of the transport itself, next to core's. */
export type JobErrorCode = VeilErrorCode | 'READ_FAILED' | 'WORKER_CRASHED';

export interface JobError {
  readonly code: JobErrorCode;
  readonly message: string;
  readonly offset?: number;
}

export interface JobSuccess {
  readonly ok: true;
  /** The de-identified file, in the browser's blob storage (outside the JS heap). */
  readonly output: Blob;
  readonly outputBytes: number;
  readonly inputBytes: number;
  readonly inputSha256: string;
  readonly outputSha256: string;
  readonly changes: readonly Change[];
  readonly counts: ChangeCounts;
  readonly warnings: readonly DeidWarning[];
  readonly identity: DeidSuccess['identity'];
}

export interface JobFailure {
  readonly ok: false;
  readonly error: JobError;
  /** Known when the file could be read. */
  readonly inputBytes?: number;
  readonly inputSha256?: string;
}

export type JobOutcome = JobSuccess | JobFailure;
