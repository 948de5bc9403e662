import type { PseudonymTable } from '../core/deid/pseudonymTable';
import type { ChangeCounts, Profile } from '../core/deid/types';
import type { VeilErrorCode } from '../core/errors';

/**
 * Messages between the main thread and the CLI workers. Only paths and small summaries cross:
 * each worker reads and writes its files itself, so no file's bytes pass through the main thread.
 */
export interface WorkerInit {
  /** The plan is built in each worker from the profile (cheap), so no Plan crosses threads. */
  readonly profile: Profile;
  readonly keyBytes: Uint8Array;
  readonly pseudonymTable?: PseudonymTable;
  readonly inputRoot: string;
  readonly outputRoot: string;
  readonly acceptResidual?: boolean;
}

export interface FileJob {
  readonly relativePath: string;
}

/** Error codes of the CLI itself, next to core's VeilErrorCode. */
export type CliErrorCode = 'READ_FAILED' | 'WRITE_FAILED' | 'WORKER_CRASHED' | 'RESIDUAL_PHI';

export interface FileError {
  readonly code: VeilErrorCode | CliErrorCode;
  readonly message: string;
  readonly offset?: number;
}

export interface FileWarning {
  readonly code: string;
  readonly message: string;
  /** Tag path of the element concerned, never its value. */
  readonly path?: string;
}

export interface ProcessedFile {
  readonly status: 'processed';
  readonly relativePath: string;
  /** Relative to <out>, with `/`. */
  readonly outputPath: string;
  readonly inputBytes: number;
  readonly outputBytes: number;
  readonly inputSha256: string;
  readonly outputSha256: string;
  readonly counts: ChangeCounts;
  readonly warnings: readonly FileWarning[];
}

export interface SkippedFile {
  readonly status: 'skipped';
  readonly relativePath: string;
  readonly inputBytes: number;
  readonly inputSha256: string;
  readonly reason: string;
}

export interface FailedFile {
  readonly status: 'failed';
  readonly relativePath: string;
  readonly inputBytes?: number;
  readonly inputSha256?: string;
  readonly error: FileError;
}

export type FileOutcome = ProcessedFile | SkippedFile | FailedFile;

export type WorkerMessage =
  { readonly type: 'ready' } | { readonly type: 'done'; readonly outcome: FileOutcome };
